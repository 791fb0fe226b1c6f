"""Pieces the OCOP, models-and-teams and conference registries share: error
shapes, audit snapshots, units read by code, and the writer of registry
counts into data values."""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from vandong.core.errors import CoreErrorCode, DomainError
from vandong.geo import queries as geo_queries
from vandong.geo.models import Level, Unit

logger = logging.getLogger(__name__)

# The first year the registries write figures for.
FIRST_YEAR = 2010

LEVEL_NAMES: dict[int, tuple[str, str]] = {
    Level.PROVINCE: ("cấp tỉnh", "province"),
    Level.DISTRICT: ("cấp huyện", "district"),
    Level.COMMUNE: ("cấp xã", "commune"),
    Level.VILLAGE: ("thôn, tổ dân phố", "village"),
}


class RegistryErrorCode(models.TextChoices):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    WRONG_LEVEL = "wrong_level"
    SCORE_BAND_MISMATCH = "score_band_mismatch"
    DUPLICATE = "duplicate"


def invalid(field: str, message_vi: str, message_en: str) -> DomainError:
    return DomainError(RegistryErrorCode.INVALID, message_vi, message_en, field=field)


def not_found(what_vi: str, what_en: str, key: object) -> DomainError:
    return DomainError(
        CoreErrorCode.NOT_FOUND,
        f"Không tìm thấy {what_vi} số {key} (hoặc nằm ngoài phạm vi của bạn).",
        f"No {what_en} #{key} (or it is outside your scope).",
    )


def user_id(actor: object) -> int | None:
    """The acting user's id for `created_by`; None for the system."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    pk = getattr(actor, "pk", None)
    return int(pk) if pk is not None else None


def this_year() -> int:
    return timezone.localdate().year


def check_level(unit: Unit, levels: Iterable[int], field: str = "unit") -> None:
    allowed = sorted(set(levels))
    if unit.level in allowed:
        return
    vi = ", ".join(LEVEL_NAMES[lv][0] for lv in allowed)
    en = " or ".join(LEVEL_NAMES[lv][1] for lv in allowed)
    raise DomainError(
        RegistryErrorCode.WRONG_LEVEL,
        f"{unit.name} ({unit.code}) không phải đơn vị {vi}.",
        f"{unit.name} ({unit.code}) is not a {en}-level unit.",
        field=field,
    )


def check_year(value: int, field: str, label_vi: str, label_en: str) -> None:
    last = this_year()
    if not FIRST_YEAR <= value <= last:
        raise invalid(
            field,
            f"{label_vi} phải từ {FIRST_YEAR} đến {last}.",
            f"{label_en} must be between {FIRST_YEAR} and {last}.",
        )


def check_text(value: str, field: str, limit: int, label_vi: str, label_en: str) -> str:
    text = value.strip()
    if not text:
        raise invalid(field, f"Cần nhập {label_vi}.", f"{label_en} is required.")
    if len(text) > limit:
        raise invalid(
            field,
            f"{label_vi[:1].upper()}{label_vi[1:]} dài quá {limit} ký tự.",
            f"{label_en} is longer than {limit} characters.",
        )
    return text


def unit_by_code(code: str, on: datetime.date) -> Unit:
    unit = geo_queries.unit_get(code=code.strip(), on=on)
    if unit is None:
        raise DomainError(
            CoreErrorCode.NOT_FOUND,
            f"Không có đơn vị hành chính mã {code} vào ngày {on:%d/%m/%Y}.",
            f"No administrative unit has code {code} on {on.isoformat()}.",
            field="unit",
        )
    return unit


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values as JSON for the audit row."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, models.Model):
            value = value.pk
        out[name] = value
    return out


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def write_counts(rows: list[tuple[str, str, int, int]]) -> int:
    """Store (element, unit code, year, value) rows as the system, through
    the collect write service; returns the values created or changed. A
    refusal (an approved form, a missing element) is logged, not raised: the
    registry write has committed."""
    from vandong.collect.rows import ValueRow
    from vandong.collect.services import data_values_write

    if not rows:
        return 0
    values = [ValueRow(e, code, str(year), value) for e, code, year, value in rows]
    try:
        result = data_values_write(actor=None, rows=values, channel="system")
    except DomainError as error:
        logger.warning("registry sync refused: %s", error.message_en)
        return 0
    return result.created + result.updated
