"""Many units at once: the matrix of evaluations and the units nearest to
the standard."""

from django.db.models import QuerySet

from vandong.accounts.queries import Actor
from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.criteria.spec import MET
from vandong.criteria.models import Evaluation
from vandong.criteria.queries.units import evaluations_in_scope
from vandong.geo.models import Unit

SORTS = ("met", "name")


def matrix(
    *,
    actor: Actor,
    stored: CriteriaSet,
    year: int,
    root: Unit | None = None,
    district: Unit | None = None,
    sort: str = "met",
) -> QuerySet[Evaluation]:
    """Evaluations of the units in scope (and subtree, and district), most
    criteria met first (`sort="met"`) or by name."""
    found = evaluations_in_scope(actor=actor, stored=stored, year=year, root=root)
    if district is not None:
        found = found.filter(unit__path__startswith=district.path)
    if sort == "name":
        return found.order_by("unit__name_key", "unit__code")
    return found.order_by("-criteria_met", "gap_score", "unit__name_key", "unit__code")


def nearest(
    *, actor: Actor, stored: CriteriaSet, year: int, root: Unit | None = None
) -> QuerySet[Evaluation]:
    """Units not meeting the standard, fewest criteria missing first, then
    the smallest gap score (the criteria total is the same for every unit)."""
    found = evaluations_in_scope(actor=actor, stored=stored, year=year, root=root)
    return found.exclude(status=MET).order_by(
        "-criteria_met", "gap_score", "unit__name_key", "unit__code"
    )


def missing(stored: CriteriaSet, evaluation: Evaluation) -> int:
    """How many more criteria the unit must meet."""
    needed = stored.at_least or evaluation.criteria_total
    return max(0, needed - evaluation.criteria_met)
