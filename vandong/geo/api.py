"""Units API, mounted at /api/v1/units.

A code names a unit only together with a day, so both endpoints take
`valid_on` (default: today, in Asia/Ho_Chi_Minh).
"""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vandong.core.errors import CoreErrorCode, DomainError, RowError
from vandong.core.models import Channel
from vandong.core.text import fold
from vandong.geo import queries
from vandong.geo.models import Succession, Unit

router = Router()

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str


class UnitFilter(Schema):
    level: int | None = Field(
        None, ge=1, le=4, description="1 province, 2 district, 3 commune, 4 village"
    )
    parent: str | None = Field(
        None, description="Code of the parent unit, resolved on `valid_on`"
    )
    valid_on: datetime.date | None = Field(
        None, description="Units valid on this day (ISO date); default today"
    )
    q: str | None = Field(
        None, description="Part of the name; accents and capitals do not matter"
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class UnitDayFilter(Schema):
    valid_on: datetime.date | None = Field(
        None, description="The day the code is read on (ISO date); default today"
    )


class UnitOut(Schema):
    code: str
    name: str
    type: str
    level: int
    parent_code: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    region: str
    area_class: str
    commune_group: int | None
    latitude: float | None
    longitude: float | None
    area_km2: float | None
    households: int | None
    population: int | None
    is_sample: bool


class UnitListOut(Schema):
    items: list[UnitOut]
    count: int


class LineageOut(Schema):
    """The unit at the other end of a succession edge, and the edge."""

    code: str
    name: str
    kind: str
    effective_date: datetime.date
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    area_share: float | None
    is_primary: bool


class UnitDetailOut(UnitOut):
    predecessors: list[LineageOut]
    successors: list[LineageOut]


def _not_found(code: str, day: datetime.date, *, field: str) -> DomainError:
    return DomainError(
        CoreErrorCode.NOT_FOUND,
        f"Không có đơn vị hành chính mã {code} vào ngày {day:%d/%m/%Y}.",
        f"No administrative unit has code {code} on {day.isoformat()}.",
        field=field,
    )


def _lineage(edge: Succession, other: Unit) -> LineageOut:
    return LineageOut(
        code=other.code,
        name=other.name,
        kind=edge.kind,
        effective_date=edge.effective_date,
        valid_from=other.valid_from,
        valid_to=other.valid_to,
        area_share=edge.area_share,
        is_primary=edge.is_primary,
    )


@router.get(
    "",
    response={200: UnitListOut, 404: ErrorOut, 422: ErrorOut},
    url_name="unit-list",
    summary="List units valid on a day",
)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> dict[str, object]:
    """Units valid on `valid_on`, by level, parent code and name, ordered by
    level and code. `count` is the number of matches before paging."""
    day = filters.valid_on or queries.today()
    parent: Unit | None = None
    if filters.parent:
        parent = queries.unit_get(code=filters.parent, on=day)
        if parent is None:
            raise _not_found(filters.parent, day, field="parent")
    qs = queries.unit_list(
        on=day, level=filters.level, parent=parent, text=filters.q or ""
    )
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"items": items, "count": qs.count()}


class VillageIn(Schema):
    commune_code: str = Field(description="Code of the commune, read on `valid_on`")
    name: str = Field(min_length=1, max_length=120)
    type: str | None = Field(
        None,
        description="thôn, bản, tổ dân phố, ấp, khu phố; from the name if left out",
    )
    households: int | None = Field(None, ge=0)
    population: int | None = Field(None, ge=0)


class VillagesIn(Schema):
    valid_on: datetime.date | None = Field(
        None, description="The day commune codes are read on; default today"
    )
    villages: list[VillageIn] = Field(min_length=1, max_length=5000)


class RowErrorOut(Schema):
    row: int
    field: str
    message_vi: str
    message_en: str


class RowsErrorOut(ErrorOut):
    rows: list[RowErrorOut]


class VillagesResultOut(Schema):
    created: int
    updated: int
    unchanged: int


@router.post(
    "/villages",
    response={200: VillagesResultOut, 400: RowsErrorOut, 403: RowsErrorOut},
    url_name="village-import",
    summary="Create or update villages, all or none",
)
def village_import(request: HttpRequest, payload: VillagesIn) -> VillagesResultOut:
    """Villages under communes valid on `valid_on`. Rows are numbered from 1 in
    the order sent; one bad row, or one outside the caller's scope, refuses all."""
    from vandong.geo.villages import VILLAGE_TYPES, type_from_name, villages_save
    from vandong.geo.villages import VillageIn as VillageRow

    rows = []
    errors = []
    for number, v in enumerate(payload.villages, start=1):
        unit_type = VILLAGE_TYPES.get(fold(v.type)) if v.type else None
        if v.type and unit_type is None:
            errors.append(
                RowError(
                    number,
                    "type",
                    f"Loại “{v.type}” không hợp lệ (thôn, bản, tổ dân phố, ấp, khu phố).",
                    f"Unknown type '{v.type}' (thôn, bản, tổ dân phố, ấp, khu phố).",
                )
            )
        rows.append(
            VillageRow(
                row=number,
                commune_code=v.commune_code.strip(),
                name=" ".join(v.name.split()),
                type=unit_type or type_from_name(v.name),
                households=v.households,
                population=v.population,
            )
        )
    result = villages_save(
        actor=request.user,
        villages=rows,
        errors=errors,
        on=payload.valid_on or queries.today(),
        channel=Channel.API,
        source="api",
    )
    return VillagesResultOut(
        created=result.created, updated=result.updated, unchanged=result.unchanged
    )


@router.get(
    "/{code}",
    response={200: UnitDetailOut, 404: ErrorOut, 422: ErrorOut},
    url_name="unit-detail",
    summary="One unit by code and day, with its lineage",
)
def unit_detail(
    request: HttpRequest,
    code: str,
    filters: Query[UnitDayFilter],
) -> UnitDetailOut:
    day = filters.valid_on or queries.today()
    unit = queries.unit_get(code=code, on=day)
    if unit is None:
        raise _not_found(code, day, field="code")
    lineage = queries.unit_lineage(unit=unit)
    base = UnitOut.model_validate(unit).model_dump()
    return UnitDetailOut(
        **base,
        predecessors=[_lineage(e, e.predecessor) for e in lineage.predecessors],
        successors=[_lineage(e, e.successor) for e in lineage.successors],
    )


class CommuneGroupIn(Schema):
    commune_group: int | None = Field(None, ge=1, le=3)
    valid_on: datetime.date | None = None


@router.put(
    "/{code}/commune-group",
    response={200: UnitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="unit-commune-group",
    summary="Set a current commune's group (nhóm 1/2/3) of the 2026-2030 set",
)
def unit_commune_group(
    request: HttpRequest, code: str, payload: CommuneGroupIn
) -> Unit:
    from vandong.geo.services import commune_group_set

    day = payload.valid_on or queries.today()
    unit = queries.unit_get(code=code, on=day)
    if unit is None:
        raise _not_found(code, day, field="code")
    return commune_group_set(
        actor=request.user,
        unit=unit,
        group=payload.commune_group,
        channel=Channel.API,
    )
