from vandong.petitions.views.petitions import (
    attachment_download,
    attachment_upload,
    petition_create,
    petition_detail,
    petition_edit,
    petition_export,
    petition_list,
    petition_step,
    summary,
)
from vandong.petitions.views.supervision import (
    recommendation_add,
    recommendation_step,
    supervision_create,
    supervision_detail,
    supervision_edit,
    supervision_export,
    supervision_list,
)

__all__ = [
    "attachment_download",
    "attachment_upload",
    "petition_create",
    "petition_detail",
    "petition_edit",
    "petition_export",
    "petition_list",
    "petition_step",
    "recommendation_add",
    "recommendation_step",
    "summary",
    "supervision_create",
    "supervision_detail",
    "supervision_edit",
    "supervision_export",
    "supervision_list",
]
