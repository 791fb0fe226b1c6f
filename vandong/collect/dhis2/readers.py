"""Reading DHIS2 dataValueSets (JSON, XML, CSV) and ADX into `ValueRow`s.

`parsers` turns a file into `RawValue`s; here every identifier is mapped to a
local code through `mapping.Tables`, and every value typed by its element.
Nothing is written: the rows go to `services.data_values_write`, which checks
scope, levels, ranges, duplicates and locks.

Refusals: "invalid_file" (from the parsers: not JSON/XML/CSV, wrong root or
namespace, no CSV header, an unknown id scheme in a file header),
"invalid_id_scheme" (a caller's unknown scheme), and "invalid_rows" listing
every value whose identifiers or value cannot be read, with the DHIS2 field
(dataElement, orgUnit, period, dataSet, categoryOptionCombo, categories,
annotation, value). `created`, `lastUpdated`, `storedBy`, `timestamp` and
`followup` are ignored: the server stamps its own time and user.
"""

import json
import math
import re
from dataclasses import dataclass

from vandong.catalog.models import ValueType
from vandong.collect.dhis2 import mapping
from vandong.collect.dhis2.mapping import AUTO, CODE, NAME, UID, Tables
from vandong.collect.dhis2.parsers import (
    Parsed,
    RawValue,
    invalid_file,
    parse_adx,
    parse_csv,
    parse_json,
    parse_xml,
)
from vandong.collect.dhis2.periods import PeriodError, parse_adx_period
from vandong.collect.rows import ValueRow
from vandong.core.errors import DomainError, RowError

# Errors listed in one refusal; the message gives the total.
MAX_LISTED_ERRORS = 1000
_MACHINE_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_TRUE = frozenset({"true", "t", "1", "yes"})
_FALSE = frozenset({"false", "f", "0", "no"})


@dataclass(frozen=True, slots=True)
class Schemes:
    """The id scheme of each kind of object in a file (categories and combos
    follow the data element's)."""

    data_element: str = AUTO
    org_unit: str = AUTO
    data_set: str = AUTO
    # category option combos, attribute option combos and ADX categories
    combo: str = AUTO


def invalid_rows(errors: list[RowError]) -> DomainError:
    total = len(errors)
    listed = errors[:MAX_LISTED_ERRORS]
    more_vi = f" (liệt kê {len(listed)} lỗi đầu)" if total > len(listed) else ""
    more_en = f" (the first {len(listed)} are listed)" if total > len(listed) else ""
    return DomainError(
        "invalid_rows",
        f"Tệp DHIS2 có {total} lỗi{more_vi}; không có giá trị nào được lưu.",
        f"The DHIS2 file has {total} errors{more_en}; no value was stored.",
        rows=listed,
    )


def _row_error(
    raw: RawValue | None, row: int, name: str, message_vi: str, message_en: str
) -> RowError:
    csv_column = raw is not None and raw.csv
    return RowError(
        row=row,
        field=name,
        message_vi=message_vi,
        message_en=message_en,
        column=name.lower() if csv_column else "",
        unit=raw.org_unit if raw else "",
        element=raw.data_element if raw else "",
    )


class _Resolver:
    """Maps the identifiers of a file's values to local codes, once each."""

    def __init__(
        self, tables: Tables, schemes: Schemes, values: list[RawValue]
    ) -> None:
        self.tables = tables
        self.schemes = schemes
        org_units = {v.org_unit for v in values if v.org_unit}
        self.unit_codes: set[str] = set()
        self.unit_names: dict[str, set[str]] = {}
        if CODE in mapping.concrete(schemes.org_unit):
            self.unit_codes = mapping.existing_unit_codes(org_units)
        if schemes.org_unit == NAME:
            self.unit_names = mapping.unit_codes_by_name(org_units)
        # Files repeat their identifiers: each is looked up once.
        self._units: dict[str, tuple[str | None, tuple[str, str] | None]] = {}
        self._data_sets: dict[str, tuple[str, str] | None] = {}
        self._periods: dict[
            tuple[str, bool], tuple[str | None, tuple[str, str] | None]
        ] = {}
        self._elements: dict[
            tuple[
                str, str, str, frozenset[tuple[str, str]], frozenset[tuple[str, str]]
            ],
            tuple[str | None, str, tuple[str, str] | None],
        ] = {}

    def data_set(self, ident: str) -> tuple[str, str] | None:
        """None when the data set is known, else the reason."""
        if ident not in self._data_sets:
            self._data_sets[ident] = self._data_set(ident)
        return self._data_sets[ident]

    def period(self, raw: RawValue) -> tuple[str | None, tuple[str, str] | None]:
        key = (raw.period, raw.adx)
        if key not in self._periods:
            self._periods[key] = self._period(raw)
        return self._periods[key]

    def data_element(
        self, raw: RawValue
    ) -> tuple[str | None, str, tuple[str, str] | None]:
        """(local element code, "", None) or (None, field, reason)."""
        key = (
            raw.data_element,
            raw.coc,
            raw.aoc,
            raw.categories,
            raw.attribute_categories,
        )
        if key not in self._elements:
            self._elements[key] = self._data_element(raw)
        return self._elements[key]

    # Each lookup returns (local code, None) or (None, (message_vi, message_en)).

    def org_unit(self, ident: str) -> tuple[str | None, tuple[str, str] | None]:
        if ident in self._units:
            return self._units[ident]
        found: tuple[str | None, tuple[str, str] | None] = (
            None,
            (
                f"Không biết đơn vị “{ident}”: chưa có trong bảng ánh xạ DHIS2 "
                "(org_unit) và không phải mã đơn vị.",
                f"Unknown org unit '{ident}': it is not in the DHIS2 mapping "
                "(org_unit) and is not a unit code.",
            ),
        )
        for scheme in mapping.concrete(self.schemes.org_unit):
            local = self.tables.forward.get(
                (mapping.NAMESPACE[scheme], mapping.ORG_UNIT, ident, "", "")
            )
            if local is not None:
                found = (local, None)
                break
            if scheme == CODE and ident in self.unit_codes:
                found = (ident, None)
                break
            if scheme == NAME and ident in self.unit_names:
                codes = sorted(self.unit_names[ident])
                if len(codes) == 1:
                    found = (codes[0], None)
                else:
                    found = (
                        None,
                        (
                            f"Tên “{ident}” là tên của nhiều đơn vị ({', '.join(codes)}); "
                            "hãy dùng mã hoặc UID.",
                            f"The name '{ident}' names several units ({', '.join(codes)}); "
                            "use codes or UIDs.",
                        ),
                    )
                break
        self._units[ident] = found
        return found

    def _data_set(self, ident: str) -> tuple[str, str] | None:
        """None when the data set is known, else the reason."""
        tables = self.tables
        for scheme in mapping.concrete(self.schemes.data_set):
            local = tables.forward.get(
                (mapping.NAMESPACE[scheme], mapping.DATA_SET, ident, "", "")
            )
            if local is not None:
                if local in tables.data_set_names:
                    return None
                return (
                    f"Bảng ánh xạ chuyển biểu mẫu “{ident}” thành “{local}”, nhưng không có biểu mẫu mã đó.",
                    f"The mapping turns data set '{ident}' into '{local}', but no data set has that code.",
                )
            if (
                (scheme == UID and ident in tables.data_set_by_uid)
                or (scheme == CODE and ident in tables.data_set_names)
                or (scheme == NAME and len(tables.data_set_by_name.get(ident, [])) == 1)
            ):
                return None
        return (
            f"Không biết biểu mẫu (dataSet) “{ident}”.",
            f"Unknown data set '{ident}'.",
        )

    def _period(self, raw: RawValue) -> tuple[str | None, tuple[str, str] | None]:
        tables = self.tables
        iso: str | None = raw.period
        dates = None
        if raw.adx:
            try:
                adx = parse_adx_period(raw.period)
            except PeriodError as error:
                return None, (error.message_vi, error.message_en)
            iso, dates = adx.iso, (adx.start, adx.end)
        if iso is not None:
            local = tables.forward.get((mapping.SYSTEM, mapping.PERIOD, iso, "", ""))
            if local is not None and local in tables.period_dates:
                return local, None
            if iso in tables.period_dates:
                return iso, None
        if dates is not None and dates in tables.period_by_dates:
            return tables.period_by_dates[dates], None
        if dates is not None:
            return None, (
                f"Không có kỳ nào từ {dates[0]:%d/%m/%Y} đến {dates[1]:%d/%m/%Y} (“{raw.period}”).",
                f"No period runs from {dates[0]} to {dates[1]} ('{raw.period}').",
            )
        return None, (
            f"Không biết kỳ “{raw.period}”.",
            f"Unknown period '{raw.period}'.",
        )

    def _combos(self, raw: RawValue, scheme: str) -> tuple[str, str] | None:
        """The value's category option combo and attribute option combo as named
        in `scheme` ("" for the default), or None when its categories match no
        combo there."""
        tables = self.tables
        combos = tables.combos[mapping.NAMESPACE[scheme]]
        coc, aoc = raw.coc, raw.aoc
        if not coc and raw.categories:
            coc = combos.get(raw.categories, "")
            if not coc:
                return None
        if not aoc and raw.attribute_categories:
            aoc = combos.get(raw.attribute_categories, "")
            if not aoc:
                return None
        return (
            "" if tables.is_default_combo(scheme, coc) else coc,
            "" if tables.is_default_combo(scheme, aoc) else aoc,
        )

    def _element(
        self, ident: str, scheme: str, coc: str, aoc: str, combo_scheme: str
    ) -> str | None:
        tables = self.tables
        ns = mapping.NAMESPACE[scheme]
        if coc or aoc:
            if scheme == combo_scheme:
                return tables.forward.get((ns, mapping.DATA_ELEMENT, ident, coc, aoc))
            # Named in two schemes: the local element both rows lead to.
            candidates = tables.by_element.get(
                (ns, ident), set()
            ) & tables.by_combo.get((mapping.NAMESPACE[combo_scheme], coc, aoc), set())
            return next(iter(candidates)) if len(candidates) == 1 else None
        local = tables.forward.get((ns, mapping.DATA_ELEMENT, ident, "", ""))
        if local is not None:
            return local
        if scheme == UID:
            return tables.element_by_uid.get(ident)
        if scheme == CODE:
            return ident if ident in tables.element_types else None
        names = tables.element_by_name.get(ident, [])
        return names[0] if len(names) == 1 else None

    def _data_element(
        self, raw: RawValue
    ) -> tuple[str | None, str, tuple[str, str] | None]:
        """(local element code, "", None) or (None, field, reason)."""
        tables = self.tables
        categories_matched = False
        for combo_scheme in mapping.concrete(self.schemes.combo):
            combos = self._combos(raw, combo_scheme)
            if combos is None:
                continue
            categories_matched = True
            for scheme in mapping.concrete(self.schemes.data_element):
                local = self._element(raw.data_element, scheme, *combos, combo_scheme)
                if local is None:
                    continue
                if local not in tables.element_types:
                    return (
                        None,
                        "dataElement",
                        (
                            f"Bảng ánh xạ chuyển chỉ tiêu “{raw.data_element}” thành “{local}”, "
                            "nhưng không có chỉ tiêu mã đó.",
                            f"The mapping turns data element '{raw.data_element}' into '{local}', "
                            "but no data element has that code.",
                        ),
                    )
                return local, "", None
        if not categories_matched:
            options = ", ".join(
                f'{k}="{v}"'
                for k, v in sorted(raw.categories | raw.attribute_categories)
            )
            return (
                None,
                "categories",
                (
                    f"Không có tổ hợp phương án nào trong bảng ánh xạ ứng với {options} "
                    f"của chỉ tiêu “{raw.data_element}”.",
                    f"No category option combo in the mapping matches {options} "
                    f"of data element '{raw.data_element}'.",
                ),
            )
        if raw.coc or raw.aoc:
            combo = raw.coc + (f" / {raw.aoc}" if raw.aoc else "")
            return (
                None,
                "categoryOptionCombo",
                (
                    f"Chỉ tiêu “{raw.data_element}” với tổ hợp phương án “{combo}” chưa được "
                    "ánh xạ vào chỉ tiêu nào.",
                    f"Data element '{raw.data_element}' with category option combo '{combo}' "
                    "is not mapped to any local data element.",
                ),
            )
        return (
            None,
            "dataElement",
            (
                f"Không biết chỉ tiêu “{raw.data_element}”: chưa có trong bảng ánh xạ "
                "DHIS2, không phải UID hay mã chỉ tiêu.",
                f"Unknown data element '{raw.data_element}': not in the DHIS2 mapping, "
                "nor a data element UID or code.",
            ),
        )


def convert_value(value_type: str, raw: object) -> object:
    """A DHIS2 value (always written the machine way: "61.5", "true") as the
    write service takes it: float, bool or text; "" deletes. Raises ValueError
    with the reason in English and Vietnamese (args[0], args[1])."""
    if raw is None:
        return ""
    if value_type == ValueType.TEXT:
        return raw if isinstance(raw, str) else json.dumps(raw)
    if isinstance(raw, str) and not raw.strip():
        return ""
    if value_type == ValueType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(
            f"'{raw}' is not a yes/no value (true or false).",
            f"“{raw}” không phải giá trị có/không (true hoặc false).",
        )
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(f"'{raw}' is not a number.", f"“{raw}” không phải là số.")
    if isinstance(raw, int | float):
        number = float(raw)
    elif _MACHINE_NUMBER.fullmatch(raw.strip()):
        number = float(raw.strip())
    else:
        raise ValueError(
            f"'{raw}' is not a number as DHIS2 writes them (a point for decimals, "
            "no thousands separators: 2142500, 61.5).",
            f"“{raw}” không phải là số theo cách DHIS2 ghi (dấu chấm thập phân, không "
            "phân cách hàng nghìn: 2142500, 61.5).",
        )
    if not math.isfinite(number):
        raise ValueError(
            f"'{raw}' is not a finite number.", f"“{raw}” không phải số hữu hạn."
        )
    return number


def _value_of(
    raw: RawValue, value_type: str, problems: list[RowError]
) -> tuple[object, str]:
    """The value and comment a raw value gives its element; problems appended.

    ADX values are numbers: a text element's value travels in <annotation>,
    and a number's <annotation> is its comment (a comment attribute wins)."""
    source, comment = raw.value, raw.comment
    known = len(problems)
    if raw.adx and value_type == ValueType.TEXT:
        source = raw.annotation
        if source is None and not raw.deleted:
            problems.append(
                _row_error(
                    raw,
                    raw.row,
                    "annotation",
                    "Chỉ tiêu dạng chữ: giá trị phải nằm trong <annotation>.",
                    "A text data element: the value must be in <annotation>.",
                )
            )
    elif raw.adx:
        comment = comment or (raw.annotation or "").strip()
        if source is None and not raw.deleted:
            problems.append(
                _row_error(raw, raw.row, "value", "Thiếu value.", "value is missing.")
            )
    if raw.deleted or len(problems) > known:
        return "", comment
    try:
        return convert_value(value_type, source), comment
    except ValueError as error:
        english, vietnamese = error.args
        problems.append(_row_error(raw, raw.row, "value", vietnamese, english))
        return "", comment


def to_rows(parsed: Parsed, schemes: Schemes) -> list[ValueRow]:
    """Map every parsed value; raise invalid_rows listing every problem."""
    errors = list(parsed.errors)
    values = [v for v in parsed.values if v.data_element and v.period and v.org_unit]
    tables = Tables.load()
    resolver = _Resolver(tables, schemes, values)
    rows: list[ValueRow] = []
    for raw in values:
        problems: list[RowError] = []
        if raw.data_set:
            reason = resolver.data_set(raw.data_set)
            if reason is not None:
                problems.append(_row_error(raw, raw.row, "dataSet", *reason))
        unit, unit_reason = resolver.org_unit(raw.org_unit)
        if unit_reason is not None:
            problems.append(_row_error(raw, raw.row, "orgUnit", *unit_reason))
        period, period_reason = resolver.period(raw)
        if period_reason is not None:
            problems.append(_row_error(raw, raw.row, "period", *period_reason))
        element, element_field, element_reason = resolver.data_element(raw)
        if element_reason is not None:
            problems.append(_row_error(raw, raw.row, element_field, *element_reason))
        value: object = ""
        comment = raw.comment
        if element is not None:
            value, comment = _value_of(raw, tables.element_types[element], problems)
        if problems or element is None or unit is None or period is None:
            errors.extend(problems)
            continue
        rows.append(
            ValueRow(
                data_element=element,
                unit_code=unit,
                period=period,
                value=value,
                comment=comment,
                row=raw.row,
                column="value" if raw.csv else "",
            )
        )
    if errors:
        errors.sort(key=lambda e: e.row)
        raise invalid_rows(errors)
    return rows


def schemes_for(parsed: Parsed, given: dict[str, str | None]) -> Schemes:
    """The caller's schemes win, then the file's header, then auto; combos and
    categories follow the data element's scheme unless told otherwise.

    `given` holds id_scheme, data_element, org_unit, data_set and combo."""
    for value in given.values():
        mapping.scheme_of(value, allow_auto=True, default=AUTO)  # the caller's: checked
    header = parsed.header_schemes
    try:
        for value in header.values():
            mapping.scheme_of(value, allow_auto=True, default=AUTO)
    except DomainError as error:
        raise invalid_file(error.message_vi, error.message_en) from None

    def pick(key: str, default: str) -> str:
        return mapping.scheme_of(
            given.get(key) or header.get(key), allow_auto=True, default=default
        )

    default = pick("id_scheme", AUTO)
    data_element = pick("data_element", default)
    return Schemes(
        data_element=data_element,
        org_unit=pick("org_unit", default),
        data_set=pick("data_set", default),
        combo=pick("combo", data_element),
    )


def read_data_value_set(
    data: bytes,
    *,
    fmt: str,
    id_scheme: str | None = None,
    data_element_id_scheme: str | None = None,
    org_unit_id_scheme: str | None = None,
    data_set_id_scheme: str | None = None,
    category_option_combo_id_scheme: str | None = None,
) -> list[ValueRow]:
    """The values of a DHIS2 dataValueSet (fmt json, xml or csv) as rows.

    Id schemes: uid, code, name or auto (UIDs first, then codes), given here or
    in the file's header (idScheme, dataElementIdScheme, orgUnitIdScheme,
    dataSetIdScheme, categoryOptionComboIdScheme); auto when neither says.
    """
    if fmt == "json":
        parsed = parse_json(data)
    elif fmt == "xml":
        parsed = parse_xml(data)
    elif fmt == "csv":
        parsed = parse_csv(data)
    else:
        raise DomainError(
            "invalid_format",
            f"Không có định dạng dataValueSet “{fmt}”; chọn json, xml hoặc csv.",
            f"No dataValueSet format '{fmt}'; choose json, xml or csv.",
            field="format",
        )
    schemes = schemes_for(
        parsed,
        {
            "id_scheme": id_scheme,
            "data_element": data_element_id_scheme,
            "org_unit": org_unit_id_scheme,
            "data_set": data_set_id_scheme,
            "combo": category_option_combo_id_scheme,
        },
    )
    return to_rows(parsed, schemes)


def read_adx(
    data: bytes,
    *,
    id_scheme: str | None = None,
    data_element_id_scheme: str | None = None,
    org_unit_id_scheme: str | None = None,
    data_set_id_scheme: str | None = None,
    category_id_scheme: str | None = None,
) -> list[ValueRow]:
    """The values of an ADX file as rows.

    Each <group> gives dataSet, period (ISO `2020-01-01/P1M`) and orgUnit for
    its values. The category attributes of a value (`age="over5" sex="M"`)
    and of a group (the attribute option combo) are matched against the
    kind-less mapping rows of `category_id_scheme` (default: the data
    element's scheme), as are explicit categoryOptionCombo and
    attributeOptionCombo attributes. <annotation> is the comment of a number,
    and the value of a text element.
    """
    parsed = parse_adx(data)
    schemes = schemes_for(
        parsed,
        {
            "id_scheme": id_scheme,
            "data_element": data_element_id_scheme,
            "org_unit": org_unit_id_scheme,
            "data_set": data_set_id_scheme,
            "combo": category_id_scheme,
        },
    )
    return to_rows(parsed, schemes)
