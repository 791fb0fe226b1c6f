"""Writes of the petitions app: every one checks scope, validates, writes,
keeps the history and audits in one transaction."""

from vandong.petitions.services.followup import take_step
from vandong.petitions.services.petitions import (
    attachment_add,
    petition_answer,
    petition_assign,
    petition_close,
    petition_create,
    petition_reject,
    petition_step,
    petition_update,
)
from vandong.petitions.services.supervision import (
    recommendation_add,
    recommendation_step,
    supervision_create,
    supervision_update,
)

__all__ = [
    "attachment_add",
    "petition_answer",
    "petition_assign",
    "petition_close",
    "petition_create",
    "petition_reject",
    "petition_step",
    "petition_update",
    "recommendation_add",
    "recommendation_step",
    "supervision_create",
    "supervision_update",
    "take_step",
]
