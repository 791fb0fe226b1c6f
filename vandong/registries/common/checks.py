"""Rule checks the registries share: years and required text."""

import datetime

from django.utils import timezone

from vandong.registries.common.errors import invalid

# The first year the registries write figures for.
FIRST_YEAR = 2010


def this_year() -> int:
    return timezone.localdate().year


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


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
