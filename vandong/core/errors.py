"""DomainError: a broken rule, said in Vietnamese and English, with where it happened."""

from dataclasses import dataclass

from django.db import models


class CoreErrorCode(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


# HTTP status per error code; codes not listed are 400.
STATUS_BY_CODE: dict[str, int] = {
    "out_of_scope": 403,
    "not_allowed": 403,
    "not_found": 404,
    "unknown_user": 404,
    "unknown_unit": 404,
    "user_exists": 409,
    "role_exists": 409,
    "conflict": 409,
    "locked": 409,
    "illegal_transition": 409,
}


@dataclass
class RowError:
    """One bad row of an import: the row number as the user sees it (header = 1),
    and where known the sheet, column, unit code and data element code."""

    row: int
    field: str
    message_vi: str
    message_en: str
    sheet: str = ""
    column: str = ""
    unit: str = ""
    element: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "field": self.field,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "sheet": self.sheet,
            "column": self.column,
            "unit": self.unit,
            "element": self.element,
        }


class DomainError(Exception):
    def __init__(
        self,
        code: str,
        message_vi: str,
        message_en: str,
        *,
        field: str | None = None,
        row: int | None = None,
        rows: list[RowError] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = str(code)
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field
        self.row = row
        self.rows = rows or []

    @property
    def status(self) -> int:
        return STATUS_BY_CODE.get(self.code, 400)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "field": self.field,
            "row": self.row,
            "rows": [r.as_dict() for r in self.rows],
        }
