"""The DHIS2 exchange formats as `RawValue`s: identifiers as the file writes them.

dataValueSet JSON (`{"dataValues": [...]}`), DXF2 XML (namespace
http://dhis2.org/schema/dxf/2.0; the root's dataSet/period/orgUnit/
attributeOptionCombo apply to values that lack them), CSV (a header naming
the columns, as DHIS2 writes: dataelement,period,orgunit,categoryoptioncombo,
attributeoptioncombo,value,storedby,timestamp,comment,followup) and ADX
(namespace urn:ihe:qrph:adx:2015). A value is numbered by its position: the
n-th dataValue of JSON, XML and ADX; the CSV line, the header being line 1.

A file that cannot be read at all raises DomainError("invalid_file"); a value
with a missing identifier is recorded as a `RowError` in `Parsed.errors`.
XML is read as a stream (values are dropped once read) and a DOCTYPE or
ENTITY declaration is refused, so no entity is ever expanded.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

from vandong.core.errors import DomainError, RowError

DXF2_NAMESPACE = "http://dhis2.org/schema/dxf/2.0"
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
CSV_COLUMNS = {
    "dataelement": "dataElement",
    "period": "period",
    "orgunit": "orgUnit",
    "categoryoptioncombo": "categoryOptionCombo",
    "attributeoptioncombo": "attributeOptionCombo",
    "value": "value",
    "storedby": "storedBy",
    "timestamp": "lastUpdated",
    "lastupdated": "lastUpdated",
    "created": "created",
    "comment": "comment",
    "followup": "followup",
    "deleted": "deleted",
}
CSV_REQUIRED = ("dataelement", "period", "orgunit", "value")

# dataValue and group attributes that are not categories (ADX).
ADX_VALUE_FIELDS = frozenset(
    {
        "dataElement",
        "value",
        "categoryOptionCombo",
        "attributeOptionCombo",
        "comment",
        "created",
        "lastUpdated",
        "storedBy",
        "timestamp",
        "followup",
        "deleted",
    }
)
ADX_GROUP_FIELDS = frozenset(
    {"dataSet", "period", "orgUnit", "attributeOptionCombo", "completeDate", "comment"}
)
_HEADER_SCHEMES = {
    "idScheme": "id_scheme",
    "dataElementIdScheme": "data_element",
    "orgUnitIdScheme": "org_unit",
    "dataSetIdScheme": "data_set",
    "categoryOptionComboIdScheme": "combo",
}
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(slots=True)
class RawValue:
    row: int
    data_element: str
    period: str
    org_unit: str
    data_set: str = ""
    coc: str = ""
    aoc: str = ""
    categories: frozenset[tuple[str, str]] = frozenset()
    attribute_categories: frozenset[tuple[str, str]] = frozenset()
    value: object = ""
    deleted: bool = False
    comment: str = ""
    annotation: str | None = None
    adx: bool = False
    csv: bool = False


@dataclass
class Parsed:
    values: list[RawValue] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_schemes: dict[str, str] = field(default_factory=dict)


def invalid_file(message_vi: str, message_en: str) -> DomainError:
    return DomainError("invalid_file", message_vi, message_en, field="file")


def _missing(row: int, name: str, *, csv_column: bool = False) -> RowError:
    return RowError(
        row=row,
        field=name,
        message_vi=f"Thiếu {name}.",
        message_en=f"{name} is missing.",
        column=name.lower() if csv_column else "",
    )


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise invalid_file(
            f"Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí {error.start}); "
            "DHIS2 xuất tệp UTF-8, hãy tải lại tệp gốc.",
            f"The file is not UTF-8 text (bad byte at position {error.start}); "
            "DHIS2 writes UTF-8, download the original file again.",
        ) from None


def _identifier(value: object) -> str | None:
    """An identifier as text; numbers are accepted (org unit code 123)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    return None


def _is_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def parse_json(data: bytes) -> Parsed:
    try:
        document = json.loads(_text(data))
    except json.JSONDecodeError as error:
        raise invalid_file(
            f"Tệp không phải JSON hợp lệ: {error.msg} (dòng {error.lineno}, cột {error.colno}).",
            f"The file is not valid JSON: {error.msg} (line {error.lineno}, column "
            f"{error.colno}).",
        ) from None
    if not isinstance(document, dict) or not isinstance(
        document.get("dataValues"), list
    ):
        raise invalid_file(
            "Tệp JSON không phải dataValueSet của DHIS2: cần một đối tượng có "
            "danh sách “dataValues”.",
            "The JSON file is not a DHIS2 dataValueSet: it needs an object with a "
            "'dataValues' list.",
        )
    parsed = Parsed(header_schemes=_header_schemes(document))
    header = {
        k: _identifier(document.get(k)) or ""
        for k in ("dataSet", "period", "orgUnit", "attributeOptionCombo")
    }
    for position, item in enumerate(document["dataValues"], start=1):
        if not isinstance(item, dict):
            parsed.errors.append(
                RowError(
                    row=position,
                    field="dataValue",
                    message_vi="Mỗi phần tử của “dataValues” phải là một đối tượng.",
                    message_en="Each item of 'dataValues' must be an object.",
                )
            )
            continue
        fields: dict[str, str] = {}
        for name in (
            "dataElement",
            "period",
            "orgUnit",
            "dataSet",
            "categoryOptionCombo",
            "attributeOptionCombo",
        ):
            value = item.get(name)
            text = _identifier(value) if value is not None else ""
            if text is None:
                parsed.errors.append(
                    RowError(
                        row=position,
                        field=name,
                        message_vi=f"{name} phải là chuỗi ký tự.",
                        message_en=f"{name} must be a string.",
                    )
                )
                break
            fields[name] = text
        else:
            if "value" not in item:
                parsed.errors.append(_missing(position, "value"))
                continue
            comment = item.get("comment")
            parsed.values.append(
                _raw(
                    parsed,
                    position,
                    fields,
                    header,
                    value=item["value"],
                    deleted=_is_true(item.get("deleted")),
                    comment=comment if isinstance(comment, str) else "",
                )
            )
    return parsed


def _raw(
    parsed: Parsed,
    position: int,
    fields: dict[str, str],
    header: dict[str, str],
    *,
    value: object,
    deleted: bool,
    comment: str,
    csv_column: bool = False,
) -> RawValue:
    """A dataValueSet value, with the header filling what the value leaves out;
    missing identifiers are recorded as errors (the value is still returned,
    marked by an empty identifier, so later checks skip it)."""
    resolved = {
        name: fields.get(name) or header.get(name, "")
        for name in (
            "dataElement",
            "period",
            "orgUnit",
            "dataSet",
            "attributeOptionCombo",
        )
    }
    for name in ("dataElement", "period", "orgUnit"):
        if not resolved[name]:
            parsed.errors.append(_missing(position, name, csv_column=csv_column))
    return RawValue(
        row=position,
        data_element=resolved["dataElement"],
        period=resolved["period"],
        org_unit=resolved["orgUnit"],
        data_set=resolved["dataSet"],
        coc=fields.get("categoryOptionCombo", ""),
        aoc=resolved["attributeOptionCombo"],
        value=value,
        deleted=deleted,
        comment=comment or "",
        csv=csv_column,
    )


def _header_schemes(header: dict[str, object]) -> dict[str, str]:
    return {
        key: str(header[name])
        for name, key in _HEADER_SCHEMES.items()
        if isinstance(header.get(name), str) and str(header[name]).strip()
    }


def _refuse_dtd(data: bytes) -> None:
    if _DTD.search(data):
        raise invalid_file(
            "Tệp XML có khai báo DOCTYPE/ENTITY; tệp DHIS2 và ADX không dùng "
            "chúng nên tệp bị từ chối.",
            "The XML file declares a DOCTYPE/ENTITY; DHIS2 and ADX files never do, "
            "so it is refused.",
        )


def _xml_events(data: bytes) -> Iterator[tuple[str, ET.Element]]:
    """Start and end events, parse errors said as invalid_file."""
    _refuse_dtd(data)
    events = ET.iterparse(io.BytesIO(data), events=("start", "end"))  # noqa: S314 - DOCTYPE/ENTITY refused above, so no entity expansion
    try:
        yield from events
    except ET.ParseError as error:
        line, column = error.position
        raise invalid_file(
            f"Tệp không phải XML hợp lệ (dòng {line}, cột {column}).",
            f"The file is not valid XML (line {line}, column {column}).",
        ) from None


def _local(tag: str, namespace: str) -> str | None:
    prefix = "{" + namespace + "}"
    return tag[len(prefix) :] if tag.startswith(prefix) else None


def _wrong_root(tag: str, expected_vi: str, expected_en: str) -> DomainError:
    return invalid_file(
        f"Phần tử gốc là {tag}, không phải {expected_vi}.",
        f"The root element is {tag}, not {expected_en}.",
    )


def _plain_attributes(element: ET.Element) -> dict[str, str]:
    """Attributes without a namespace (xsi:... and the like are skipped)."""
    return {k: v for k, v in element.attrib.items() if not k.startswith("{")}


def parse_xml(data: bytes) -> Parsed:
    parsed = Parsed()
    header: dict[str, str] = {}
    root: ET.Element | None = None
    position = 0
    for event, element in _xml_events(data):
        if root is None:
            root = element
            if _local(element.tag, DXF2_NAMESPACE) != "dataValueSet":
                raise _wrong_root(
                    element.tag,
                    f"dataValueSet trong không gian tên {DXF2_NAMESPACE}",
                    f"dataValueSet in the namespace {DXF2_NAMESPACE}",
                )
            attributes = _plain_attributes(element)
            parsed.header_schemes = _header_schemes(dict(attributes))
            header = {
                k: attributes.get(k, "").strip()
                for k in ("dataSet", "period", "orgUnit", "attributeOptionCombo")
            }
            continue
        if event != "end" or _local(element.tag, DXF2_NAMESPACE) != "dataValue":
            continue
        position += 1
        attributes = {k: v.strip() for k, v in _plain_attributes(element).items()}
        if "value" not in attributes:
            parsed.errors.append(_missing(position, "value"))
        else:
            parsed.values.append(
                _raw(
                    parsed,
                    position,
                    attributes,
                    header,
                    value=attributes["value"],
                    deleted=_is_true(attributes.get("deleted")),
                    comment=attributes.get("comment", ""),
                )
            )
        root.clear()
    return parsed


def parse_csv(data: bytes) -> Parsed:
    parsed = Parsed()
    reader = csv.reader(io.StringIO(_text(data), newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise invalid_file(
            f"Tệp CSV hỏng ở dòng {reader.line_num}: {error}.",
            f"The CSV file is malformed at line {reader.line_num}: {error}.",
        ) from None
    if not rows:
        raise invalid_file("Tệp CSV trống.", "The CSV file is empty.")
    columns = [c.strip().lower() for c in rows[0]]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if unknown or missing or len(set(columns)) != len(columns):
        expected = (
            ",".join(CSV_REQUIRED[:3])
            + ",categoryoptioncombo,attributeoptioncombo,value,..."
        )
        raise invalid_file(
            f"Dòng đầu của tệp CSV DHIS2 phải là tên cột ({expected}); "
            f"cột không biết: {', '.join(unknown) or 'không có'}; "
            f"cột thiếu: {', '.join(missing) or 'không có'}.",
            f"The first line of a DHIS2 CSV file must name the columns ({expected}); "
            f"unknown columns: {', '.join(unknown) or 'none'}; "
            f"missing columns: {', '.join(missing) or 'none'}.",
        )
    for line, record in enumerate(rows[1:], start=2):
        if not record or all(not cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            parsed.errors.append(
                RowError(
                    row=line,
                    field="",
                    message_vi=f"Dòng có {len(record)} cột, dòng tiêu đề có {len(columns)}.",
                    message_en=f"The line has {len(record)} fields, the header {len(columns)}.",
                )
            )
            continue
        cells = {
            CSV_COLUMNS[c]: v.strip() for c, v in zip(columns, record, strict=True)
        }
        parsed.values.append(
            _raw(
                parsed,
                line,
                cells,
                {},
                value=cells["value"],
                deleted=_is_true(cells.get("deleted")),
                comment=cells.get("comment", ""),
                csv_column=True,
            )
        )
    return parsed


def parse_adx(data: bytes) -> Parsed:
    parsed = Parsed()
    root: ET.Element | None = None
    group: dict[str, str] | None = None
    group_element: ET.Element | None = None
    position = 0
    for event, element in _xml_events(data):
        name = _local(element.tag, ADX_NAMESPACE)
        if root is None:
            root = element
            if name != "adx":
                raise _wrong_root(
                    element.tag,
                    f"adx trong không gian tên {ADX_NAMESPACE}",
                    f"adx in the namespace {ADX_NAMESPACE}",
                )
            continue
        if name == "group":
            if event == "start":
                group = {k: v.strip() for k, v in _plain_attributes(element).items()}
                group_element = element
            else:
                group, group_element = None, None
                root.clear()
            continue
        if name != "dataValue" or event != "end":
            continue
        position += 1
        if group is None:
            parsed.errors.append(
                RowError(
                    row=position,
                    field="group",
                    message_vi="Giá trị nằm ngoài phần tử <group>.",
                    message_en="The value is outside a <group> element.",
                )
            )
            continue
        attributes = {k: v.strip() for k, v in _plain_attributes(element).items()}
        annotation = element.find("{" + ADX_NAMESPACE + "}annotation")
        raw = _raw(
            parsed,
            position,
            {
                "dataElement": attributes.get("dataElement", ""),
                "categoryOptionCombo": attributes.get("categoryOptionCombo", ""),
                "attributeOptionCombo": attributes.get("attributeOptionCombo", ""),
            },
            {
                "dataSet": group.get("dataSet", ""),
                "period": group.get("period", ""),
                "orgUnit": group.get("orgUnit", ""),
                "attributeOptionCombo": group.get("attributeOptionCombo", ""),
            },
            value=attributes.get("value"),
            deleted=_is_true(attributes.get("deleted")),
            comment=attributes.get("comment", ""),
        )
        if not raw.data_set:
            parsed.errors.append(_missing(position, "dataSet"))
        raw.adx = True
        raw.categories = frozenset(
            (k, v) for k, v in attributes.items() if k not in ADX_VALUE_FIELDS
        )
        raw.attribute_categories = frozenset(
            (k, v) for k, v in group.items() if k not in ADX_GROUP_FIELDS
        )
        raw.annotation = (annotation.text or "") if annotation is not None else None
        parsed.values.append(raw)
        if group_element is not None:
            group_element.remove(element)
    return parsed
