"""Writing stored values as DHIS2 dataValueSets (JSON, XML, CSV) and ADX.

Local codes are mapped back through the same tables the readers use
(`mapping.Tables`), per id scheme: the row in the scheme's namespace first,
else the object's own identifier (uid: `dhis2_uid`; code: our code; name: our
Vietnamese name). A local element that came from a disaggregation is written
as its DHIS2 data element with its category option combo (and attribute
option combo); in ADX these become `category="option"` attributes. Values the
tables cannot name are refused together: `DomainError("unmapped")` listing
each one, so an export never mixes our codes into a UID file.
"""

import csv
import datetime
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.contrib.auth import get_user_model
from django.utils import timezone

from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValueType,
)
from vandong.collect.dhis2 import mapping
from vandong.collect.dhis2.mapping import CODE, NAME, Mapped, Tables
from vandong.collect.dhis2.parsers import (
    ADX_GROUP_FIELDS,
    ADX_NAMESPACE,
    ADX_VALUE_FIELDS,
    DXF2_NAMESPACE,
)
from vandong.collect.dhis2.periods import format_adx_period
from vandong.collect.dhis2.readers import MAX_LISTED_ERRORS
from vandong.collect.models import DataValue
from vandong.core.errors import DomainError, RowError
from vandong.geo.models import Unit

CSV_HEADER = (
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "timestamp",
    "comment",
    "followup",
)
# An XML attribute name (category identifiers become attribute names in ADX).
_XML_NAME = re.compile(r"[^\W\d][\w.-]*")
# Attribute names ADX readers take for something else than a category.
_RESERVED_ADX = ADX_VALUE_FIELDS | ADX_GROUP_FIELDS


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str
    name: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


@dataclass
class _Context:
    """What the values refer to, loaded in a fixed number of queries."""

    tables: Tables
    values: list[DataValue]
    elements: dict[int, str] = field(default_factory=dict)
    units: dict[int, _Unit] = field(default_factory=dict)
    periods: dict[int, tuple[str, datetime.date, datetime.date]] = field(
        default_factory=dict
    )
    users: dict[int, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, values: Iterable[DataValue]) -> "_Context":
        context = cls(tables=Tables.load(), values=list(values))
        element_ids = {v.data_element_id for v in context.values}
        unit_ids = {v.unit_id for v in context.values}
        period_ids = {v.period_id for v in context.values}
        user_ids = {v.updated_by_id for v in context.values if v.updated_by_id}
        for batch in mapping.chunks(sorted(element_ids)):
            context.elements.update(
                DataElement.objects.filter(id__in=batch).values_list("id", "code")
            )
        for batch in mapping.chunks(sorted(unit_ids)):
            for pk, code, name, valid_from, valid_to in Unit.objects.filter(
                id__in=batch
            ).values_list("id", "code", "name", "valid_from", "valid_to"):
                context.units[pk] = _Unit(code, name, valid_from, valid_to)
        for batch in mapping.chunks(sorted(period_ids)):
            for pk, code, start, end in Period.objects.filter(id__in=batch).values_list(
                "id", "code", "start", "end"
            ):
                context.periods[pk] = (code, start, end)
        user_model = get_user_model()
        for batch in mapping.chunks(sorted(user_ids)):
            context.users.update(
                user_model.objects.filter(id__in=batch).values_list("id", "username")
            )
        return context

    def problem(
        self,
        row: int,
        name: str,
        key: str,
        message_vi: str,
        message_en: str,
        *,
        unit: str = "",
        element: str = "",
    ) -> None:
        """Record that a value cannot be written; each missing mapping once."""
        if (name, key, message_en) in self._seen:
            return
        self._seen.add((name, key, message_en))
        self.errors.append(
            RowError(
                row=row,
                field=name,
                message_vi=message_vi,
                message_en=message_en,
                unit=unit,
                element=element,
            )
        )

    def raise_if_problems(self) -> None:
        if not self.errors:
            return
        total = len(self.errors)
        raise DomainError(
            "unmapped",
            f"Không xuất được sang DHIS2: thiếu {total} ánh xạ định danh "
            "(xem danh sách); hãy thêm các dòng ánh xạ còn thiếu.",
            f"Cannot export to DHIS2: {total} identifier mappings are missing "
            "(see the list); add the missing mapping rows.",
            rows=self.errors[:MAX_LISTED_ERRORS],
        )

    # --- identifiers ---------------------------------------------------------------

    def org_unit(self, row: int, value: DataValue, scheme: str) -> str:
        unit = self.units[value.unit_id]
        ext = self.tables.unit_external_id(
            scheme, unit.code, unit.valid_from, unit.valid_to
        )
        if ext is not None:
            return ext
        if scheme == CODE:
            return unit.code
        if scheme == NAME:
            return unit.name
        self.problem(
            row,
            "orgUnit",
            unit.code,
            f"Đơn vị {unit.code} chưa có UID DHIS2 trong bảng ánh xạ (org_unit).",
            f"Unit {unit.code} has no DHIS2 UID in the mapping (org_unit).",
            unit=unit.code,
        )
        return ""

    def data_set(self, row: int, code: str, scheme: str) -> str:
        tables = self.tables
        mapped = tables.backward.get(
            (mapping.NAMESPACE[scheme], mapping.DATA_SET, code)
        )
        if mapped is not None:
            return mapped.external_id
        if scheme == CODE:
            return code
        if scheme == NAME:
            return tables.data_set_names.get(code, code)
        if code in tables.data_set_uids:
            return tables.data_set_uids[code]
        self.problem(
            row,
            "dataSet",
            code,
            f"Biểu mẫu {code} chưa có UID DHIS2 (dhis2_uid hoặc bảng ánh xạ).",
            f"Data set {code} has no DHIS2 UID (dhis2_uid or the mapping).",
        )
        return ""

    def period(self, value: DataValue) -> str:
        code = self.periods[value.period_id][0]
        mapped = self.tables.backward.get((mapping.SYSTEM, mapping.PERIOD, code))
        return mapped.external_id if mapped is not None else code

    def element(self, row: int, code: str, scheme: str) -> tuple[str, Mapped | None]:
        """The DHIS2 data element of a local element, and the mapping row it came
        from when that row carries a disaggregation."""
        tables = self.tables
        mapped = tables.backward.get(
            (mapping.NAMESPACE[scheme], mapping.DATA_ELEMENT, code)
        )
        if mapped is not None:
            combo = mapped.category_option_combo or mapped.attribute_option_combo
            return mapped.external_id, mapped if combo else None
        if scheme == CODE:
            return code, None
        if scheme == NAME:
            return tables.element_names.get(code, code), None
        if code in tables.element_uids:
            return tables.element_uids[code], None
        self.problem(
            row,
            "dataElement",
            code,
            f"Chỉ tiêu {code} chưa có UID DHIS2 (dhis2_uid hoặc bảng ánh xạ).",
            f"Data element {code} has no DHIS2 UID (dhis2_uid or the mapping).",
            element=code,
        )
        return "", None

    def combos(
        self, row: int, code: str, disaggregation: Mapped, de_scheme: str, scheme: str
    ) -> Mapped | None:
        """The disaggregation of a local element as named in `scheme`."""
        if scheme == de_scheme:
            return disaggregation
        mapped = self.tables.backward.get(
            (mapping.NAMESPACE[scheme], mapping.DATA_ELEMENT, code)
        )
        if mapped is None:
            self.problem(
                row,
                "categoryOptionCombo",
                f"{code}@{scheme}",
                f"Chỉ tiêu {code} là một phân tổ nhưng chưa có dòng ánh xạ theo "
                f"cách định danh {scheme} để ghi tổ hợp phương án.",
                f"Data element {code} is a disaggregation but has no mapping row in "
                f"the {scheme} scheme to name its category option combo.",
                element=code,
            )
        return mapped

    def value_text(self, value: DataValue, code: str, *, adx: bool) -> str:
        value_type = self.tables.element_types.get(code, "")
        if value_type == ValueType.TEXT:
            return value.text_value
        if value.value is None:
            return ""
        if value_type == ValueType.BOOLEAN:
            if adx:
                return "1" if value.value else "0"
            return "true" if value.value else "false"
        return _number(value.value)


def _schemes(id_scheme: str, **overrides: str | None) -> dict[str, str]:
    default = mapping.scheme_of(id_scheme, allow_auto=False, default=CODE)
    return {
        key: mapping.scheme_of(given, allow_auto=False, default=default)
        for key, given in overrides.items()
    }


def write_data_value_set(
    values: Iterable[DataValue],
    *,
    fmt: str,
    id_scheme: str = "code",
    data_element_id_scheme: str | None = None,
    org_unit_id_scheme: str | None = None,
    category_option_combo_id_scheme: str | None = None,
) -> bytes:
    """Values as a DHIS2 dataValueSet: fmt json, xml or csv, UTF-8.

    `id_scheme` (uid, code, name) names every object; the per-object schemes
    override it. A year is written `2020`; mapped periods by their mapping.
    """
    if fmt not in ("json", "xml", "csv"):
        raise DomainError(
            "invalid_format",
            f"Không có định dạng dataValueSet “{fmt}”; chọn json, xml hoặc csv.",
            f"No dataValueSet format '{fmt}'; choose json, xml or csv.",
            field="format",
        )
    schemes = _schemes(
        id_scheme,
        data_element=data_element_id_scheme,
        org_unit=org_unit_id_scheme,
        category_option_combo=category_option_combo_id_scheme,
    )
    context = _Context.load(values)
    records: list[dict[str, str]] = []
    for row, value in enumerate(context.values, start=1):
        code = context.elements[value.data_element_id]
        de, disaggregation = context.element(row, code, schemes["data_element"])
        coc = aoc = ""
        if disaggregation is not None:
            combos = context.combos(
                row,
                code,
                disaggregation,
                schemes["data_element"],
                schemes["category_option_combo"],
            )
            if combos is not None:
                coc, aoc = combos.category_option_combo, combos.attribute_option_combo
        records.append(
            {
                "dataElement": de,
                "period": context.period(value),
                "orgUnit": context.org_unit(row, value, schemes["org_unit"]),
                "categoryOptionCombo": coc,
                "attributeOptionCombo": aoc,
                "value": context.value_text(value, code, adx=False),
                "storedBy": context.users.get(value.updated_by_id or 0, ""),
                "lastUpdated": value.updated_at.isoformat(timespec="seconds")
                if value.updated_at
                else "",
                "comment": value.comment,
            }
        )
    context.raise_if_problems()
    if fmt == "json":
        return _json(records)
    if fmt == "xml":
        return _xml(records)
    return _csv(records)


def _json(records: list[dict[str, str]]) -> bytes:
    data_values = []
    for record in records:
        item: dict[str, object] = {k: v for k, v in record.items() if v or k == "value"}
        item["followup"] = False
        data_values.append(item)
    return json.dumps(
        {"dataValues": data_values}, ensure_ascii=False, indent=2
    ).encode()


def _xml(records: list[dict[str, str]]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<dataValueSet xmlns="{DXF2_NAMESPACE}">',
    ]
    for record in records:
        attributes = " ".join(
            f'{k}="{_attr(v)}"' for k, v in record.items() if v or k == "value"
        )
        lines.append(f'    <dataValue {attributes} followup="false"/>')
    lines.append("</dataValueSet>")
    return ("\n".join(lines) + "\n").encode()


def _csv(records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in records:
        writer.writerow(
            [
                r["dataElement"],
                r["period"],
                r["orgUnit"],
                r["categoryOptionCombo"],
                r["attributeOptionCombo"],
                r["value"],
                r["storedBy"],
                r["lastUpdated"],
                r["comment"],
                "false",
            ]
        )
    return buffer.getvalue().encode()


def _data_sets_of(element_ids: set[int]) -> dict[int, str]:
    """The data set each element is written under in ADX: the first by code."""
    first: dict[int, str] = {}
    for element_id, code in (
        DataSetElement.objects.filter(data_element_id__in=element_ids)
        .order_by("data_set__code")
        .values_list("data_element_id", "data_set__code")
    ):
        first.setdefault(element_id, code)
    return first


def write_adx(
    values: Iterable[DataValue],
    *,
    id_scheme: str = "code",
    data_set_id_scheme: str | None = None,
    org_unit_id_scheme: str | None = None,
    data_element_id_scheme: str | None = None,
    category_option_combo_id_scheme: str | None = None,
    category_id_scheme: str | None = None,
    data_set: DataSet | None = None,
) -> bytes:
    """Values as ADX XML: one <group> per data set, period, org unit and
    attribute option combo.

    Periods are written `<first day>/<duration>` (a year `2020-01-01/P1Y`).
    Disaggregations and attribute option combos are written as
    `category="option"` attributes named in `category_id_scheme` (categories
    and options), from the kind-less mapping rows; a combo without such rows
    is written as `categoryOptionCombo`/`attributeOptionCombo` in
    `category_option_combo_id_scheme`. A text value is written `value="0"`
    with the text in <annotation> (ADX values are numbers) and its comment
    in a `comment` attribute; a number's comment goes in <annotation>. Each
    value's data set is `data_set` when given, else the first data set (by
    code) holding its element.
    """
    schemes = _schemes(
        id_scheme,
        data_set=data_set_id_scheme,
        org_unit=org_unit_id_scheme,
        data_element=data_element_id_scheme,
        category_option_combo=category_option_combo_id_scheme,
        category=category_id_scheme,
    )
    context = _Context.load(values)
    data_sets = (
        {}
        if data_set is not None
        else _data_sets_of({v.data_element_id for v in context.values})
    )
    groups: dict[
        tuple[str, datetime.date, str, str, tuple[tuple[str, str], ...]], list[str]
    ] = defaultdict(list)
    for row, value in enumerate(context.values, start=1):
        code = context.elements[value.data_element_id]
        set_code = (
            data_set.code
            if data_set is not None
            else data_sets.get(value.data_element_id)
        )
        if set_code is None:
            context.problem(
                row,
                "dataSet",
                code,
                f"Chỉ tiêu {code} không thuộc biểu mẫu nào; ADX cần biểu mẫu cho mỗi nhóm.",
                f"Data element {code} belongs to no data set; ADX needs one per group.",
                element=code,
            )
            continue
        de, disaggregation = context.element(row, code, schemes["data_element"])
        value_attrs: list[tuple[str, str]] = [("dataElement", de)]
        group_attrs: tuple[tuple[str, str], ...] = ()
        if disaggregation is not None:
            categories, group_attrs = _adx_combos(
                context, row, code, disaggregation, schemes
            )
            value_attrs.extend(categories)
        _, start, end = context.periods[value.period_id]
        key = (
            context.data_set(row, set_code, schemes["data_set"]),
            start,
            format_adx_period(start, end),
            context.org_unit(row, value, schemes["org_unit"]),
            group_attrs,
        )
        text = context.value_text(value, code, adx=True)
        annotation = value.comment
        if context.tables.element_types.get(code) == ValueType.TEXT:
            annotation, text = text, "0"
            if value.comment:
                value_attrs.append(("comment", value.comment))
        value_attrs.append(("value", text))
        rendered = " ".join(f'{k}="{_attr(v)}"' for k, v in value_attrs)
        if annotation:
            groups[key].append(
                f"        <dataValue {rendered}>\n"
                f"            <annotation>{escape(annotation)}</annotation>\n"
                "        </dataValue>"
            )
        else:
            groups[key].append(f"        <dataValue {rendered}/>")
    context.raise_if_problems()
    exported = timezone.now().isoformat(timespec="seconds")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<adx xmlns="{ADX_NAMESPACE}" exported="{exported}">',
    ]
    for (ds, _start, period, org_unit, group_attrs), rendered_values in sorted(
        groups.items()
    ):
        extra = "".join(f' {k}="{_attr(v)}"' for k, v in group_attrs)
        lines.append(
            f'    <group dataSet="{_attr(ds)}" period="{period}" orgUnit="{_attr(org_unit)}"{extra}>'
        )
        lines.extend(rendered_values)
        lines.append("    </group>")
    lines.append("</adx>")
    return ("\n".join(lines) + "\n").encode()


def _adx_combos(
    context: _Context,
    row: int,
    code: str,
    disaggregation: Mapped,
    schemes: dict[str, str],
) -> tuple[list[tuple[str, str]], tuple[tuple[str, str], ...]]:
    """(value attributes, group attributes) for a disaggregated element."""
    de_scheme = schemes["data_element"]
    tables = context.tables
    by_category = context.combos(
        row, code, disaggregation, de_scheme, schemes["category"]
    )
    by_combo: Mapped | None = None
    value_attrs: list[tuple[str, str]] = []
    group_attrs: list[tuple[str, str]] = []
    if by_category is None:
        return value_attrs, ()
    ns = mapping.NAMESPACE[schemes["category"]]
    for combo, target, fallback in (
        (by_category.category_option_combo, value_attrs, "categoryOptionCombo"),
        (by_category.attribute_option_combo, group_attrs, "attributeOptionCombo"),
    ):
        if not combo or tables.is_default_combo(schemes["category"], combo):
            continue
        pairs = tables.combo_options.get((ns, combo))
        if pairs is not None:
            for category, _option in pairs:
                if not _XML_NAME.fullmatch(category) or category in _RESERVED_ADX:
                    context.problem(
                        row,
                        "categories",
                        category,
                        f"Danh mục “{category}” không dùng được làm tên thuộc tính ADX; "
                        "hãy dùng mã hoặc UID của danh mục.",
                        f"The category '{category}' cannot be an ADX attribute name; "
                        "use the category's code or UID.",
                        element=code,
                    )
            target.extend(pairs)
            continue
        # No category rows for this combo: name the combo itself (DHIS2 reads it).
        if by_combo is None:
            by_combo = context.combos(
                row, code, disaggregation, de_scheme, schemes["category_option_combo"]
            )
        if by_combo is None:
            continue
        named = (
            by_combo.category_option_combo
            if fallback == "categoryOptionCombo"
            else by_combo.attribute_option_combo
        )
        value_attrs.append((fallback, named))
    return value_attrs, tuple(group_attrs)
