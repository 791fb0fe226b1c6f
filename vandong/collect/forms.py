"""The shape of the data-entry pages' input.

The entry grid is one cell per data element of a data set: what its input
shows (Vietnamese notation), how it is typed (`inputmode`), and, after a save,
its state. The services read the values (numbers.parse_number and the value
types); these forms only shape what the pages send.
"""

import decimal
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vandong.catalog.models import (
    WHOLE_TYPES,
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValueType,
)
from vandong.collect.models import DataValue
from vandong.core.formatting import number_vi
from vandong.geo.models import Unit

# Digits shown after the decimal comma at most.
MAX_DIGITS = 6
UPLOAD_EXTENSIONS = (".xlsx", ".csv")
# Whole numbers measured in years are years, written without a thousands dot.
YEAR_MEASURE = "năm"


class CellState:
    SAVED = "saved"
    ERROR = "error"


@dataclass
class Cell:
    """One input of the entry grid."""

    element: DataElement
    name: str
    section: str
    required: bool
    # What the input shows: the stored value in Vietnamese notation, or what
    # the user typed when it was refused.
    raw: str
    comment: str
    kind: str  # "number", "boolean" or "text"
    inputmode: str  # "numeric" or "decimal" for numbers
    state: str = ""
    message: str = ""

    @property
    def code(self) -> str:
        return self.element.code


@dataclass
class Section:
    title: str
    cells: list[Cell] = field(default_factory=list)


def shown_value(element: DataElement, value: DataValue | None) -> str:
    """The stored value as the entry input shows it: "2.142.500", "61,5", "1"."""
    if value is None:
        return ""
    if element.value_type == ValueType.TEXT:
        return value.text_value
    if value.value is None:
        return ""
    if element.value_type == ValueType.BOOLEAN:
        return "1" if value.value else "0"
    if element.value_type in WHOLE_TYPES:
        if element.measure.strip().lower() == YEAR_MEASURE:
            return str(round(value.value))  # a year: 2025, not 2.025
        return number_vi(value.value)
    return shown_number(value.value)


def shown_number(number: float | None) -> str:
    """A number in Vietnamese notation with the decimals it has (at most six)."""
    if number is None:
        return ""
    exponent = decimal.Decimal(repr(number)).normalize().as_tuple().exponent
    digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_vi(number, min(digits, MAX_DIGITS))


def _kind(element: DataElement) -> tuple[str, str]:
    if element.value_type == ValueType.TEXT:
        return "text", "text"
    if element.value_type == ValueType.BOOLEAN:
        return "boolean", ""
    if element.value_type in WHOLE_TYPES:
        return "number", "numeric"
    return "number", "decimal"


def make_cell(
    member: DataSetElement,
    value: DataValue | None,
    *,
    vi: bool,
    raw: str | None = None,
    comment: str | None = None,
    state: str = "",
    message: str = "",
) -> Cell:
    element = member.data_element
    kind, inputmode = _kind(element)
    return Cell(
        element=element,
        name=element.name_vi if vi else element.name_en,
        section=member.section_vi if vi else member.section_en,
        required=member.is_required,
        raw=shown_value(element, value) if raw is None else raw,
        comment=(value.comment if value else "") if comment is None else comment,
        kind=kind,
        inputmode=inputmode,
        state=state,
        message=message,
    )


def sections_of(cells: list[Cell]) -> list[Section]:
    """Cells grouped by consecutive section, in the data set's order."""
    return [
        Section(title=title, cells=list(group))
        for title, group in groupby(cells, key=lambda c: c.section)
    ]


def posted_value(element: DataElement, raw: str, current: DataValue | None) -> object:
    """What to hand the write service for a cell posted as `raw`.

    A number shown unchanged is sent as the stored number, not as its text:
    "1.500" as shown in a decimal field is ambiguous to the reader but not here.
    """
    text = raw.strip()
    if (
        current is not None
        and current.value is not None
        and element.value_type not in {ValueType.TEXT, ValueType.BOOLEAN}
        and text == shown_value(element, current)
    ):
        return current.value
    return text


class TemplateForm(forms.Form):
    """Which Excel template to build: data set, period and subtree."""

    data_set = forms.ChoiceField(label=_("Data set"))
    period = forms.ChoiceField(label=_("Period"))
    root = forms.ChoiceField(label=_("Units under"))

    def __init__(
        self,
        *args: Any,
        data_sets: list[DataSet],
        periods: list[Period],
        roots: list[Unit],
        vi: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choose(
            "data_set", [(d.code, d.name_vi if vi else d.name_en) for d in data_sets]
        )
        self._choose("period", [(p.code, p.code) for p in periods])
        self._choose("root", [(u.code, f"{u.name} ({u.code})") for u in roots])

    def _choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices


class UploadForm(forms.Form):
    """An Excel template filled in, or a CSV file in long format."""

    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and show what would change, store nothing"),
        required=False,
        initial=True,
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = str(upload.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise ValidationError(
                _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
                code="extension",
            )
        return upload
