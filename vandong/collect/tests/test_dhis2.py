"""DHIS2 exchange: DHIS2's own test files, with the metadata their upstream tests
create mapped onto vandong, import with the values upstream expects and export
back identically (fixtures/dhis2/README.md names the source)."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    PeriodKind,
    ValueType,
)
from vandong.collect import dhis2
from vandong.collect.dhis2 import parsers
from vandong.collect.dhis2.mapping import Tables
from vandong.collect.dhis2.periods import (
    PeriodError,
    format_adx_period,
    parse_adx_period,
)
from vandong.collect.dhis2.readers import convert_value
from vandong.collect.models import DataValue, ExternalMapping
from vandong.collect.rows import ValueRow
from vandong.core.errors import DomainError
from vandong.geo.tests.factories import make_unit

FIXTURES = Path(__file__).parent / "fixtures" / "dhis2"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def keyed(rows: list[ValueRow]) -> list[tuple[str, str, str, str, str]]:
    """Rows without their positions, in key order (values shown with repr, so
    10001.0 and "10001" differ)."""
    return sorted(
        (r.data_element, r.unit_code, r.period, repr(r.value), r.comment) for r in rows
    )


def store(rows: list[ValueRow]):
    """Import rows through the write service as the system would."""
    services = pytest.importorskip(
        "vandong.collect.services", reason="services.data_values_write not there yet"
    )
    return services.data_values_write(actor=None, rows=rows, channel="import")


def stored() -> dict[tuple[str, str, str], object]:
    return {
        (v.data_element.code, v.unit.code, v.period.code): (
            v.text_value if v.data_element.value_type == ValueType.TEXT else v.value
        )
        for v in DataValue.objects.select_related("data_element", "unit", "period")
    }


def month(code: str) -> Period:
    year, number = int(code[:4]), int(code[4:])
    start = datetime.date(year, number, 1)
    following = datetime.date(year + number // 12, number % 12 + 1, 1)
    return Period.objects.create(
        code=code,
        kind=PeriodKind.MONTH,
        start=start,
        end=following - datetime.timedelta(days=1),
    )


def element(code: str, *, uid: str = "", value_type: str = ValueType.INTEGER):
    return DataElement.objects.create(
        code=code,
        name_vi=code,
        name_en=code,
        value_type=value_type,
        level=3,
        dhis2_uid=uid,
    )


def data_set(code: str, elements, *, uid: str = "", kind: str = PeriodKind.MONTH):
    result = DataSet.objects.create(
        code=code, name_vi=code, name_en=code, level=3, period_kind=kind, dhis2_uid=uid
    )
    for order, member in enumerate(elements):
        DataSetElement.objects.create(data_set=result, data_element=member, order=order)
    return result


def mapped(kind: str, external_id: str, local_code: str, *, system="dhis2", **combo):
    return ExternalMapping.objects.create(
        system=system,
        kind=kind,
        external_id=external_id,
        local_code=local_code,
        **combo,
    )


# --- the metadata of DataExportServiceIntegrationTest.setUp ----------------------


@pytest.fixture
def export_world(world):
    """DE_A..DE_C with their UIDs, OU_A/OU_B/OU_C mapped by UID, months
    201201-201203, and DS_A (pBOMPrpg1QX) mapped through the mapping table."""
    elements = [
        element("DE_A", uid="f7n9E0hX8qk"),
        element("DE_B", uid="Ix2HsbDMLea"),
        element("DE_C", uid="eY5ehpbEsB7"),
    ]
    for code in ("OU_A", "OU_B", "OU_C"):
        make_unit(code, f"Đơn vị {code[-1]}", "xa", parent=world.province)
    for uid, code in (
        ("DiszpKrYNg8", "OU_A"),
        ("BdfsJfj87js", "OU_B"),
        ("j7Hg26FpoIa", "OU_C"),
    ):
        mapped("org_unit", uid, code)
    for code in ("201201", "201202", "201203"):
        month(code)
    data_set("DS_A", elements)
    mapped("data_set", "pBOMPrpg1QX", "DS_A")
    return world


# --- the metadata of AdxDataServiceIntegrationTest.setUp -----------------------------

Names = tuple[str, str, str]  # an object's UID, code and name

AGE_SEX: dict[str, tuple[Names, tuple[Names, Names]]] = {
    # local suffix: (the combo, its sex and age options)
    "F_UNDER5": (
        ("FUnder55555", "F_Under5", "Female Under 5"),
        (("FFFFFFFFFFF", "F", "Female"), ("under555555", "under5", "Under 5")),
    ),
    "M_UNDER5": (
        ("MUnder55555", "M_Under5", "Male Under 5"),
        (("MMMMMMMMMMM", "M", "Male"), ("under555555", "under5", "Under 5")),
    ),
    "F_OVER5": (
        ("FOver555555", "F_Over5", "Female Over 5"),
        (("FFFFFFFFFFF", "F", "Female"), ("over5555555", "over5", "Over 5")),
    ),
    "M_OVER5": (
        ("MOver555555", "M_Over5", "Male Over 5"),
        (("MMMMMMMMMMM", "M", "Male"), ("over5555555", "over5", "Over 5")),
    ),
}
MECHANISMS: dict[str, tuple[Names, Names]] = {
    "PEPFAR": (
        ("cocPEPFARRR", "coc_PEPFAR", "PEPFAR CategoryOptionCombo"),
        ("PEPFARRRRRR", "PEPFAR", "PEPFAR mechanism"),
    ),
    "MCDONALDS": (
        ("cocMcDonald", "coc_McDonalds", "McDonalds CategoryOptionCombo"),
        ("McDonaldsss", "McDonalds", "McDonalds mechanism"),
    ),
}
SEX = ("sexxxxxxxxx", "sex", "Sex_category")
AGE = ("ageeeeeeeee", "age", "Age_category")
MECHANISM = ("mechanismmm", "mechanism", "Mechanism_category")
NAMESPACES = ("dhis2", "dhis2:code", "dhis2:name")
MAL_NUM = ("MalNummmmmm", "Mal_num", "Malaria numeric")


@pytest.fixture
def adx_world(world):
    """Malaria: Mal_text (TEXT, MalTexttttt), and Mal_num (combo Age × Sex) as one
    local element per option combo, with and without a mechanism (attribute
    option combo); org units 123/456 mapped by UID; 202001, 202002, 2021Q1;
    MalariaDS (monthly) and MalariaMechanismDS (quarterly) named by mapping."""
    make_unit("123", "Provincial Hospital", "xa", parent=world.province)
    make_unit("456", "District Hospital", "xa", parent=world.province)
    mapped("org_unit", "P1233333333", "123")
    mapped("org_unit", "D4566666666", "456")
    month("202001")
    month("202002")
    Period.objects.create(
        code="2021Q1",
        kind=PeriodKind.QUARTER,
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2021, 3, 31),
    )
    text = element("Mal_text", uid="MalTexttttt", value_type=ValueType.TEXT)
    plain, mechanism = [text], [text]
    # Category option combos: options -> combo, in each namespace.
    for coc, options in [*AGE_SEX.values()]:
        (sex, age) = options
        for i, ns in enumerate(NAMESPACES):
            mapped(
                "",
                f"{SEX[i]}={sex[i]};{AGE[i]}={age[i]}",
                "",
                system=ns,
                category_option_combo=coc[i],
            )
    for mechanism_combo, option in MECHANISMS.values():
        for i, ns in enumerate(NAMESPACES):
            mapped(
                "",
                f"{MECHANISM[i]}={option[i]}",
                "",
                system=ns,
                category_option_combo=mechanism_combo[i],
            )
    # One local element per (category option combo, attribute option combo).
    for suffix, (coc, _options) in AGE_SEX.items():
        mechanisms: list[tuple[str, tuple[Names, Names] | None]] = [
            ("", None),
            *MECHANISMS.items(),
        ]
        for mechanism_code, aoc in mechanisms:
            code = f"MAL_NUM_{suffix}" + (
                f"_{mechanism_code}" if mechanism_code else ""
            )
            local = element(code)
            (mechanism if aoc else plain).append(local)
            for i, ns in enumerate(NAMESPACES):
                mapped(
                    "data_element",
                    MAL_NUM[i],
                    code,
                    system=ns,
                    category_option_combo=coc[i],
                    attribute_option_combo=aoc[0][i] if aoc else "",
                )
    data_set("MalariaDS", plain, uid="MalariaDSSS")
    data_set(
        "MalariaMechanismDS", mechanism, uid="MalariaMech", kind=PeriodKind.QUARTER
    )
    mapped("data_set", "Malaria DS", "MalariaDS", system="dhis2:name")
    mapped(
        "data_set", "Malaria Mechanism DS", "MalariaMechanismDS", system="dhis2:name"
    )
    return world


# --- upstream: DataExportServiceIntegrationTest ---------------------------------

B_VALUES = [
    ("DE_A", "OU_A", "201201", 10001.0),
    ("DE_A", "OU_B", "201201", 10002.0),
    ("DE_A", "OU_A", "201202", 10003.0),
    ("DE_A", "OU_B", "201202", 10004.0),
    ("DE_B", "OU_A", "201201", 10005.0),
    ("DE_B", "OU_B", "201201", 10006.0),
    ("DE_B", "OU_A", "201202", 10007.0),
    ("DE_B", "OU_B", "201202", 10008.0),
    ("DE_C", "OU_A", "201201", 10009.0),
    ("DE_C", "OU_B", "201201", 10010.0),
    ("DE_C", "OU_A", "201202", 10011.0),
    ("DE_C", "OU_B", "201202", 10012.0),
]


def test_data_value_set_a_xml_imports_three_values(export_world):
    # given
    data = fixture("dataValueSetA.xml")

    # when
    rows = dhis2.read_data_value_set(data, fmt="xml")

    # then: the header's data set applies; storedBy/timestamp/followup ignored
    assert rows == [
        ValueRow("DE_A", "OU_A", "201201", 10001.0, "comment", row=1),
        ValueRow("DE_A", "OU_B", "201201", 10002.0, "comment", row=2),
        ValueRow("DE_A", "OU_A", "201202", 10003.0, "comment", row=3),
    ]
    result = store(rows)
    assert (result.created, result.updated, result.deleted) == (3, 0, 0)
    assert stored() == {
        ("DE_A", "OU_A", "201201"): 10001.0,
        ("DE_A", "OU_B", "201201"): 10002.0,
        ("DE_A", "OU_A", "201202"): 10003.0,
    }


def test_data_value_set_b_xml_imports_twelve_values(export_world):
    # given
    data = fixture("dataValueSetB.xml")

    # when
    rows = dhis2.read_data_value_set(data, fmt="xml")

    # then
    assert [r.row for r in rows] == list(range(1, 13))
    assert keyed(rows) == sorted((*v[:3], repr(v[3]), "comment") for v in B_VALUES)
    result = store(rows)
    assert (result.created, result.updated, result.deleted) == (12, 0, 0)
    assert stored() == {v[:3]: v[3] for v in B_VALUES}


def test_data_value_set_b_reimported_changes_nothing(export_world):
    # given
    rows = dhis2.read_data_value_set(fixture("dataValueSetB.xml"), fmt="xml")
    store(rows)

    # when
    result = store(dhis2.read_data_value_set(fixture("dataValueSetB.xml"), fmt="xml"))

    # then
    assert (result.created, result.updated, result.unchanged) == (0, 0, 12)


def test_data_value_set_b_csv_reads_the_same_twelve_values(export_world):
    # given: quoted fields, empty combos, no newline at the end
    data = fixture("dataValueSetB.csv")
    assert not data.endswith(b"\n")

    # when
    rows = dhis2.read_data_value_set(data, fmt="csv")

    # then: rows are CSV lines, the header being line 1
    assert [r.row for r in rows] == list(range(2, 14))
    assert {r.column for r in rows} == {"value"}
    assert keyed(rows) == keyed(
        dhis2.read_data_value_set(fixture("dataValueSetB.xml"), fmt="xml")
    )
    result = store(rows)
    assert (result.created, result.updated) == (12, 0)
    assert stored() == {v[:3]: v[3] for v in B_VALUES}


def test_data_value_set_create_date_json_ignores_the_file_dates(export_world):
    # given
    data = fixture("dataValueSetCreateDate.json")
    before = timezone.now()

    # when
    rows = dhis2.read_data_value_set(data, fmt="json")

    # then: "20" as a number, the null comment empty
    assert rows == [ValueRow("DE_A", "OU_A", "201201", 20.0, "", row=1)]
    result = store(rows)
    assert result.created == 1
    value = DataValue.objects.get()
    assert value.value == 20.0
    assert value.updated_at >= before  # not 1988-12-21: the server stamps its time
    assert value.updated_by is None


# --- upstream: AdxDataServiceIntegrationTest ------------------------------------------


def test_import_dates_adx_imports_one_value_with_its_annotation(adx_world):
    # given: UIDs throughout, the disaggregation as category-UID attributes
    data = fixture("importDates.adx.xml")
    before = timezone.now()

    # when
    rows = dhis2.read_adx(data)

    # then
    assert rows == [ValueRow("MAL_NUM_M_OVER5", "123", "202001", 33.0, "33333", row=1)]
    result = store(rows)
    assert result.created == 1
    value = DataValue.objects.get()
    assert (value.value, value.comment) == (33.0, "33333")
    assert value.updated_at >= before  # created/lastUpdated of 1987 ignored


def test_import_dates_adx_reimported_is_unchanged(adx_world):
    # given
    store(dhis2.read_adx(fixture("importDates.adx.xml")))

    # when
    result = store(dhis2.read_adx(fixture("importDates.adx.xml")))

    # then
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def adx_groups(document: bytes) -> set[str]:
    """The trimmed <group> elements of an ADX document, as upstream compares them
    (lines trimmed and joined), but with the group's own attributes kept."""
    joined = "".join(line.strip() for line in document.decode().splitlines())
    return {m.group(0) for m in re.finditer(r"<group\b[^>]*>.*?</group>", joined, re.S)}


EXPORT_B_VALUES = [
    ValueRow("MAL_NUM_F_UNDER5", "123", "202001", "1"),
    ValueRow("Mal_text", "123", "202002", "Some text"),
    ValueRow("MAL_NUM_M_OVER5_MCDONALDS", "456", "202001", "2"),
    ValueRow("MAL_NUM_F_OVER5_PEPFAR", "456", "202001", "3"),
]


def test_export_b_adx_has_the_groups_of_the_upstream_file(adx_world):
    # given: the four values testWriteDataValueSetB stores
    store(EXPORT_B_VALUES)

    # when: default CODE, dataSet NAME, orgUnit UID, dataElement UID, COC NAME
    document = dhis2.write_adx(
        DataValue.objects.all(),
        id_scheme="code",
        data_set_id_scheme="name",
        org_unit_id_scheme="uid",
        data_element_id_scheme="uid",
        category_option_combo_id_scheme="name",
    )

    # then
    expected = adx_groups(fixture("exportB.adx.xml"))
    assert len(expected) == 4
    assert adx_groups(document) == expected


def test_export_b_adx_reads_back_to_the_stored_values(adx_world):
    # given
    store(EXPORT_B_VALUES)
    document = dhis2.write_adx(
        DataValue.objects.all(),
        data_set_id_scheme="name",
        org_unit_id_scheme="uid",
        data_element_id_scheme="uid",
    )

    # when: data sets by name; the rest found by auto (UIDs, then codes): the
    # element by UID and its categories by code lead to one local element
    rows = dhis2.read_adx(document, data_set_id_scheme="name")

    # then: the text came back from <annotation>, not as "0"
    assert keyed(rows) == [
        ("MAL_NUM_F_OVER5_PEPFAR", "456", "202001", "3.0", ""),
        ("MAL_NUM_F_UNDER5", "123", "202001", "1.0", ""),
        ("MAL_NUM_M_OVER5_MCDONALDS", "456", "202001", "2.0", ""),
        ("Mal_text", "123", "202002", "'Some text'", ""),
    ]


def test_upstream_file_read_in_code_scheme_is_the_same_value(adx_world):
    # given: importDates rewritten with codes: categories age/sex by code
    data = (
        b'<adx xmlns="urn:ihe:qrph:adx:2015"><group dataSet="MalariaDS" '
        b'period="2020-01-01/P1M" orgUnit="123"><dataValue dataElement="Mal_num" '
        b'sex="M" age="over5" value="33"><annotation>33333</annotation>'
        b"</dataValue></group></adx>"
    )

    # when
    rows = dhis2.read_adx(data, id_scheme="code")

    # then
    assert rows == dhis2.read_adx(fixture("importDates.adx.xml"))


# --- export round trips ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("scheme", ["code", "uid"])
def test_data_value_set_export_reads_back_identically(export_world, fmt, scheme):
    # given
    imported = dhis2.read_data_value_set(fixture("dataValueSetB.xml"), fmt="xml")
    store(imported)

    # when
    document = dhis2.write_data_value_set(
        DataValue.objects.all(), fmt=fmt, id_scheme=scheme
    )
    rows = dhis2.read_data_value_set(document, fmt=fmt)

    # then
    assert keyed(rows) == keyed(imported)


@pytest.mark.parametrize("scheme", ["code", "uid"])
def test_adx_export_of_a_data_value_set_reads_back_identically(export_world, scheme):
    # given
    imported = dhis2.read_data_value_set(fixture("dataValueSetB.csv"), fmt="csv")
    store(imported)

    # when
    document = dhis2.write_adx(DataValue.objects.all(), id_scheme=scheme)
    rows = dhis2.read_adx(document)

    # then
    assert keyed(rows) == keyed(imported)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "adx"])
@pytest.mark.parametrize("scheme", ["code", "uid", "name"])
def test_disaggregated_export_reads_back_identically(adx_world, fmt, scheme):
    # given
    imported = [
        *dhis2.read_adx(fixture("importDates.adx.xml")),
        *EXPORT_B_VALUES,
        ValueRow("MAL_NUM_M_UNDER5_PEPFAR", "456", "2021Q1", "7", "ghi chú, “trích”"),
    ]
    store(imported)

    # when
    if fmt == "adx":
        document = dhis2.write_adx(DataValue.objects.all(), id_scheme=scheme)
        rows = dhis2.read_adx(document, id_scheme=scheme)
    else:
        document = dhis2.write_data_value_set(
            DataValue.objects.all(), fmt=fmt, id_scheme=scheme
        )
        rows = dhis2.read_data_value_set(document, fmt=fmt, id_scheme=scheme)

    # then
    assert keyed(rows) == sorted(
        (
            v.data_element,
            v.unit_code,
            v.period,
            repr(v.value if v.data_element == "Mal_text" else float(str(v.value))),
            v.comment,
        )
        for v in imported
    )


def test_disaggregated_json_export_names_the_combos(adx_world):
    # given
    store(EXPORT_B_VALUES[2:3])

    # when
    document = json.loads(
        dhis2.write_data_value_set(DataValue.objects.all(), fmt="json", id_scheme="uid")
    )

    # then
    [value] = document["dataValues"]
    assert {k: value[k] for k in value if k not in ("lastUpdated",)} == {
        "dataElement": "MalNummmmmm",
        "period": "202001",
        "orgUnit": "D4566666666",
        "categoryOptionCombo": "MOver555555",
        "attributeOptionCombo": "cocMcDonald",
        "value": "2",
        "followup": False,
    }


def test_a_year_is_2020_in_data_value_sets_and_p1y_in_adx(export_world):
    # given
    Period.objects.create(
        code="2020",
        kind=PeriodKind.YEAR,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2020, 12, 31),
    )
    store([ValueRow("DE_A", "OU_A", "2020", "5")])

    # when
    csv_text = dhis2.write_data_value_set(DataValue.objects.all(), fmt="csv").decode()
    adx_text = dhis2.write_adx(DataValue.objects.all()).decode()

    # then
    assert csv_text.splitlines()[1].startswith('"DE_A","2020","OU_A","","","5",')
    assert '<group dataSet="DS_A" period="2020-01-01/P1Y" orgUnit="OU_A">' in adx_text
    assert dhis2.read_adx(adx_text.encode()) == [
        ValueRow("DE_A", "OU_A", "2020", 5.0, "", row=1)
    ]


def test_values_are_read_by_their_element_type(export_world):
    # given: a yes/no, a decimal and a text element; DHIS2 writes numbers the
    # machine way and may send JSON numbers
    element("DE_YES", uid="DeYesNo0001", value_type=ValueType.BOOLEAN)
    element("DE_DEC", uid="DeDecimal01", value_type=ValueType.DECIMAL)
    element("DE_TXT", uid="DeText00001", value_type=ValueType.TEXT)
    values = [
        ("DeYesNo0001", "true"),
        ("DeYesNo0001", "0"),
        ("DeDecimal01", "61.5"),
        ("DeDecimal01", 1.5e3),
        ("DeText00001", "61,5 ha"),
        ("f7n9E0hX8qk", ""),
        ("Ix2HsbDMLea", None),
    ]
    data = json.dumps(
        {
            "orgUnit": "DiszpKrYNg8",
            "period": "201201",
            "dataValues": [
                {"dataElement": de, "value": value, "period": f"20120{i % 3 + 1}"}
                for i, (de, value) in enumerate(values)
            ]
            + [{"dataElement": "eY5ehpbEsB7", "value": "9", "deleted": True}],
        }
    ).encode()

    # when
    rows = dhis2.read_data_value_set(data, fmt="json")

    # then: "" (and null, and deleted) delete; the header fills orgUnit and period
    assert [(r.data_element, r.period, r.value) for r in rows] == [
        ("DE_YES", "201201", True),
        ("DE_YES", "201202", False),
        ("DE_DEC", "201203", 61.5),
        ("DE_DEC", "201201", 1500.0),
        ("DE_TXT", "201202", "61,5 ha"),
        ("DE_A", "201203", ""),
        ("DE_B", "201201", ""),
        ("DE_C", "201201", ""),
    ]
    assert {r.unit_code for r in rows} == {"OU_A"}


def test_a_bad_yes_no_value_is_named(export_world):
    element("DE_YES", uid="DeYesNo0001", value_type=ValueType.BOOLEAN)
    data = b'"dataelement","period","orgunit","value"\n"DE_YES","201201","OU_A","maybe"'

    error = refusal(dhis2.read_data_value_set, data, fmt="csv")

    [problem] = error.rows
    assert (problem.row, problem.field, problem.element) == (2, "value", "DE_YES")
    assert problem.message_en == "'maybe' is not a yes/no value (true or false)."
    assert problem.message_vi == (
        "“maybe” không phải giá trị có/không (true hoặc false)."
    )


def test_adx_names_a_combo_without_category_rows_directly(adx_world):
    # given: the mechanism combos have no category rows in the code namespace
    ExternalMapping.objects.filter(
        system="dhis2:code", kind="", external_id__startswith="mechanism="
    ).delete()
    store(EXPORT_B_VALUES[2:3])

    # when
    document = dhis2.write_adx(DataValue.objects.all())

    # then: DHIS2's own attributes carry the attribute option combo
    assert adx_groups(document) == {
        '<group dataSet="MalariaMechanismDS" period="2020-01-01/P1M" orgUnit="456">'
        '<dataValue dataElement="Mal_num" sex="M" age="over5" '
        'attributeOptionCombo="coc_McDonalds" value="2"/></group>'
    }
    assert dhis2.read_adx(document) == [
        ValueRow("MAL_NUM_M_OVER5_MCDONALDS", "456", "202001", 2.0, "", row=1)
    ]


def test_adx_export_needs_a_data_set_for_each_element(export_world):
    # given: DE_D is in no data set
    element("DE_D", uid="DeDddddddd1")
    store([ValueRow("DE_D", "OU_A", "201201", "1")])

    # when
    with pytest.raises(DomainError) as caught:
        dhis2.write_adx(DataValue.objects.all())

    # then
    assert caught.value.code == "unmapped"
    assert [(e.field, e.element) for e in caught.value.rows] == [("dataSet", "DE_D")]


def test_an_export_names_its_values_in_a_fixed_number_of_queries(
    export_world, django_assert_num_queries
):
    # given
    store(dhis2.read_data_value_set(fixture("dataValueSetB.xml"), fmt="xml"))

    # then: values, mapping, elements, data sets, periods; elements, units and
    # periods of the values (no user: the system wrote them); ADX adds the
    # data sets of the elements
    with django_assert_num_queries(8):
        dhis2.write_data_value_set(DataValue.objects.all(), fmt="json")
    with django_assert_num_queries(9):
        dhis2.write_adx(DataValue.objects.all())


def test_export_by_uid_refuses_values_without_a_mapping(export_world):
    # given: OU_B has its mapping removed
    store(dhis2.read_data_value_set(fixture("dataValueSetA.xml"), fmt="xml"))
    ExternalMapping.objects.filter(local_code="OU_B").delete()

    # when
    with pytest.raises(DomainError) as caught:
        dhis2.write_data_value_set(DataValue.objects.all(), fmt="json", id_scheme="uid")

    # then
    assert caught.value.code == "unmapped"
    [problem] = caught.value.rows
    assert (problem.field, problem.unit) == ("orgUnit", "OU_B")
    assert problem.message_en == "Unit OU_B has no DHIS2 UID in the mapping (org_unit)."
    assert problem.message_vi == (
        "Đơn vị OU_B chưa có UID DHIS2 trong bảng ánh xạ (org_unit)."
    )


# --- bad input ---------------------------------------------------------------------------


def refusal(read, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        read(*args, **kwargs)
    return caught.value


def test_a_file_that_is_not_xml_is_refused(export_world):
    error = refusal(dhis2.read_data_value_set, b"dataelement,period\n", fmt="xml")

    assert error.code == "invalid_file"
    assert error.message_en == "The file is not valid XML (line 1, column 0)."
    assert error.message_vi == "Tệp không phải XML hợp lệ (dòng 1, cột 0)."


def test_a_data_value_set_in_the_wrong_namespace_is_refused(export_world):
    data = fixture("dataValueSetA.xml").replace(
        b"http://dhis2.org/schema/dxf/2.0", b"http://example.org/other"
    )

    error = refusal(dhis2.read_data_value_set, data, fmt="xml")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The root element is {http://example.org/other}dataValueSet, not "
        "dataValueSet in the namespace http://dhis2.org/schema/dxf/2.0."
    )


def test_adx_given_a_data_value_set_is_refused(export_world):
    error = refusal(dhis2.read_adx, fixture("dataValueSetA.xml"))

    assert error.code == "invalid_file"
    assert error.message_en.startswith(
        "The root element is {http://dhis2.org/schema/dxf/2.0}dataValueSet, not adx"
    )


def test_a_document_type_declaration_is_refused(export_world):
    data = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>'
    )

    error = refusal(dhis2.read_data_value_set, data, fmt="xml")

    assert error.code == "invalid_file"
    assert "DOCTYPE/ENTITY" in error.message_en


def test_missing_attributes_are_listed_by_value_position(export_world):
    # given: the second value has no orgUnit, the third no value
    data = (
        b'<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">'
        b'<dataValue dataElement="f7n9E0hX8qk" period="201201" orgUnit="DiszpKrYNg8" value="1"/>'
        b'<dataValue dataElement="f7n9E0hX8qk" period="201201" value="2"/>'
        b'<dataValue dataElement="f7n9E0hX8qk" period="201202" orgUnit="DiszpKrYNg8"/>'
        b"</dataValueSet>"
    )

    # when
    error = refusal(dhis2.read_data_value_set, data, fmt="xml")

    # then
    assert error.code == "invalid_rows"
    assert error.message_en == "The DHIS2 file has 2 errors; no value was stored."
    assert error.message_vi == ("Tệp DHIS2 có 2 lỗi; không có giá trị nào được lưu.")
    assert [(e.row, e.field, e.message_en) for e in error.rows] == [
        (2, "orgUnit", "orgUnit is missing."),
        (3, "value", "value is missing."),
    ]


def test_unknown_identifiers_are_named_with_their_field(export_world):
    # given
    data = json.dumps(
        {
            "dataSet": "nosuchset00",
            "dataValues": [
                {
                    "dataElement": "f7n9E0hX8qk",
                    "period": "201201",
                    "orgUnit": "XXXXXXXXXXX",
                    "value": "1",
                },
                {
                    "dataElement": "YYYYYYYYYYY",
                    "period": "201299",
                    "orgUnit": "DiszpKrYNg8",
                    "value": "1",
                },
            ],
        }
    ).encode()

    # when
    error = refusal(dhis2.read_data_value_set, data, fmt="json")

    # then
    assert error.code == "invalid_rows"
    assert [(e.row, e.field, e.unit, e.element) for e in error.rows] == [
        (1, "dataSet", "XXXXXXXXXXX", "f7n9E0hX8qk"),
        (1, "orgUnit", "XXXXXXXXXXX", "f7n9E0hX8qk"),
        (2, "dataSet", "DiszpKrYNg8", "YYYYYYYYYYY"),
        (2, "period", "DiszpKrYNg8", "YYYYYYYYYYY"),
        (2, "dataElement", "DiszpKrYNg8", "YYYYYYYYYYY"),
    ]
    assert error.rows[1].message_en == (
        "Unknown org unit 'XXXXXXXXXXX': it is not in the DHIS2 mapping (org_unit) "
        "and is not a unit code."
    )
    assert error.rows[3].message_vi == "Không biết kỳ “201299”."


def test_a_uid_file_read_as_codes_is_refused(export_world):
    error = refusal(
        dhis2.read_data_value_set,
        fixture("dataValueSetA.xml"),
        fmt="xml",
        id_scheme="code",
    )

    assert error.code == "invalid_rows"
    assert {e.field for e in error.rows} == {"dataSet", "orgUnit", "dataElement"}


def test_a_file_header_names_its_id_scheme(export_world):
    # given: codes, said by the file
    data = json.dumps(
        {
            "idScheme": "CODE",
            "dataValues": [
                {
                    "dataElement": "DE_B",
                    "period": "201203",
                    "orgUnit": "OU_C",
                    "value": "4",
                }
            ],
        }
    ).encode()

    # when
    rows = dhis2.read_data_value_set(data, fmt="json")

    # then
    assert rows == [ValueRow("DE_B", "OU_C", "201203", 4.0, "", row=1)]


def test_an_unknown_id_scheme_is_refused(export_world):
    error = refusal(
        dhis2.read_data_value_set,
        fixture("dataValueSetA.xml"),
        fmt="xml",
        id_scheme="attribute",
    )

    assert error.code == "invalid_id_scheme"
    assert error.message_en == (
        "No id scheme 'attribute'; choose one of: uid, code, name, auto."
    )


def test_vietnamese_notation_is_not_a_dhis2_number(export_world):
    # given: DHIS2 writes 2142500; "2.142.500" must not become 2142.5 or 2142500;
    # the third line also names an unknown unit: both problems are listed
    data = (
        b'"dataelement","period","orgunit","value"\n'
        b'"DE_A","201201","OU_A","2.142.500"\n'
        b'"DE_B","201201","OU_Z","61,5"\n'
    )

    # when
    error = refusal(dhis2.read_data_value_set, data, fmt="csv")

    # then
    assert [(e.row, e.field, e.column) for e in error.rows] == [
        (2, "value", "value"),
        (3, "orgUnit", "orgunit"),
        (3, "value", "value"),
    ]
    assert error.rows[0].message_en == (
        "'2.142.500' is not a number as DHIS2 writes them (a point for decimals, "
        "no thousands separators: 2142500, 61.5)."
    )
    assert error.rows[2].message_vi == (
        "“61,5” không phải là số theo cách DHIS2 ghi (dấu chấm thập phân, không "
        "phân cách hàng nghìn: 2142500, 61.5)."
    )


def test_a_csv_without_the_header_is_refused(export_world):
    data = b'"f7n9E0hX8qk","201201","DiszpKrYNg8","","","10001"'

    error = refusal(dhis2.read_data_value_set, data, fmt="csv")

    assert error.code == "invalid_file"
    assert error.message_en.startswith(
        "The first line of a DHIS2 CSV file must name the columns"
    )
    assert "missing columns: dataelement, period, orgunit, value" in error.message_en


def test_json_that_is_not_a_data_value_set_is_refused(export_world):
    error = refusal(dhis2.read_data_value_set, b'[{"value": 1}]', fmt="json")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The JSON file is not a DHIS2 dataValueSet: it needs an object with a "
        "'dataValues' list."
    )


def test_broken_json_is_refused_with_its_position(export_world):
    error = refusal(dhis2.read_data_value_set, b'{"dataValues": [', fmt="json")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file is not valid JSON: Expecting value (line 1, column 17)."
    )


def test_adx_categories_without_a_mapping_are_named(adx_world):
    data = fixture("importDates.adx.xml").replace(b"over5555555", b"over6666666")

    error = refusal(dhis2.read_adx, data)

    [problem] = error.rows
    assert (problem.row, problem.field) == (1, "categories")
    assert problem.message_en == (
        'No category option combo in the mapping matches ageeeeeeeee="over6666666", '
        "sexxxxxxxxx=\"MMMMMMMMMMM\" of data element 'MalNummmmmm'."
    )


def test_adx_group_without_data_set_and_bad_period_is_refused(adx_world):
    data = fixture("importDates.adx.xml").replace(
        b'dataSet="MalariaDSSS" period="2020-01-01/P1M"', b'period="2020-01-15/P1M"'
    )

    error = refusal(dhis2.read_adx, data)

    assert [(e.row, e.field) for e in error.rows] == [(1, "dataSet"), (1, "period")]
    assert error.rows[1].message_en == (
        "The period '2020-01-15/P1M' counts months or years and must start on the "
        "first day of a month."
    )


def test_adx_text_element_needs_an_annotation(adx_world):
    data = (
        b'<adx xmlns="urn:ihe:qrph:adx:2015"><group dataSet="MalariaDSSS" '
        b'period="2020-02-01/P1M" orgUnit="P1233333333">'
        b'<dataValue dataElement="MalTexttttt" value="0"/></group></adx>'
    )

    error = refusal(dhis2.read_adx, data)

    [problem] = error.rows
    assert (problem.field, problem.message_en) == (
        "annotation",
        "A text data element: the value must be in <annotation>.",
    )


def test_an_adx_number_without_value_is_refused_not_deleted(adx_world):
    data = fixture("importDates.adx.xml").replace(b' value="33"', b"")

    error = refusal(dhis2.read_adx, data)

    assert [(e.row, e.field, e.message_en) for e in error.rows] == [
        (1, "value", "value is missing.")
    ]


def test_a_period_with_no_local_period_is_named_by_its_dates(adx_world):
    data = fixture("importDates.adx.xml").replace(b"2020-01-01/P1M", b"2020-01-01/P2M")

    error = refusal(dhis2.read_adx, data)

    assert error.rows[0].message_en == (
        "No period runs from 2020-01-01 to 2020-02-29 ('2020-01-01/P2M')."
    )


def test_reading_a_file_runs_a_fixed_number_of_queries(
    export_world, django_assert_num_queries
):
    # given: 12 values, then 1,200
    small = fixture("dataValueSetB.xml")
    lines = small.decode().splitlines()
    large = "\n".join([lines[0], *(lines[1:-1] * 100), lines[-1]]).encode()

    # then: mapping, elements, data sets, periods, unit codes (duplicated keys
    # are the write service's to refuse)
    with django_assert_num_queries(5):
        assert len(dhis2.read_data_value_set(small, fmt="xml")) == 12
    with django_assert_num_queries(5):
        assert len(dhis2.read_data_value_set(large, fmt="xml")) == 1200


def test_a_reused_unit_code_is_exported_with_the_uid_of_its_day(world):
    # given: 03388 named Quyết Tiến until 2025-06-30, Đoàn Kết from 2025-07-01
    mapped("org_unit", "QuyetTien01", "03388@2020-01-01")
    mapped("org_unit", "DoanKet0001", "03388@2025-07-01")
    tables = Tables.load()

    # when
    legacy = world.legacy_quyet_tien
    current = world.doan_ket

    # then
    assert (
        tables.unit_external_id("uid", "03388", legacy.valid_from, legacy.valid_to)
        == "QuyetTien01"
    )
    assert (
        tables.unit_external_id("uid", "03388", current.valid_from, current.valid_to)
        == "DoanKet0001"
    )
    assert tables.forward[("dhis2", "org_unit", "QuyetTien01", "", "")] == "03388"


def test_a_malformed_combo_row_is_refused(world):
    row = mapped("", "age-over5", "", category_option_combo="X")

    with pytest.raises(DomainError) as caught:
        Tables.load()

    assert caught.value.code == "invalid_mapping"
    assert caught.value.message_en == (
        f"DHIS2 mapping row #{row.pk} is invalid: 'age-over5' must read category=option."
    )


def test_the_mapping_example_of_the_docs_loads_and_maps_import_dates(world, tmp_path):
    # given: the objects the example names, and the example loaded by loaddata
    from django.core.management import call_command

    docs = Path(__file__).resolve().parents[3] / "docs" / "dhis2.md"
    example = re.search(r"```json\n(.*?)```", docs.read_text(), re.S)
    assert example is not None
    (tmp_path / "dhis2-mapping.json").write_text(example.group(1))
    make_unit("123", "Provincial Hospital", "xa", parent=world.province)
    month("202001")
    data_set("MalariaDS", [element("MAL_NUM_M_OVER5")], uid="MalariaDSSS")

    # when
    call_command("loaddata", str(tmp_path / "dhis2-mapping.json"), verbosity=0)

    # then
    assert dhis2.read_adx(fixture("importDates.adx.xml")) == [
        ValueRow("MAL_NUM_M_OVER5", "123", "202001", 33.0, "33333", row=1)
    ]


# --- pure parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "iso"),
    [
        (
            "2020-01-01/P1M",
            datetime.date(2020, 1, 1),
            datetime.date(2020, 1, 31),
            "202001",
        ),
        (
            "2021-01-01/P3M",
            datetime.date(2021, 1, 1),
            datetime.date(2021, 3, 31),
            "2021Q1",
        ),
        (
            "2020-01-01/P1Y",
            datetime.date(2020, 1, 1),
            datetime.date(2020, 12, 31),
            "2020",
        ),
        (
            "2016-01-01/P5Y",
            datetime.date(2016, 1, 1),
            datetime.date(2020, 12, 31),
            None,
        ),
        (
            "2020-04-01/P1Y",
            datetime.date(2020, 4, 1),
            datetime.date(2021, 3, 31),
            "2020April",
        ),
        (
            "2020-03-01/P2M",
            datetime.date(2020, 3, 1),
            datetime.date(2020, 4, 30),
            "202002B",
        ),
        (
            "2020-07-01/P6M",
            datetime.date(2020, 7, 1),
            datetime.date(2020, 12, 31),
            "2020S2",
        ),
        (
            "2020-01-06/P7D",
            datetime.date(2020, 1, 6),
            datetime.date(2020, 1, 12),
            "2020W2",
        ),
        (
            "2020-02-29/P1D",
            datetime.date(2020, 2, 29),
            datetime.date(2020, 2, 29),
            "20200229",
        ),
    ],
)
def test_adx_periods(text, start, end, iso):
    period = parse_adx_period(text)

    assert (period.start, period.end, period.iso) == (start, end, iso)


@pytest.mark.parametrize(
    "text", ["202001", "2020-01-01/P0M", "2020-02-30/P1D", "2020-01-01"]
)
def test_adx_periods_refused(text):
    with pytest.raises(PeriodError):
        parse_adx_period(text)


@given(
    start=st.dates(
        min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 1, 1)
    ),
    length=st.integers(min_value=1, max_value=400),
    unit=st.sampled_from("DWMY"),
    first_of_month=st.booleans(),
)
def test_adx_period_written_from_its_dates_reads_back(
    start, length, unit, first_of_month
):
    if unit in "MY" or first_of_month:
        start = start.replace(day=1)
    period = parse_adx_period(f"{start.isoformat()}/P{length}{unit}")

    again = parse_adx_period(format_adx_period(period.start, period.end))

    assert (again.start, again.end) == (period.start, period.end)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_written_for_dhis2_reads_back_exactly(number):
    from vandong.collect.dhis2.writers import _number

    assert convert_value(ValueType.DECIMAL, _number(number)) == number


@given(st.text(max_size=30))
def test_the_value_reader_only_raises_value_error(text):
    def outcome(value_type: str) -> object:
        try:
            return convert_value(value_type, text)
        except ValueError as error:
            return error.args

    for value_type in (ValueType.INTEGER, ValueType.BOOLEAN, ValueType.TEXT):
        result = outcome(value_type)
        # a value the write service takes, or the reason in English and Vietnamese
        assert isinstance(result, float | bool | str) or (
            isinstance(result, tuple) and len(result) == 2
        )


_XML_BITS = st.sampled_from(
    [
        "<",
        ">",
        "/>",
        "</",
        '"',
        "=",
        " ",
        "adx",
        "group",
        "dataValue",
        "dataValueSet",
        "annotation",
        ' xmlns="urn:ihe:qrph:adx:2015"',
        ' xmlns="http://dhis2.org/schema/dxf/2.0"',
        ' period="2020-01-01/P1M"',
        ' value="1"',
        ' dataElement="x"',
        "&amp;",
        "&#0;",
        "<?xml version='1.0' encoding='latin-1'?>",
        "<!DOCTYPE",
        "é",
    ]
)
_CSV_BITS = st.sampled_from(
    [
        '"',
        ",",
        "\n",
        "\r",
        "dataelement",
        "period",
        "orgunit",
        "value",
        "x",
        "é",
        "\ufeff",
    ]
)
_JSON_BITS = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        '"dataValues"',
        '"value"',
        "null",
        "1",
        '"x"',
        "true",
    ]
)


def _only_invalid_file(parse, data: bytes) -> None:
    """Parsed, or refused as invalid_file in both languages: nothing else."""
    refused: DomainError | None = None
    try:
        parse(data)
    except DomainError as error:
        refused = error
    if refused is not None:
        assert refused.code == "invalid_file"
        assert refused.message_vi
        assert refused.message_en


@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(_XML_BITS, max_size=40).map(lambda bits: "".join(bits).encode()),
    )
)
def test_the_xml_parsers_refuse_anything_only_as_invalid_file(data):
    _only_invalid_file(parsers.parse_xml, data)
    _only_invalid_file(parsers.parse_adx, data)


@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(_CSV_BITS, max_size=40).map(lambda bits: "".join(bits).encode()),
    )
)
def test_the_csv_parser_refuses_anything_only_as_invalid_file(data):
    _only_invalid_file(parsers.parse_csv, data)


@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(_JSON_BITS, max_size=40).map(lambda bits: "".join(bits).encode()),
    )
)
def test_the_json_parser_refuses_anything_only_as_invalid_file(data):
    _only_invalid_file(parsers.parse_json, data)


def test_the_six_upstream_files_are_byte_identical_copies():
    import hashlib

    blobs = {
        "dataValueSetA.xml": "0eefb283b92adf93f78a4c3b4d7c1f2d5cb53744",
        "dataValueSetB.xml": "92dffbefc6805df14cc9feb363637b305c94361c",
        "dataValueSetB.csv": "bd1242c2ba79c045d03ce669e1f023b359e41f2d",
        "dataValueSetCreateDate.json": "d7172a6968973c2c68313bcf24268aea0ab3ebf2",
        "importDates.adx.xml": "4cfb318fb8c1038291bccaa7b0588e601b5e23a9",
        "exportB.adx.xml": "f7c6446558a13d7d9fa5cad9e418abb2277a409a",
    }
    for name, blob in blobs.items():
        data = fixture(name)
        digest = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False)
        assert digest.hexdigest() == blob, name
