"""Reads of the catalog: data elements, data sets, periods.

The catalog is reference data every authenticated user may read, so these
queries take no actor. Each call runs its own queries and returns fresh
objects: a caller that needs an element many times keeps the map it got.
"""

from django.db.models import Prefetch, Q, QuerySet

from vandong.catalog.models import DataElement, DataSet, DataSetElement, Period
from vandong.core.text import fold


def element_map() -> dict[str, DataElement]:
    """Every data element by code (one query), with numerator and denominator."""
    return {
        e.code: e
        for e in DataElement.objects.select_related("numerator", "denominator")
    }


def period_get(code: str) -> Period | None:
    return Period.objects.filter(code=code.strip()).first()


def _members() -> "Prefetch[str, QuerySet[DataSetElement]]":
    return Prefetch(
        "members",
        queryset=DataSetElement.objects.select_related("data_element").order_by(
            "order", "id"
        ),
    )


def data_set_get(code: str) -> DataSet | None:
    """A data set with its members in form order (`data_set.members.all()`,
    each with its `data_element`)."""
    return (
        DataSet.objects.filter(code=code.strip()).prefetch_related(_members()).first()
    )


def data_set_list(
    level: int | None = None, *, active_only: bool = False
) -> QuerySet[DataSet]:
    """Data sets by code, with their members prefetched in form order."""
    qs = DataSet.objects.prefetch_related(_members()).order_by("code")
    if level is not None:
        qs = qs.filter(level=level)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs


def data_element_list(
    *,
    level: int | None = None,
    value_type: str | None = None,
    data_set: DataSet | None = None,
    text: str = "",
    active_only: bool = False,
) -> QuerySet[DataElement]:
    """Data elements by code, filtered; `text` matches code or either name,
    accents and capitals aside for the Vietnamese name."""
    qs = DataElement.objects.select_related("numerator", "denominator").order_by("code")
    if level is not None:
        qs = qs.filter(level=level)
    if value_type:
        qs = qs.filter(value_type=value_type)
    if data_set is not None:
        qs = qs.filter(data_sets=data_set)
    if active_only:
        qs = qs.filter(is_active=True)
    if text := text.strip():
        ids = [
            e.pk
            for e in DataElement.objects.only("id", "name_vi")
            if fold(text) in fold(e.name_vi)
        ]
        qs = qs.filter(
            Q(code__icontains=text) | Q(name_en__icontains=text) | Q(pk__in=ids)
        )
    return qs


def period_list(*, kind: str | None = None) -> QuerySet[Period]:
    qs = Period.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs
