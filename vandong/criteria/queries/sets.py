"""The active sets with their counts, and the years a set applies in."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.models import Period, PeriodKind
from vandong.criteria.models import Evaluation


@dataclass(frozen=True)
class SetSummary:
    """A set with its counts, for the list page and the API list."""

    stored: CriteriaSet
    criteria: int
    indicators: int
    thresholds: int
    unverified_thresholds: int
    unverified_indicators: int  # indicators whose rule is not confirmed


def criteria_set_list() -> list[SetSummary]:
    """The active sets, each with how many criteria, indicators and
    thresholds it has and how many of them are unverified."""
    indicators = "criteria__indicators"
    thresholds = f"{indicators}__thresholds"
    sets = (
        CriteriaSet.objects.filter(is_active=True)
        .annotate(
            n_criteria=Count("criteria", distinct=True),
            n_indicators=Count(indicators, distinct=True),
            n_thresholds=Count(thresholds, distinct=True),
            n_unverified_thresholds=Count(
                thresholds,
                filter=Q(**{f"{thresholds}__verified": False}),
                distinct=True,
            ),
            n_unverified_indicators=Count(
                indicators,
                filter=Q(**{f"{indicators}__verified": False}),
                distinct=True,
            ),
        )
        .order_by("kind", "valid_from", "code")
    )
    return [
        SetSummary(
            stored=s,
            criteria=s.n_criteria,
            indicators=s.n_indicators,
            thresholds=s.n_thresholds,
            unverified_thresholds=s.n_unverified_thresholds,
            unverified_indicators=s.n_unverified_indicators,
        )
        for s in sets
    ]


def criteria_set_get(code: str) -> CriteriaSet | None:
    """An active set by code."""
    return CriteriaSet.objects.filter(code=code, is_active=True).first()


def set_years(stored: CriteriaSet) -> list[int]:
    """The catalog's years the set applies in."""
    first = stored.valid_from.year
    last = stored.valid_to.year if stored.valid_to else None
    years = Period.objects.filter(kind=PeriodKind.YEAR, start__year__gte=first)
    if last is not None:
        years = years.filter(start__year__lte=last)
    return sorted({p.start.year for p in years.only("start")})


def applies_in(stored: CriteriaSet, year: int) -> bool:
    if year < stored.valid_from.year:
        return False
    return stored.valid_to is None or year <= stored.valid_to.year


def latest_year(stored: CriteriaSet) -> int | None:
    """The latest year evaluated, else the latest catalog year the set applies in."""
    found = Evaluation.objects.filter(criteria_set=stored).aggregate(y=Max("year"))["y"]
    if found is not None:
        return int(found)
    years = set_years(stored)
    return years[-1] if years else None
