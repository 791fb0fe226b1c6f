import pytest

from vandong.catalog import queries
from vandong.catalog.models import DataElement

pytestmark = pytest.mark.django_db


def test_element_map_holds_every_element_by_code_in_one_query(
    catalog, django_assert_num_queries
):
    with django_assert_num_queries(1):
        elements = queries.element_map()
        ratio = elements["HEALTH_INSURANCE_PCT"]
        assert ratio.numerator is not None
        assert ratio.denominator is not None
        pair = (ratio.numerator.code, ratio.denominator.code)

    assert len(elements) == DataElement.objects.count()
    assert pair == ("HEALTH_INSURED", "POPULATION")


def test_period_get_reads_years_and_phases(catalog):
    year, phase = queries.period_get("2020"), queries.period_get(" 2021-2025 ")

    assert year is not None
    assert year.kind == "year"
    assert phase is not None
    assert str(phase.start) == "2021-01-01"
    assert queries.period_get("2099") is None


def test_data_set_get_has_its_members_in_form_order(catalog, django_assert_num_queries):
    with django_assert_num_queries(2):
        data_set = queries.data_set_get("DISTRICT_YEARLY")
        assert data_set is not None
        codes = [m.data_element.code for m in data_set.members.all()]

    assert codes == ["DISTRICT_NTM_ATTAINED", "DISTRICT_NTM_YEAR"]
    assert queries.data_set_get("NO_SUCH_FORM") is None


def test_data_set_list_filters_by_level(catalog):
    assert [d.code for d in queries.data_set_list()] == [
        "COMMUNE_YEARLY",
        "DISTRICT_YEARLY",
        "NTM_CRITERIA",
        "PROVINCE_YEARLY",
        "VILLAGE_CRITERIA",
        "VILLAGE_YEARLY",
    ]
    assert [d.code for d in queries.data_set_list(level=3)] == [
        "COMMUNE_YEARLY",
        "NTM_CRITERIA",
    ]


def test_data_element_list_matches_names_without_accents(catalog):
    found = queries.data_element_list(text="gia dinh hoc tap")

    assert [e.code for e in found] == ["LEARNING_FAMILIES"]
    assert [e.code for e in queries.data_element_list(text="learning clans")] == [
        "LEARNING_CLANS"
    ]
