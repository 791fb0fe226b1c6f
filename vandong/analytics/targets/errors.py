"""Errors of the targets: a broken targets file, an unknown target."""

from django.db import models

from vandong.core.errors import DomainError, RowError


class TargetErrorCode(models.TextChoices):
    # The targets file is unreadable or one of its targets breaks a rule; the
    # rows name each line, target and field.
    INVALID_TARGETS = "invalid_targets"
    # A target code that no stored target has (HTTP 404).
    NOT_FOUND = "not_found"


class TargetsError(DomainError):
    """A problem with targets, in Vietnamese and English."""


def invalid_targets(file: str, rows: list[RowError]) -> TargetsError:
    first = rows[0]
    return TargetsError(
        TargetErrorCode.INVALID_TARGETS,
        f"Tệp mục tiêu {file} có {len(rows)} lỗi, không nạp gì. Lỗi đầu tiên: "
        f"{first.message_vi}",
        f"The targets file {file} has {len(rows)} problem(s); nothing was loaded. "
        f"The first: {first.message_en}",
        field=first.field or None,
        row=first.row,
        rows=rows,
    )


def unknown_target(code: str) -> TargetsError:
    return TargetsError(
        TargetErrorCode.NOT_FOUND,
        f"Không có mục tiêu mã “{code}”.",
        f"No target has code '{code}'.",
        field="code",
    )
