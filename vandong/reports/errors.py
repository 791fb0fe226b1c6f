"""The reports error codes and the refusals the services and views share."""

from django.db import models

from vandong.core.errors import DomainError
from vandong.reports.spec import Problem


class ReportsErrorCode(models.TextChoices):
    INVALID_TEMPLATE = "invalid_template"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


def template_refused(problems: list[Problem]) -> DomainError:
    """A template refused whole, every problem named with its line."""
    from vandong.core.errors import RowError

    return DomainError(
        ReportsErrorCode.INVALID_TEMPLATE,
        "Mẫu báo cáo có lỗi: "
        + "; ".join(f"dòng {p.line}: {p.message_vi}" for p in problems),
        "The report template has problems: "
        + "; ".join(f"line {p.line}: {p.message_en}" for p in problems),
        field="text",
        rows=[RowError(p.line, "text", p.message_vi, p.message_en) for p in problems],
    )


def invalid(field: str, message_vi: str, message_en: str) -> DomainError:
    return DomainError(ReportsErrorCode.INVALID, message_vi, message_en, field=field)


def not_found(message_vi: str, message_en: str) -> DomainError:
    return DomainError(ReportsErrorCode.NOT_FOUND, message_vi, message_en)
