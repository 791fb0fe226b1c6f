"""Catalog API, mounted at /api/v1/: the data elements and data sets, read-only.

Every authenticated user may read the catalog (it is reference data, like the
units); it is changed through the YAML fixtures and the admin.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vandong.catalog import queries
from vandong.catalog.models import DataElement, DataSet, PeriodKind, ValueType
from vandong.core.errors import CoreErrorCode, DomainError

router = Router()

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class DataElementFilter(Schema):
    level: int | None = Field(
        None, ge=1, le=4, description="1 province, 2 district, 3 commune, 4 village"
    )
    value_type: ValueType | None = Field(None, description="integer, percent, …")
    data_set: str | None = Field(None, description="Only the elements of this form")
    q: str | None = Field(
        None, description="Part of the code or a name; Vietnamese accents optional"
    )
    active: bool | None = Field(None, description="true: only active elements")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class DataElementOut(Schema):
    code: str
    name_vi: str
    name_en: str
    short_name_vi: str
    value_type: str
    measure: str
    level: int
    tree_aggregation: str = Field(
        description="sum, weighted_average, min, max, count_true, none"
    )
    time_aggregation: str = Field(description="sum (flows), last (stocks), none")
    numerator: str | None = Field(description="Code of the numerator element")
    denominator: str | None = Field(description="Code of the denominator element")
    is_computed: bool = Field(
        description="Computed from numerator and denominator, never entered"
    )
    min_value: float | None
    max_value: float | None
    dhis2_uid: str
    source_note: str
    is_active: bool


class DataElementListOut(Schema):
    items: list[DataElementOut]
    count: int = Field(description="Matches before paging")


class DataSetFilter(Schema):
    level: int | None = Field(None, ge=1, le=4)
    period_kind: PeriodKind | None = None
    active: bool | None = Field(None, description="true: only active data sets")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class MemberOut(Schema):
    code: str
    section_vi: str
    section_en: str
    order: int
    is_required: bool


class DataSetOut(Schema):
    code: str
    name_vi: str
    name_en: str
    description: str
    level: int
    period_kind: str
    version: int
    dhis2_uid: str
    is_active: bool
    elements: list[str] = Field(description="Element codes in form order")
    members: list[MemberOut] = Field(description="The elements with their sections")


class DataSetListOut(Schema):
    items: list[DataSetOut]
    count: int = Field(description="Matches before paging")


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str


def _element_out(e: DataElement) -> DataElementOut:
    return DataElementOut(
        code=e.code,
        name_vi=e.name_vi,
        name_en=e.name_en,
        short_name_vi=e.short_name_vi,
        value_type=e.value_type,
        measure=e.measure,
        level=e.level,
        tree_aggregation=e.tree_aggregation,
        time_aggregation=e.time_aggregation,
        numerator=e.numerator.code if e.numerator else None,
        denominator=e.denominator.code if e.denominator else None,
        is_computed=e.is_computed,
        min_value=e.min_value,
        max_value=e.max_value,
        dhis2_uid=e.dhis2_uid,
        source_note=e.source_note,
        is_active=e.is_active,
    )


def _data_set_out(ds: DataSet) -> DataSetOut:
    members = list(ds.members.all())
    return DataSetOut(
        code=ds.code,
        name_vi=ds.name_vi,
        name_en=ds.name_en,
        description=ds.description,
        level=ds.level,
        period_kind=ds.period_kind,
        version=ds.version,
        dhis2_uid=ds.dhis2_uid,
        is_active=ds.is_active,
        elements=[m.data_element.code for m in members],
        members=[
            MemberOut(
                code=m.data_element.code,
                section_vi=m.section_vi,
                section_en=m.section_en,
                order=m.order,
                is_required=m.is_required,
            )
            for m in members
        ],
    )


@router.get(
    "/data-elements",
    response={200: DataElementListOut, 404: ErrorOut},
    url_name="data-element-list",
    summary="List data elements",
)
def data_element_list(
    request: HttpRequest, filters: Query[DataElementFilter]
) -> DataElementListOut:
    """Data elements by code, with how each aggregates over the unit tree and
    over years; `count` is the number of matches before paging."""
    data_set = None
    if filters.data_set:
        data_set = queries.data_set_get(filters.data_set)
        if data_set is None:
            raise DomainError(
                CoreErrorCode.NOT_FOUND,
                f"Không có biểu mẫu mã “{filters.data_set}”.",
                f"No data set has the code '{filters.data_set}'.",
                field="data_set",
            )
    qs = queries.data_element_list(
        level=filters.level,
        value_type=filters.value_type,
        data_set=data_set,
        text=filters.q or "",
        active_only=bool(filters.active),
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return DataElementListOut(items=[_element_out(e) for e in page], count=qs.count())


@router.get(
    "/data-sets",
    response=DataSetListOut,
    url_name="data-set-list",
    summary="List data sets (forms) with their elements in order",
)
def data_set_list(
    request: HttpRequest, filters: Query[DataSetFilter]
) -> DataSetListOut:
    """Data sets by code, each with its element codes in form order and its
    sections; `count` is the number of matches before paging."""
    qs = queries.data_set_list(filters.level, active_only=bool(filters.active))
    if filters.period_kind:
        qs = qs.filter(period_kind=filters.period_kind)
    page = qs[filters.offset : filters.offset + filters.limit]
    return DataSetListOut(items=[_data_set_out(d) for d in page], count=qs.count())
