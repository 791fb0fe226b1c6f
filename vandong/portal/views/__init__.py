from vandong.portal.views.officer import publish
from vandong.portal.views.petitions import petition, track
from vandong.portal.views.public import (
    commune,
    home,
    language,
    province,
    province_charts,
)

__all__ = [
    "commune",
    "home",
    "language",
    "petition",
    "province",
    "province_charts",
    "publish",
    "track",
]
