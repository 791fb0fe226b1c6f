"""The registries' tables, one module per registry, re-exported here."""

from vandong.registries.models.conferences import (
    ChairRole,
    Commitment,
    CommitmentStatus,
    Conference,
)
from vandong.registries.models.contributions import (
    Contribution,
    ContributionQuerySet,
    ContributorKind,
    Purpose,
)
from vandong.registries.models.ocop import (
    OcopProduct,
    OcopRating,
    ProducerKind,
    ProductGroup,
    Stars,
)
from vandong.registries.models.teams import ModelCategory, ModelKind, ModelTeam

__all__ = [
    "ChairRole",
    "Commitment",
    "CommitmentStatus",
    "Conference",
    "Contribution",
    "ContributionQuerySet",
    "ContributorKind",
    "ModelCategory",
    "ModelKind",
    "ModelTeam",
    "OcopProduct",
    "OcopRating",
    "ProducerKind",
    "ProductGroup",
    "Purpose",
    "Stars",
]
