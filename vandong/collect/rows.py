"""The one shape every channel hands to the write service.

Web cells, Excel sheets, CSV lines, DHIS2 and API payloads all become
`ValueRow`s; `services.data_values_write` checks and stores them together.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ValueRow:
    data_element: str  # data element code
    unit_code: (
        str  # GSO code, read on the period's last day (codes were reused in 2025)
    )
    period: str  # period code: "2020"
    # As read: text from a file or form, or a number/bool a spreadsheet typed.
    # None or "" deletes the stored value.
    value: object
    comment: str = ""
    # Where it came from, for error messages.
    sheet: str = ""
    row: int = 0
    column: str = ""
