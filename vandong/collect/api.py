"""Data values API, mounted at /api/v1/: bulk write and read, audit, approval, import.

Every write goes through `services.data_values_write` (or the approval
services), so the API refuses exactly what the web form and the importers
refuse: rows outside the caller's scope (403, `out_of_scope`), rows of an
approved data set (409, `locked`), bad rows (400, `invalid_rows`), each bad row
named by its 1-based position in the request. A code names a unit only together
with a day: unit codes are read on the period's last day.
"""

import datetime
import functools
import io
from collections.abc import Callable, Iterable
from typing import Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from pydantic import BaseModel

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can
from vandong.catalog.models import WHOLE_TYPES, DataElement, DataSet, Period, ValueType
from vandong.catalog.queries import data_set_get, period_get
from vandong.collect import formats
from vandong.collect.models import Approval, ApprovalState, DataValue
from vandong.collect.queries import approval_get as approval_read
from vandong.collect.queries import data_value_list, value_history
from vandong.collect.rows import ValueRow
from vandong.collect.services import (
    WriteResult,
    approval_approve,
    approval_reopen,
    approval_submit,
)
from vandong.collect.services import data_values_write as write_values
from vandong.collect.validation import Violation
from vandong.core.errors import CoreErrorCode, DomainError
from vandong.core.formatting import number_vi
from vandong.core.models import Channel
from vandong.geo import queries as geo_queries
from vandong.geo.models import Unit

router = Router()

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_MAX_API_VALUES = 50_000
DEFAULT_MAX_API_BYTES = 32 * 1024 * 1024


def max_api_values() -> int:
    """Values accepted in one call (settings.VANDONG_MAX_API_VALUES)."""
    return int(getattr(settings, "VANDONG_MAX_API_VALUES", DEFAULT_MAX_API_VALUES))


def max_api_bytes() -> int:
    """Bytes accepted in one JSON body (settings.VANDONG_MAX_API_BYTES)."""
    return int(getattr(settings, "VANDONG_MAX_API_BYTES", DEFAULT_MAX_API_BYTES))


# --- shapes -----------------------------------------------------------------


class RowErrorOut(Schema):
    row: int = Field(description="1-based position of the value in the request")
    field: str
    message_vi: str
    message_en: str
    sheet: str = ""
    column: str = ""
    unit: str = ""
    element: str = ""


class ErrorOut(Schema):
    code: str = Field(
        description="invalid_rows, out_of_scope, locked, not_found, invalid_file, "
        "too_many_values, too_large…"
    )
    message_vi: str
    message_en: str
    field: str | None = None
    row: int | None = None
    rows: list[RowErrorOut] = Field(
        default_factory=list,
        description="Every refused row (the first 1,000; the message gives the total)",
    )


RawValue = bool | int | float | str | None


# Request bodies are plain pydantic models: ninja's Schema resolves each field
# through a Django-aware getter, which costs seconds on 50,000 values.
class ValueIn(BaseModel):
    data_element: str = Field(
        min_length=1, max_length=60, description="Data element code"
    )
    unit: str = Field(
        min_length=1,
        max_length=20,
        description="GSO code of the unit, read on the period's last day",
    )
    period: str = Field(min_length=1, max_length=20, description='Period code: "2020"')
    value: RawValue = Field(
        description="A number, true/false, or text as the element's type reads it "
        '("61,5", "2.142.500", "có"); null or "" deletes the stored value'
    )
    comment: str = Field("", max_length=500)


class DataValuesIn(BaseModel):
    values: list[ValueIn] = Field(
        min_length=1,
        description="At most 50,000 values a call (VANDONG_MAX_API_VALUES); all "
        "are stored or none",
    )
    dry_run: bool = Field(
        False, description="Check and count what would change; store nothing"
    )


class ViolationOut(Schema):
    rule_code: str
    severity: str = Field(description="error or warning")
    message_vi: str
    message_en: str
    unit: str = Field(description="Unit code")
    period: str
    left_value: float | None
    right_value: float | None
    element_codes: list[str]


class WriteResultOut(Schema):
    created: int
    updated: int
    unchanged: int
    deleted: int
    batch_id: int | None = Field(description="The import batch recording the write")
    dry_run: bool
    violations: list[ViolationOut] = Field(
        description="Validation rules broken by the stored values of the units and "
        "periods written (warnings do not refuse a write)"
    )


class DataValueFilter(Schema):
    data_element: str | None = Field(None, description="Data element code")
    unit: str | None = Field(
        None,
        description="Unit code, read on `valid_on`, else the period's last day, "
        "else today",
    )
    period: str | None = Field(None, description='Period code: "2020"')
    children: bool = Field(
        False, description="With `unit`: the unit and its whole subtree"
    )
    valid_on: datetime.date | None = Field(
        None, description="The day `unit` is read on (ISO date)"
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class DataValueOut(Schema):
    data_element: str
    unit: str
    unit_name: str
    period: str
    value: RawValue = Field(
        description="A number, true/false for yes/no elements, text for text elements"
    )
    comment: str
    updated_at: datetime.datetime


class DataValueListOut(Schema):
    items: list[DataValueOut]
    count: int = Field(description="Matches before paging")


class KeyFilter(Schema):
    data_element: str = Field(description="Data element code")
    unit: str = Field(description="Unit code, read on `valid_on` or the period's end")
    period: str
    valid_on: datetime.date | None = None


class AuditEntryOut(Schema):
    action: str = Field(description="create, update or delete")
    old_value: str
    new_value: str
    at: datetime.datetime
    actor: str | None = Field(description="Username; null for the system")
    channel: str = Field(description="web, import, api, cli or system")
    batch_id: int | None


class AuditOut(Schema):
    data_element: str
    unit: str
    unit_name: str
    period: str
    items: list[AuditEntryOut] = Field(description="Newest first")


class ApprovalIn(Schema):
    data_set: str = Field(description="Data set code")
    unit: str = Field(description="Unit code, read on the period's last day")
    period: str
    valid_on: datetime.date | None = Field(
        None, description="The day `unit` is read on; default the period's last day"
    )


class ApprovalFilter(ApprovalIn):
    pass


class ApprovalOut(Schema):
    data_set: str
    unit: str
    unit_name: str
    period: str
    state: str = Field(description="draft, submitted or approved")
    updated_at: datetime.datetime | None
    updated_by: str | None


# --- helpers ----------------------------------------------------------------


def _not_found(what_vi: str, what_en: str, code: str, field: str) -> DomainError:
    return DomainError(
        CoreErrorCode.NOT_FOUND,
        f"Không có {what_vi} mã “{code}”.",
        f"No {what_en} has the code '{code}'.",
        field=field,
    )


def _element(code: str) -> DataElement:
    element = DataElement.objects.filter(code=code.strip()).first()
    if element is None:
        raise _not_found("chỉ tiêu", "data element", code, "data_element")
    return element


def _period(code: str) -> Period:
    period = period_get(code)
    if period is None:
        raise _not_found("kỳ báo cáo", "period", code, "period")
    return period


def _data_set(code: str) -> DataSet:
    data_set = data_set_get(code)
    if data_set is None:
        raise _not_found("biểu mẫu", "data set", code, "data_set")
    return data_set


def _unit(code: str, day: datetime.date) -> Unit:
    unit = geo_queries.unit_get(code=code, on=day)
    if unit is None:
        raise DomainError(
            CoreErrorCode.NOT_FOUND,
            f"Không có đơn vị hành chính mã {code} vào ngày {day:%d/%m/%Y}.",
            f"No administrative unit has code {code} on {day.isoformat()}.",
            field="unit",
        )
    return unit


def _require_view(request: HttpRequest, unit: Unit) -> None:
    if not can(actor=request.user, action=Action.VIEW, unit=unit):
        raise DomainError(
            CoreErrorCode.OUT_OF_SCOPE,
            f"Bạn không có quyền xem dữ liệu của {unit.name} ({unit.code}).",
            f"You may not view the data of {unit.name} ({unit.code}).",
            field="unit",
        )


def value_out(data_value: DataValue) -> RawValue:
    """The stored value as its element's type reads: text, true/false, a whole
    number or a decimal one."""
    value_type = data_value.data_element.value_type
    if value_type == ValueType.TEXT:
        return data_value.text_value
    if data_value.value is None:
        return None
    if value_type == ValueType.BOOLEAN:
        return data_value.value != 0
    if value_type in WHOLE_TYPES and data_value.value.is_integer():
        return int(data_value.value)
    return data_value.value


def _violations_out(violations: list[Violation]) -> list[ViolationOut]:
    if not violations:
        return []
    units = Unit.objects.in_bulk({v.unit_id for v in violations})
    periods = Period.objects.in_bulk({v.period_id for v in violations})
    return [
        ViolationOut(
            rule_code=v.rule_code,
            severity=v.severity,
            message_vi=v.message_vi,
            message_en=v.message_en,
            unit=units[v.unit_id].code if v.unit_id in units else "",
            period=periods[v.period_id].code if v.period_id in periods else "",
            left_value=v.left_value,
            right_value=v.right_value,
            element_codes=list(v.element_codes),
        )
        for v in violations
    ]


def _result_out(result: WriteResult) -> WriteResultOut:
    return WriteResultOut(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        deleted=result.deleted,
        batch_id=result.batch_id,
        dry_run=result.dry_run,
        violations=_violations_out(result.violations),
    )


def _too_large(size_vi: str, size_en: str) -> HttpResponse:
    limit = formats.size_text(max_api_bytes())
    return JsonResponse(
        {
            "code": "too_large",
            "message_vi": f"Yêu cầu quá lớn ({size_vi}); giới hạn là {limit} mỗi "
            "lần gọi. Hãy chia dữ liệu thành nhiều lần gửi, hoặc tải lên một tệp "
            "qua /api/v1/data-values/import.",
            "message_en": f"The request is too large ({size_en}); the limit is "
            f"{limit} a call. Send the data in several calls, or upload a file "
            "to /api/v1/data-values/import.",
            "field": None,
            "row": None,
            "rows": [],
        },
        status=413,
    )


def _limit_body(run: Callable[..., Any]) -> Callable[..., Any]:
    """Read a JSON body up to VANDONG_MAX_API_BYTES, above Django's small
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, which would cut a call at about
    25,000 values), and refuse a larger one with a 413 in both languages."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        limit = max_api_bytes()
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > limit:
            size = formats.size_text(declared)
            return _too_large(size, size)
        if not hasattr(request, "_body"):
            body = request.read(limit + 1)
            if len(body) > limit:
                more_vi, more_en = (
                    f"hơn {formats.size_text(limit)}",
                    (f"over {formats.size_text(limit)}"),
                )
                return _too_large(more_vi, more_en)
            # What HttpRequest.body would have done, without its size check.
            request._body = body
            request._stream = io.BytesIO(body)
        return run(request, *args, **kwargs)

    return wrapper


def _rows(values: Iterable[ValueIn]) -> list[ValueRow]:
    return [
        ValueRow(
            data_element=v.data_element.strip(),
            unit_code=v.unit.strip(),
            period=v.period.strip(),
            value=v.value,
            comment=v.comment,
            row=number,
        )
        for number, v in enumerate(values, start=1)
    ]


WRITE_RESPONSES: dict[int, type[Schema]] = {
    200: WriteResultOut,
    400: ErrorOut,
    403: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
}


# --- data values --------------------------------------------------------------


@router.post(
    "/data-values",
    response=WRITE_RESPONSES,
    url_name="data-values-write",
    summary="Write data values, all or none",
)
@decorate_view(_limit_body)
def data_values_write(request: HttpRequest, payload: DataValuesIn) -> WriteResultOut:
    """Create, change or delete (value null or "") data values, checked and
    audited like the web form. One bad row refuses the whole call: 400
    `invalid_rows`, 403 `out_of_scope` (rows outside the units you may enter
    data for), 409 `locked` (rows of an approved data set); `rows` lists every
    refused row by its 1-based position in `values`. At most 50,000 values and
    32 MB a call; send more in several calls or upload a file."""
    limit = max_api_values()
    if len(payload.values) > limit:
        raise DomainError(
            "too_many_values",
            f"Mỗi lần gọi gửi tối đa {number_vi(limit)} giá trị; yêu cầu này có "
            f"{number_vi(len(payload.values))}. Hãy chia thành nhiều lần gửi.",
            f"At most {limit:,} values a call; this request has "
            f"{len(payload.values):,}. Send them in several calls.",
            field="values",
        )
    result = write_values(
        actor=request.user,
        rows=_rows(payload.values),
        channel=Channel.API,
        dry_run=payload.dry_run,
        fmt="json",
    )
    return _result_out(result)


@router.get(
    "/data-values",
    response={200: DataValueListOut, 403: ErrorOut, 404: ErrorOut},
    url_name="data-values-list",
    summary="List data values you may view",
)
def data_values_list(
    request: HttpRequest, filters: Query[DataValueFilter]
) -> dict[str, object]:
    """Values of the units you may view, filtered by data element, unit (or its
    subtree with `children=true`) and period, ordered by period, unit and data
    element; `count` is the number of matches before paging."""
    elements = [_element(filters.data_element)] if filters.data_element else None
    period = _period(filters.period) if filters.period else None
    periods = [period] if period is not None else None
    units: QuerySet[Unit] | list[Unit] | None = None
    if filters.unit:
        day = filters.valid_on or (period.end if period else geo_queries.today())
        unit = _unit(filters.unit, day)
        units = Unit.objects.within(unit) if filters.children else [unit]
    qs = data_value_list(
        actor=request.user, elements=elements, units=units, periods=periods
    ).select_related("data_element", "unit", "period")
    page = list(qs[filters.offset : filters.offset + filters.limit])
    items = [
        DataValueOut(
            data_element=dv.data_element.code,
            unit=dv.unit.code,
            unit_name=dv.unit.name,
            period=dv.period.code,
            value=value_out(dv),
            comment=dv.comment,
            updated_at=dv.updated_at,
        )
        for dv in page
    ]
    return {"items": items, "count": qs.count()}


@router.get(
    "/data-values/audit",
    response={200: AuditOut, 403: ErrorOut, 404: ErrorOut},
    url_name="data-values-audit",
    summary="The audit trail of one data value",
)
def data_values_audit(request: HttpRequest, filters: Query[KeyFilter]) -> AuditOut:
    """Every create, change and delete of one (data element, unit, period), newest
    first, with the old and new value, who, when and through which channel."""
    element = _element(filters.data_element)
    period = _period(filters.period)
    unit = _unit(filters.unit, filters.valid_on or period.end)
    _require_view(request, unit)
    entries = value_history(
        actor=request.user, data_element=element, unit=unit, period=period
    )
    return AuditOut(
        data_element=element.code,
        unit=unit.code,
        unit_name=unit.name,
        period=period.code,
        items=[
            AuditEntryOut(
                action=e.action,
                old_value=e.old_value,
                new_value=e.new_value,
                at=e.at,
                actor=e.actor.get_username() if e.actor else None,
                channel=e.channel,
                batch_id=e.batch_id,
            )
            for e in entries
        ],
    )


@router.post(
    "/data-values/import",
    response=WRITE_RESPONSES,
    url_name="data-values-import",
    summary="Import a file of data values, all or none",
)
def data_values_import(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = False,
) -> WriteResultOut:
    """Upload an .xlsx template, a .csv (`data_element,unit_code,period,value
    [,comment]`, or a DHIS2 dataValueSet CSV), a DHIS2 dataValueSet .json or
    .xml, or an ADX .xml, as the multipart field `file`. The format comes from
    the extension and is checked against the content. Refusals list every bad
    row by sheet, row and column. Files up to VANDONG_MAX_IMPORT_BYTES (200 MB
    by default)."""
    filename = file.name or "upload"
    formats.check_size(file.size or 0, filename=filename)
    data = file.read()
    fmt, rows = formats.read_upload(data, filename=filename)
    del data
    result = write_values(
        actor=request.user,
        rows=rows,
        channel=Channel.IMPORT,
        dry_run=dry_run,
        filename=filename,
        fmt=fmt,
    )
    return _result_out(result)


# --- approval -----------------------------------------------------------------


def _approval_out(
    approval: Approval | None, data_set: DataSet, unit: Unit, period: Period
) -> ApprovalOut:
    updated_by = approval.updated_by if approval is not None else None
    return ApprovalOut(
        data_set=data_set.code,
        unit=unit.code,
        unit_name=unit.name,
        period=period.code,
        state=approval.state if approval is not None else ApprovalState.DRAFT,
        updated_at=approval.updated_at if approval is not None else None,
        updated_by=updated_by.get_username() if updated_by is not None else None,
    )


APPROVAL_STEPS: dict[str, Callable[..., Approval]] = {
    "submit": approval_submit,
    "approve": approval_approve,
    "reopen": approval_reopen,
}


@router.post(
    "/approvals/{action}",
    response={
        200: ApprovalOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    url_name="approval-step",
    summary="Submit, approve or reopen a data set for a unit and period",
)
def approval_step(
    request: HttpRequest,
    action: Literal["submit", "approve", "reopen"],
    payload: ApprovalIn,
) -> ApprovalOut:
    """`submit` (draft → submitted; needs the right to submit on the unit and no
    error-level rule violations), `approve` (submitted → approved, which locks
    the values; needs the right to approve on a unit above) or `reopen`
    (back to draft; by an approver above). Answers the new state."""
    data_set = _data_set(payload.data_set)
    period = _period(payload.period)
    unit = _unit(payload.unit, payload.valid_on or period.end)
    approval = APPROVAL_STEPS[action](
        actor=request.user, data_set=data_set, unit=unit, period=period
    )
    return _approval_out(approval, data_set, unit, period)


@router.get(
    "/approvals",
    response={200: ApprovalOut, 403: ErrorOut, 404: ErrorOut},
    url_name="approval-get",
    summary="The approval state of a data set for a unit and period",
)
def approval_get(request: HttpRequest, filters: Query[ApprovalFilter]) -> ApprovalOut:
    """draft (also when nothing was ever submitted), submitted or approved."""
    data_set = _data_set(filters.data_set)
    period = _period(filters.period)
    unit = _unit(filters.unit, filters.valid_on or period.end)
    _require_view(request, unit)
    approval = approval_read(data_set=data_set, unit=unit, period=period)
    return _approval_out(approval, data_set, unit, period)
