"""What a template looks like: the one place the writer and the reader agree on."""

from dataclasses import dataclass
from typing import Final

from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
)

TEMPLATE_FORMAT: Final = "vandong-excel-template"
TEMPLATE_VERSION: Final = 1
DATA_SHEET: Final = "Nhập liệu"
META_SHEET: Final = "_meta"

TITLE_ROW: Final = 1
NOTE_ROW: Final = 2
HEADER_ROW: Final = 3
CODE_ROW: Final = 4
FIRST_DATA_ROW: Final = 5
# Columns A, B, C: the unit; elements from D on.
FIXED_CODES: Final = ("unit_code", "unit_name", "parent_name")
FIXED_HEADERS: Final = ("Mã đơn vị", "Tên đơn vị", "Trực thuộc")
FIRST_ELEMENT_COLUMN: Final = len(FIXED_CODES) + 1

# What a user types in a value cell to delete the stored value (compared folded).
DELETE_MARKS: Final = frozenset({"-", "\u2013", "\u2014", "xoa"})
# The boolean answers the template offers (the write service reads these and
# more: x, 1/0, true/false, yes/no).
YES_VI: Final = "Có"
NO_VI: Final = "Không"


@dataclass(frozen=True)
class Column:
    letter: str
    code: str
    header: str


def header_label(element: DataElement) -> str:
    """The header people read: "Số hộ gia đình (hộ)"."""
    if element.measure:
        return f"{element.name_vi} ({element.measure})"
    return element.name_vi


def active_members(data_set: DataSet) -> list[DataSetElement]:
    return list(
        data_set.members.filter(data_element__is_active=True)
        .select_related("data_element")
        .order_by("order", "id")
    )
