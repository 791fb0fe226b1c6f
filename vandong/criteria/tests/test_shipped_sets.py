"""The shipped criteria sets, loaded as they ship, judged on hand-computed cases.

Every expected status, value and threshold below is written out by hand from
the YAML files in `vandong/catalog/criteria/sets/` (and docs/criteria.md),
never computed by the code under test. A numeric indicator the file leaves
without a threshold is shown "no_threshold", its criterion "no_data" (never
met), until an administrator adds a Threshold row, as the admin does.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from vandong.catalog.criteria.models import CriteriaSet, Indicator, Threshold
from vandong.catalog.criteria.reader import CriteriaFileError
from vandong.catalog.criteria.store import (
    criteria_set_upload,
    criteria_sets_load,
    spec_from_db,
)
from vandong.catalog.loader import catalog_load
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.criteria import services
from vandong.criteria.models import Evaluation
from vandong.geo.models import Unit
from vandong.geo.services import commune_group_set
from vandong.geo.tests.factories import make_unit

pytestmark = pytest.mark.django_db

NTM_2021 = "ntm-xa-2021-2025"
NTM_2016 = "ntm-xa-2016-2020"
NTM_2026 = "ntm-xa-2026-2030"
URBAN = "dtvm-phuong-2022"
SHIPPED = {
    NTM_2016,
    NTM_2021,
    NTM_2026,
    URBAN,
    "van-hoa-thon-2023",
    "moi-truong-ho-4-kdc-7",
    "an-ninh-trat-tu",
    "ntm-xa-nang-cao-2021-2025",
}
YEAR = 2025

# (status, value, threshold) of one condition of an indicator.
Row = tuple[str, float | None, float | None]


@pytest.fixture
def shipped(world: Any) -> dict[str, CriteriaSet]:
    catalog_load()
    report = criteria_sets_load()
    assert set(report.created) == SHIPPED
    return {s.code: s for s in CriteriaSet.objects.all()}


@pytest.fixture
def write(world: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Write values as the API does, running what waits for the commit."""

    def write(rows: list[tuple[str, str, str, object]]) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            data_values_write(
                actor=world.admin,
                rows=[ValueRow(e, u, p, v) for e, u, p, v in rows],
                channel="api",
            )

    return write


def _commune(world: Any, code: str, *, region: str = "tdmnpb", group: int = 3) -> Unit:
    """A rural commune (xã) of Lai Châu that exists in every year."""
    return make_unit(
        code,
        f"Xã thử nghiệm {code}",
        "xa",
        parent=world.province,
        region=region,
        commune_group=group,
    )


def _evaluation(stored: CriteriaSet, unit: Unit, year: int = YEAR) -> Evaluation:
    return Evaluation.objects.get(criteria_set=stored, unit=unit, year=year)


def _rows(result: Evaluation, criterion: str) -> dict[tuple[str, int], Row]:
    return {
        (i["indicator"], i["condition"]): (i["status"], i["value"], i["threshold"])
        for i in result.indicators
        if i["criterion"] == criterion
    }


@pytest.fixture
def add_thresholds(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> Any:
    """Add thresholds to an indicator through the admin's indicator page, as an
    administrator enters a value the file left empty (running the
    re-evaluation the admin schedules for the commit)."""
    superuser = get_user_model().objects.create_superuser(
        username="quantri", password="mat-khau-quan-tri-2025"
    )
    client.force_login(superuser)

    def add(
        stored: CriteriaSet,
        indicator: str,
        thresholds: list[tuple[str, int | None, float]],
    ) -> None:
        item = Indicator.objects.get(criterion__criteria_set=stored, code=indicator)
        existing = list(Threshold.objects.filter(indicator=item))
        data: dict[str, object] = {
            "thresholds-TOTAL_FORMS": len(existing) + len(thresholds),
            "thresholds-INITIAL_FORMS": len(existing),
            "thresholds-MIN_NUM_FORMS": 0,
            "thresholds-MAX_NUM_FORMS": 1000,
            "_save": "Lưu",
        }
        rows = [
            (t.pk, t.condition, t.key, t.year, t.value, t.verified, t.document)
            for t in existing
        ] + [
            (None, 0, key, year, value, False, "318/QĐ-TTg")
            for key, year, value in thresholds
        ]
        for n, (pk, condition, key, year, value, verified, document) in enumerate(rows):
            prefix = f"thresholds-{n}-"
            data |= {
                f"{prefix}id": pk or "",
                f"{prefix}indicator": item.pk,
                f"{prefix}condition": condition,
                f"{prefix}key": key,
                f"{prefix}year": year or "",
                f"{prefix}value": value,
                f"{prefix}document": document,
                f"{prefix}appendix": "Phụ lục I",
                f"{prefix}row": indicator,
                f"{prefix}url": "",
                f"{prefix}note": "nhập trong kiểm thử / entered by a test",
            }
            if verified:
                data[f"{prefix}verified"] = "on"
        url = f"/admin/catalog/indicator/{item.pk}/change/"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        added = Threshold.objects.filter(indicator=item).count() - len(existing)
        assert added == len(thresholds)

    return add


# --- ntm-xa-2021-2025: every criterion, met and missed ---------------------------


@dataclass(frozen=True)
class Case:
    """One criterion of ntm-xa-2021-2025 on two TDMNPB communes in 2025.

    `meet` / `miss`: element -> value. `*_rows`: the expected condition rows
    with the file as shipped; `*_status`: the criterion's status. `admin`:
    thresholds an administrator adds (indicator, value) for the TDMNPB region;
    `*_after`: the criterion's status then (None: same as before)."""

    criterion: str
    meet: dict[str, object]
    miss: dict[str, object]
    meet_rows: dict[tuple[str, int], Row]
    miss_rows: dict[tuple[str, int], Row]
    meet_status: str
    miss_status: str
    admin: list[tuple[str, float]] = field(default_factory=list)
    meet_rows_after: dict[tuple[str, int], Row] = field(default_factory=dict)
    miss_rows_after: dict[tuple[str, int], Row] = field(default_factory=dict)
    meet_after: str | None = None
    miss_after: str | None = None


MET, NOT_MET, NO_DATA, NO_THRESHOLD = "met", "not_met", "no_data", "no_threshold"


def _flags(
    codes: dict[str, str], values: Mapping[str, object]
) -> dict[tuple[str, int], Row]:
    """Rows of yes/no indicators: {indicator: element}, element -> value."""
    return {
        (indicator, 0): (
            MET if values[element] else NOT_MET,
            1.0 if values[element] else 0.0,
            None,
        )
        for indicator, element in codes.items()
    }


PLAN = {"1.1": "PLAN_APPROVED", "1.2": "PLAN_RULES_ISSUED"}
INFO = {
    "8.1": "POSTAL_POINT_MET",
    "8.2": "TELECOM_INTERNET_MET",
    "8.3": "LOUDSPEAKER_MET",
    "8.4": "IT_ADMIN_MET",
}
PRODUCTION = {
    "13.1": "COOP_EFFECTIVE_MET",
    "13.2": "VALUE_CHAIN_MET",
    "13.3": "TRACEABILITY_MET",
    "13.4": "CRAFT_VILLAGE_MET",
    "13.5": "EXTENSION_TEAM_MET",
}
POLITICS = {
    "18.1": "CADRES_STANDARD_MET",
    "18.2": "PARTY_GOV_RATING_MET",
    "18.3": "MASS_ORGS_RATING_MET",
    "18.4": "LEGAL_ACCESS_MET",
    "18.5": "GENDER_EQUALITY_MET",
}
DEFENCE = {"19.1": "MILITIA_MET", "19.2": "COMMUNE_SECURITY_SAFE_MET"}
ENV_FLAGS = {
    "17.3": "LANDSCAPE_MET",
    "17.4": "GREEN_SPACE_MET",
    "17.5": "BURIAL_MET",
    "17.6": "WASTE_TREATED_MET",
}


def _all(codes: dict[str, str], value: bool = True) -> dict[str, object]:
    return dict.fromkeys(codes.values(), value)


ENV_MEET: dict[str, object] = {
    "HH_CLEAN_WATER_PCT": 95,
    "BUSINESSES_ENV_OK_PCT": 100,
    **_all(ENV_FLAGS),
    "PESTICIDE_MEDWASTE_PCT": 80,
    "HH_3CLEAN_SHARE_PCT": 75,
    "LIVESTOCK_FARMS_OK_PCT": 85,
    "FOOD_SAFETY_PCT": 100,
    "HH_WASTE_SORTING_PCT": 50,
    "PLASTIC_WASTE_TREATED_PCT": 60,
}
ENV_ROWS: dict[tuple[str, int], Row] = {
    ("17.1", 0): (NO_THRESHOLD, 95.0, None),
    ("17.2", 0): (MET, 100.0, 100.0),
    **_flags(ENV_FLAGS, _all(ENV_FLAGS)),
    ("17.7", 0): (NO_THRESHOLD, 80.0, None),
    ("17.8", 0): (NO_THRESHOLD, 75.0, None),
    ("17.9", 0): (NO_THRESHOLD, 85.0, None),
    ("17.10", 0): (MET, 100.0, 100.0),
    ("17.11", 0): (NO_THRESHOLD, 50.0, None),
    ("17.12", 0): (NO_THRESHOLD, 60.0, None),
}
ENV_ROWS_AFTER: dict[tuple[str, int], Row] = {
    ("17.1", 0): (MET, 95.0, 90.0),
    ("17.7", 0): (MET, 80.0, 70.0),
    ("17.8", 0): (MET, 75.0, 70.0),
    ("17.9", 0): (MET, 85.0, 80.0),
    ("17.11", 0): (MET, 50.0, 40.0),
    ("17.12", 0): (MET, 60.0, 50.0),
}
ENV_ADMIN = [
    ("17.1", 90.0),
    ("17.7", 70.0),
    ("17.8", 70.0),
    ("17.9", 80.0),
    ("17.11", 40.0),
    ("17.12", 50.0),
]

CASES = [
    Case(
        criterion="1",
        meet=_all(PLAN),
        miss={"PLAN_APPROVED": True, "PLAN_RULES_ISSUED": False},
        meet_rows=_flags(PLAN, _all(PLAN)),
        miss_rows=_flags(PLAN, {"PLAN_APPROVED": True, "PLAN_RULES_ISSUED": False}),
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="2",
        # 2.1 >= 100 (general); 2.2-2.4 ship without a threshold.
        meet={
            "ROAD_COMMUNE_PAVED_PCT": 100,
            "ROAD_VILLAGE_HARDENED_PCT": 85,
            "ROAD_ALLEY_CLEAN_PCT": 90,
            "ROAD_FIELD_PCT": 60,
        },
        miss={
            "ROAD_COMMUNE_PAVED_PCT": 96.5,
            "ROAD_VILLAGE_HARDENED_PCT": 85,
            "ROAD_ALLEY_CLEAN_PCT": 90,
            "ROAD_FIELD_PCT": 60,
        },
        meet_rows={
            ("2.1", 0): (MET, 100.0, 100.0),
            ("2.2", 0): (NO_THRESHOLD, 85.0, None),
            ("2.3", 0): (NO_THRESHOLD, 90.0, None),
            ("2.4", 0): (NO_THRESHOLD, 60.0, None),
        },
        miss_rows={
            ("2.1", 0): (NOT_MET, 96.5, 100.0),
            ("2.2", 0): (NO_THRESHOLD, 85.0, None),
            ("2.3", 0): (NO_THRESHOLD, 90.0, None),
            ("2.4", 0): (NO_THRESHOLD, 60.0, None),
        },
        meet_status=NO_DATA,
        miss_status=NOT_MET,
        admin=[("2.2", 70.0), ("2.3", 70.0), ("2.4", 50.0)],
        meet_rows_after={
            ("2.2", 0): (MET, 85.0, 70.0),
            ("2.3", 0): (MET, 90.0, 70.0),
            ("2.4", 0): (MET, 60.0, 50.0),
        },
        miss_rows_after={
            ("2.2", 0): (MET, 85.0, 70.0),
            ("2.3", 0): (MET, 90.0, 70.0),
            ("2.4", 0): (MET, 60.0, 50.0),
        },
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="3",
        # 3.1 >= 80; 3.2 = "4 tại chỗ" flag and score >= 50 (both verified).
        meet={
            "IRRIGATED_AREA_PCT": 80,
            "DISASTER_ONSITE_MET": True,
            "DISASTER_ONSITE_SCORE": 50,
        },
        miss={
            "IRRIGATED_AREA_PCT": 85,
            "DISASTER_ONSITE_MET": True,
            "DISASTER_ONSITE_SCORE": 49,
        },
        meet_rows={
            ("3.1", 0): (MET, 80.0, 80.0),
            ("3.2", 0): (MET, 1.0, None),
            ("3.2", 1): (MET, 50.0, 50.0),
        },
        miss_rows={
            ("3.1", 0): (MET, 85.0, 80.0),
            ("3.2", 0): (MET, 1.0, None),
            ("3.2", 1): (NOT_MET, 49.0, 50.0),
        },
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="4",
        meet={"POWER_SYSTEM_MET": True, "HH_ELECTRICITY_PCT": 99},
        miss={"POWER_SYSTEM_MET": False, "HH_ELECTRICITY_PCT": 99},
        meet_rows={
            ("4.1", 0): (MET, 1.0, None),
            ("4.2", 0): (NO_THRESHOLD, 99.0, None),
        },
        miss_rows={
            ("4.1", 0): (NOT_MET, 0.0, None),
            ("4.2", 0): (NO_THRESHOLD, 99.0, None),
        },
        meet_status=NO_DATA,
        miss_status=NOT_MET,
        admin=[("4.2", 98.0)],
        meet_rows_after={("4.2", 0): (MET, 99.0, 98.0)},
        miss_rows_after={("4.2", 0): (MET, 99.0, 98.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="5",
        meet={"SCHOOLS_STANDARD_PCT": 80},
        miss={"SCHOOLS_STANDARD_PCT": 40},
        meet_rows={("5", 0): (NO_THRESHOLD, 80.0, None)},
        miss_rows={("5", 0): (NO_THRESHOLD, 40.0, None)},
        meet_status=NO_DATA,
        miss_status=NO_DATA,
        admin=[("5", 70.0)],
        meet_rows_after={("5", 0): (MET, 80.0, 70.0)},
        miss_rows_after={("5", 0): (NOT_MET, 40.0, 70.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="6",
        # 6.3 >= 100 (general).
        meet={
            "CULTURE_HOUSE_MET": True,
            "PLAYGROUND_MET": True,
            "VILLAGES_CULTURE_HOUSE_PCT": 100,
        },
        miss={
            "CULTURE_HOUSE_MET": True,
            "PLAYGROUND_MET": True,
            "VILLAGES_CULTURE_HOUSE_PCT": 90,
        },
        meet_rows={
            ("6.1", 0): (MET, 1.0, None),
            ("6.2", 0): (MET, 1.0, None),
            ("6.3", 0): (MET, 100.0, 100.0),
        },
        miss_rows={
            ("6.1", 0): (MET, 1.0, None),
            ("6.2", 0): (MET, 1.0, None),
            ("6.3", 0): (NOT_MET, 90.0, 100.0),
        },
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="7",
        meet={"RURAL_MARKET_MET": True},
        miss={"RURAL_MARKET_MET": False},
        meet_rows={("7", 0): (MET, 1.0, None)},
        miss_rows={("7", 0): (NOT_MET, 0.0, None)},
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="8",
        meet=_all(INFO),
        miss={**_all(INFO), "LOUDSPEAKER_MET": False},
        meet_rows=_flags(INFO, _all(INFO)),
        miss_rows=_flags(INFO, {**_all(INFO), "LOUDSPEAKER_MET": False}),
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="9",
        meet={"NO_TEMPORARY_HOUSING": True, "HH_SOLID_HOUSING_PCT": 80},
        miss={"NO_TEMPORARY_HOUSING": False, "HH_SOLID_HOUSING_PCT": 80},
        meet_rows={
            ("9.1", 0): (MET, 1.0, None),
            ("9.2", 0): (NO_THRESHOLD, 80.0, None),
        },
        miss_rows={
            ("9.1", 0): (NOT_MET, 0.0, None),
            ("9.2", 0): (NO_THRESHOLD, 80.0, None),
        },
        meet_status=NO_DATA,
        miss_status=NOT_MET,
        admin=[("9.2", 75.0)],
        meet_rows_after={("9.2", 0): (MET, 80.0, 75.0)},
        miss_rows_after={("9.2", 0): (MET, 80.0, 75.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="10",
        meet={"INCOME_PER_CAPITA": 45},
        miss={"INCOME_PER_CAPITA": 38},
        meet_rows={("10", 0): (NO_THRESHOLD, 45.0, None)},
        miss_rows={("10", 0): (NO_THRESHOLD, 38.0, None)},
        meet_status=NO_DATA,
        miss_status=NO_DATA,
        # Entered per year (see below): the region's 2025 value, 42.
        meet_rows_after={("10", 0): (MET, 45.0, 42.0)},
        miss_rows_after={("10", 0): (NOT_MET, 38.0, 42.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="11",
        meet={"POVERTY_MD_PCT": 4.5},
        miss={"POVERTY_MD_PCT": 13.2},
        meet_rows={("11", 0): (NO_THRESHOLD, 4.5, None)},
        miss_rows={("11", 0): (NO_THRESHOLD, 13.2, None)},
        meet_status=NO_DATA,
        miss_status=NO_DATA,
        admin=[("11", 6.0)],
        meet_rows_after={("11", 0): (MET, 4.5, 6.0)},
        miss_rows_after={("11", 0): (NOT_MET, 13.2, 6.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="12",
        meet={"EMPLOYED_TRAINED_PCT": 70, "EMPLOYED_CERTIFIED_PCT": 30},
        miss={"EMPLOYED_TRAINED_PCT": 70, "EMPLOYED_CERTIFIED_PCT": 20},
        meet_rows={
            ("12.1", 0): (NO_THRESHOLD, 70.0, None),
            ("12.2", 0): (NO_THRESHOLD, 30.0, None),
        },
        miss_rows={
            ("12.1", 0): (NO_THRESHOLD, 70.0, None),
            ("12.2", 0): (NO_THRESHOLD, 20.0, None),
        },
        meet_status=NO_DATA,
        miss_status=NO_DATA,
        admin=[("12.1", 65.0), ("12.2", 25.0)],
        meet_rows_after={
            ("12.1", 0): (MET, 70.0, 65.0),
            ("12.2", 0): (MET, 30.0, 25.0),
        },
        miss_rows_after={
            ("12.1", 0): (MET, 70.0, 65.0),
            ("12.2", 0): (NOT_MET, 20.0, 25.0),
        },
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="13",
        meet=_all(PRODUCTION),
        miss={**_all(PRODUCTION), "TRACEABILITY_MET": False},
        meet_rows=_flags(PRODUCTION, _all(PRODUCTION)),
        miss_rows=_flags(PRODUCTION, {**_all(PRODUCTION), "TRACEABILITY_MET": False}),
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="14",
        meet={"EDU_UNIVERSAL_MET": True, "LOWER_SEC_CONTINUE_PCT": 90},
        miss={"EDU_UNIVERSAL_MET": False, "LOWER_SEC_CONTINUE_PCT": 90},
        meet_rows={
            ("14.1", 0): (MET, 1.0, None),
            ("14.2", 0): (NO_THRESHOLD, 90.0, None),
        },
        miss_rows={
            ("14.1", 0): (NOT_MET, 0.0, None),
            ("14.2", 0): (NO_THRESHOLD, 90.0, None),
        },
        meet_status=NO_DATA,
        miss_status=NOT_MET,
        admin=[("14.2", 85.0)],
        meet_rows_after={("14.2", 0): (MET, 90.0, 85.0)},
        miss_rows_after={("14.2", 0): (MET, 90.0, 85.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="15",
        # 15.1 = 100 x 1900 / 2000 = 95 (no threshold shipped); 15.3 <= 24 and
        # 15.4 >= 50 for TDMNPB.
        meet={
            "POPULATION": 2000,
            "HEALTH_INSURED": 1900,
            "COMMUNE_HEALTH_STANDARD_MET": True,
            "STUNTING_U5_PCT": 24,
            "E_HEALTH_RECORD_PCT": 50,
        },
        miss={
            "POPULATION": 2000,
            "HEALTH_INSURED": 1900,
            "COMMUNE_HEALTH_STANDARD_MET": True,
            "STUNTING_U5_PCT": 24.1,
            "E_HEALTH_RECORD_PCT": 50,
        },
        meet_rows={
            ("15.1", 0): (NO_THRESHOLD, 95.0, None),
            ("15.2", 0): (MET, 1.0, None),
            ("15.3", 0): (MET, 24.0, 24.0),
            ("15.4", 0): (MET, 50.0, 50.0),
        },
        miss_rows={
            ("15.1", 0): (NO_THRESHOLD, 95.0, None),
            ("15.2", 0): (MET, 1.0, None),
            ("15.3", 0): (NOT_MET, 24.1, 24.0),
            ("15.4", 0): (MET, 50.0, 50.0),
        },
        meet_status=NO_DATA,
        miss_status=NOT_MET,
        admin=[("15.1", 95.0)],
        meet_rows_after={("15.1", 0): (MET, 95.0, 95.0)},
        miss_rows_after={("15.1", 0): (MET, 95.0, 95.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="16",
        # Villages written separately (see _village_values): 3 of 4 vs 1 of 4.
        meet={},
        miss={},
        meet_rows={("16", 0): (NO_THRESHOLD, 75.0, None)},
        miss_rows={("16", 0): (NO_THRESHOLD, 25.0, None)},
        meet_status=NO_DATA,
        miss_status=NO_DATA,
        admin=[("16", 70.0)],
        meet_rows_after={("16", 0): (MET, 75.0, 70.0)},
        miss_rows_after={("16", 0): (NOT_MET, 25.0, 70.0)},
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="17",
        meet=ENV_MEET,
        miss={**ENV_MEET, "FOOD_SAFETY_PCT": 97},
        meet_rows=ENV_ROWS,
        miss_rows={**ENV_ROWS, ("17.10", 0): (NOT_MET, 97.0, 100.0)},
        meet_status=NO_DATA,
        miss_status=NOT_MET,
        admin=ENV_ADMIN,
        meet_rows_after=ENV_ROWS_AFTER,
        miss_rows_after=ENV_ROWS_AFTER,
        meet_after=MET,
        miss_after=NOT_MET,
    ),
    Case(
        criterion="18",
        meet=_all(POLITICS),
        miss={**_all(POLITICS), "LEGAL_ACCESS_MET": False},
        meet_rows=_flags(POLITICS, _all(POLITICS)),
        miss_rows=_flags(POLITICS, {**_all(POLITICS), "LEGAL_ACCESS_MET": False}),
        meet_status=MET,
        miss_status=NOT_MET,
    ),
    Case(
        criterion="19",
        meet=_all(DEFENCE),
        miss={**_all(DEFENCE), "COMMUNE_SECURITY_SAFE_MET": False},
        meet_rows=_flags(DEFENCE, _all(DEFENCE)),
        miss_rows=_flags(
            DEFENCE, {**_all(DEFENCE), "COMMUNE_SECURITY_SAFE_MET": False}
        ),
        meet_status=MET,
        miss_status=NOT_MET,
    ),
]

# Villages of the criterion-16 communes: VILLAGE_CULTURAL yes/no.
VILLAGES_MEET = (True, True, True, False)  # 3 of 4 = 75%
VILLAGES_MISS = (True, False, False, False)  # 1 of 4 = 25%


def _village_values(
    world: Any, commune: Unit, flags: tuple[bool, ...]
) -> list[tuple[str, str, str, object]]:
    rows: list[tuple[str, str, str, object]] = []
    for number, flag in enumerate(flags, start=1):
        village = make_unit(
            f"{commune.code}-{number:02d}", f"Bản {number}", "ban", parent=commune
        )
        rows.append(("VILLAGE_CULTURAL", village.code, str(YEAR), flag))
    return rows


def _values(
    unit: Unit, values: dict[str, object]
) -> list[tuple[str, str, str, object]]:
    return [(e, unit.code, str(YEAR), v) for e, v in values.items()]


def test_the_shipped_sets_load_with_their_documented_counts(
    shipped: dict[str, CriteriaSet],
) -> None:
    spec = spec_from_db(shipped[NTM_2021])
    indicators = [i for c in spec.criteria for i in c.indicators]
    thresholds = [t for i in indicators for c in i.conditions for t in c.thresholds]
    assert [c.code for c in spec.criteria] == [str(n) for n in range(1, 20)]
    assert len(indicators) == 56
    assert sum(len(i.conditions) for i in indicators) == 57
    assert (len(thresholds), sum(t.verified for t in thresholds)) == (15, 2)
    assert spec.threshold_key == "region"
    # Loading the same files again changes nothing.
    again = criteria_sets_load()
    assert set(again.unchanged) == SHIPPED
    assert again.changed == []


@pytest.mark.parametrize("case", CASES, ids=[f"criterion-{c.criterion}" for c in CASES])
def test_ntm_2021_2025_criterion_met_and_missed_by_hand(
    world: Any,
    shipped: dict[str, CriteriaSet],
    write: Any,
    add_thresholds: Any,
    case: Case,
) -> None:
    # given two TDMNPB communes, one meeting the criterion and one missing it
    stored = shipped[NTM_2021]
    meet = _commune(world, "91001")
    miss = _commune(world, "91002")
    rows = _values(meet, case.meet) + _values(miss, case.miss)
    if case.criterion == "16":
        rows += _village_values(world, meet, VILLAGES_MEET)
        rows += _village_values(world, miss, VILLAGES_MISS)
    write(rows)

    # when the set is evaluated as shipped
    services.evaluate(sets=[stored], years=[YEAR])

    # then
    for unit, expected, status in (
        (meet, case.meet_rows, case.meet_status),
        (miss, case.miss_rows, case.miss_status),
    ):
        result = _evaluation(stored, unit)
        assert _rows(result, case.criterion) == expected, unit.code
        assert result.criteria[case.criterion]["status"] == status, unit.code
        # Never met overall: the other criteria have no data.
        assert result.status != MET

    if case.meet_after is None:
        return
    # when an administrator enters the missing thresholds for the region
    for indicator, value in case.admin:
        add_thresholds(stored, indicator, [("tdmnpb", None, value)])
    if case.criterion == "10":
        # one value per year: the region's 2025 value beats the general one
        add_thresholds(
            stored,
            "10",
            [("tdmnpb", 2025, 42.0), ("", 2025, 60.0), ("tdmnpb", 2024, 50.0)],
        )

    # then the criterion is decidable
    for unit, before, after, decided in (
        (meet, case.meet_rows, case.meet_rows_after, case.meet_after),
        (miss, case.miss_rows, case.miss_rows_after, case.miss_after),
    ):
        result = _evaluation(stored, unit)
        assert _rows(result, case.criterion) == {**before, **after}, unit.code
        assert result.criteria[case.criterion]["status"] == decided, unit.code


def _everything() -> dict[str, object]:
    values: dict[str, object] = {}
    for case in CASES:
        values.update(case.meet)
    return values


def test_a_commune_meeting_everything_is_met_only_once_every_threshold_exists(
    world: Any, shipped: dict[str, CriteriaSet], write: Any, add_thresholds: Any
) -> None:
    # given a TDMNPB commune meeting every criterion, and one without data
    stored = shipped[NTM_2021]
    commune = _commune(world, "91003")
    empty = _commune(world, "91004")
    write(
        _values(commune, _everything()) + _village_values(world, commune, VILLAGES_MEET)
    )

    # when evaluated as shipped: 19 thresholds missing, so never "met"
    services.evaluate(sets=[stored], years=[YEAR])
    result = _evaluation(stored, commune)
    assert result.status == NO_DATA
    # criteria 1, 3, 6, 7, 8, 13, 18, 19 are met; the 11 others lack a threshold
    assert (result.criteria_met, result.criteria_not_met) == (8, 0)
    assert (result.criteria_no_data, result.criteria_total) == (11, 19)
    assert _evaluation(stored, empty).status == NO_DATA
    assert _evaluation(stored, empty).criteria_met == 0

    # when an administrator enters them all
    for case in CASES:
        for indicator, value in case.admin:
            add_thresholds(stored, indicator, [("tdmnpb", None, value)])
    add_thresholds(stored, "10", [("tdmnpb", 2025, 42.0)])

    # then it is met, labelled unverified (the added values are not verified)
    result = _evaluation(stored, commune)
    assert result.status == MET
    assert (result.criteria_met, result.criteria_total) == (19, 19)
    assert result.unverified is True
    assert _evaluation(stored, empty).status == NO_DATA

    # when one input goes missing, the commune is no longer met but "no data"
    write([("COMMUNE_SECURITY_SAFE_MET", commune.code, str(YEAR), None)])
    result = _evaluation(stored, commune)
    assert result.status == NO_DATA
    assert result.criteria["19"]["status"] == NO_DATA
    assert (result.criteria_met, result.criteria_no_data) == (18, 1)


def test_child_stunting_picks_the_threshold_of_the_communes_region(
    world: Any, shipped: dict[str, CriteriaSet], write: Any
) -> None:
    # given the same stunting rate in a TDMNPB, a ĐBSH and a region-less commune
    stored = shipped[NTM_2021]
    mountain = _commune(world, "91011", region="tdmnpb")
    delta = _commune(world, "91012", region="dbsh")
    nowhere = _commune(world, "91013", region="")
    write(
        [
            ("STUNTING_U5_PCT", unit.code, str(YEAR), 20)
            for unit in (mountain, delta, nowhere)
        ]
        + [
            ("E_HEALTH_RECORD_PCT", unit.code, str(YEAR), 60)
            for unit in (mountain, delta)
        ]
    )

    # when
    services.evaluate(sets=[stored], years=[YEAR])

    # then 15.3 is <= 24 for TDMNPB, <= 16.5 for ĐBSH, none without a region
    # (the file gives no general value); 15.4 is >= 50 and >= 70
    assert _rows(_evaluation(stored, mountain), "15")[("15.3", 0)] == (
        MET,
        20.0,
        24.0,
    )
    assert _rows(_evaluation(stored, delta), "15")[("15.3", 0)] == (
        NOT_MET,
        20.0,
        16.5,
    )
    assert _rows(_evaluation(stored, nowhere), "15")[("15.3", 0)] == (
        NO_THRESHOLD,
        20.0,
        None,
    )
    assert _rows(_evaluation(stored, mountain), "15")[("15.4", 0)] == (MET, 60.0, 50.0)
    assert _rows(_evaluation(stored, delta), "15")[("15.4", 0)] == (
        NOT_MET,
        60.0,
        70.0,
    )
    gap = next(
        i["gap"]
        for i in _evaluation(stored, delta).indicators
        if i["indicator"] == "15.3"
    )
    assert gap == pytest.approx(3.5)
    # every 15.3 threshold ships unverified, and the result says so
    assert all(
        not i["verified"]
        for i in _evaluation(stored, mountain).indicators
        if i["indicator"] == "15.3"
    )


# The regional values of the reference notes (../shared/reference/criteria.md,
# 1.2 and 1.5), written out by hand: (set, year, indicator, element,
# comparator, {region: threshold}); "" is a commune with no region, judged by
# the general value where the file has one.
REGIONAL = [
    (
        NTM_2021,
        YEAR,
        "15.3",
        "STUNTING_U5_PCT",
        "<=",
        {
            "tdmnpb": 24,
            "dbsh": 16.5,
            "btb": 25,
            "dhntb": 22,
            "tn": 26.5,
            "dnb": 14.5,
            "dbscl": 19,
        },
    ),
    (
        NTM_2016,
        2020,
        "15.3",
        "STUNTING_U5_PCT",
        "<=",
        {
            "": 21.8,
            "tdmnpb": 26.7,
            "dbsh": 13.9,
            "btb": 24.2,
            "dhntb": 24.2,
            "tn": 31.4,
            "dnb": 14.3,
            "dbscl": 20.5,
        },
    ),
    (
        NTM_2016,
        2020,
        "10",
        "INCOME_PER_CAPITA",
        ">=",
        {
            "": 45,
            "tdmnpb": 36,
            "dbsh": 50,
            "btb": 36,
            "dhntb": 41,
            "tn": 41,
            "dnb": 59,
            "dbscl": 50,
        },
    ),
]


@pytest.mark.parametrize(
    ("code", "year", "indicator", "element", "comparator", "expected"),
    REGIONAL,
    ids=[f"{r[0]}-{r[2]}" for r in REGIONAL],
)
def test_every_region_is_judged_by_its_own_value_from_the_reference(
    world: Any,
    shipped: dict[str, CriteriaSet],
    write: Any,
    code: str,
    year: int,
    indicator: str,
    element: str,
    comparator: str,
    expected: dict[str, float],
) -> None:
    # given, in each region, a commune exactly at its threshold and one half a
    # point past it on the wrong side
    stored = shipped[code]
    past = 0.5 if comparator == "<=" else -0.5
    communes = {}
    rows = []
    for n, (region, threshold) in enumerate(expected.items()):
        at = _commune(world, f"92{n}10", region=region)
        over = _commune(world, f"92{n}20", region=region)
        communes[region] = (at, over)
        rows += [
            (element, at.code, str(year), threshold),
            (element, over.code, str(year), threshold + past),
        ]
    write(rows)

    # when
    services.evaluate(sets=[stored], years=[year])

    # then the first meets it, the second misses it by half a point
    for region, threshold in expected.items():
        at, over = communes[region]
        at_row = next(
            i
            for i in _evaluation(stored, at, year).indicators
            if i["indicator"] == indicator
        )
        over_row = next(
            i
            for i in _evaluation(stored, over, year).indicators
            if i["indicator"] == indicator
        )
        assert (at_row["status"], at_row["threshold"]) == (MET, threshold), region
        assert (over_row["status"], over_row["threshold"]) == (
            NOT_MET,
            threshold,
        ), region
        assert over_row["gap"] == pytest.approx(0.5), region


def test_2016_2020_income_threshold_by_region(
    world: Any, shipped: dict[str, CriteriaSet], write: Any
) -> None:
    # given an income of 40 million in 2020 in a TDMNPB and a ĐBSH commune
    stored = shipped[NTM_2016]
    mountain = _commune(world, "91021", region="tdmnpb")
    delta = _commune(world, "91022", region="dbsh")
    write([("INCOME_PER_CAPITA", u.code, "2020", 40) for u in (mountain, delta)])

    # when
    services.evaluate(sets=[stored], years=[2020])

    # then >= 36 in TDMNPB (met), >= 50 in ĐBSH (10 short); both verified
    high = _evaluation(stored, mountain, 2020)
    low = _evaluation(stored, delta, 2020)
    assert _rows(high, "10") == {("10", 0): (MET, 40.0, 36.0)}
    assert _rows(low, "10") == {("10", 0): (NOT_MET, 40.0, 50.0)}
    assert high.criteria["10"]["status"] == MET
    assert low.criteria["10"]["status"] == NOT_MET
    income = next(i for i in low.indicators if i["indicator"] == "10")
    assert income["gap"] == pytest.approx(10.0)
    assert income["verified"] is True


POVERTY_INDICATOR = """\
      - code: "6.2"
        name_vi: Tỷ lệ hộ nghèo đa chiều
        name_en: Multidimensional poverty rate
        measure: "%"
        source: {document: 51/2025/QĐ-TTg, appendix: Phụ lục I, row: "6.2", verified: false, note: "kiểm thử / test"}
        value: {element: POVERTY_MD_PCT}
        comparator: <=
        thresholds:
          - {value: 2, key: "1", source: {document: 51/2025/QĐ-TTg, row: "6.2"}}
          - {value: 4, key: "2", source: {document: 51/2025/QĐ-TTg, row: "6.2"}}
          - {value: 10, key: "3", source: {document: 51/2025/QĐ-TTg, row: "6.2"}}
"""


def _upload_2026_with_poverty(world: Any, stored: CriteriaSet) -> CriteriaSet:
    """Version 2 of the shipped 2026-2030 file, with a poverty rate per
    commune group (6.2), uploaded as an administrator would."""
    assert stored.threshold_key == "commune_group"
    text = stored.source_text
    anchor = "        value: {element: NTM26_C6_MET}\n        comparator: is_true\n"
    assert text.count(anchor) == 1
    newer = text.replace("version: 1\n", "version: 2\n", 1).replace(
        anchor, anchor + POVERTY_INDICATOR
    )
    stored, outcome = criteria_set_upload(
        newer, file="ntm-xa-2026-2030.yaml", actor=world.admin
    )
    assert (outcome, stored.version) == ("replaced", 2)
    return stored


def test_2026_2030_thresholds_by_commune_group_after_an_upload(
    world: Any, shipped: dict[str, CriteriaSet], write: Any
) -> None:
    # given version 2 of the shipped file, with a poverty rate per commune group
    stored = _upload_2026_with_poverty(world, shipped[NTM_2026])

    # and a group-1 and a group-3 commune with the same 5% poverty rate
    near_town = _commune(world, "91031", group=1)
    mountain = _commune(world, "91032", group=3)
    write(
        [
            (element, unit.code, "2026", value)
            for unit in (near_town, mountain)
            for element, value in (("POVERTY_MD_PCT", 5), ("NTM26_C6_MET", True))
        ]
    )

    # when
    services.evaluate(sets=[stored], years=[2026])

    # then group 1 needs <= 2 (3 points over), group 3 <= 10
    first = _evaluation(stored, near_town, 2026)
    third = _evaluation(stored, mountain, 2026)
    assert _rows(first, "6") == {
        ("6", 0): (MET, 1.0, None),
        ("6.2", 0): (NOT_MET, 5.0, 2.0),
    }
    assert _rows(third, "6") == {
        ("6", 0): (MET, 1.0, None),
        ("6.2", 0): (MET, 5.0, 10.0),
    }
    assert first.criteria["6"]["status"] == NOT_MET
    assert third.criteria["6"]["status"] == MET
    gap = next(i["gap"] for i in first.indicators if i["indicator"] == "6.2")
    assert gap == pytest.approx(3.0)


def _group_3_commune_poor_at_5(
    world: Any, shipped: dict[str, CriteriaSet], write: Any
) -> tuple[CriteriaSet, Any, Any]:
    """The 2026 set with its poverty thresholds, a group-3 commune with a 5%
    poverty rate, and its stored result."""
    stored = _upload_2026_with_poverty(world, shipped[NTM_2026])
    commune = _commune(world, "91033", group=3)
    write([("POVERTY_MD_PCT", commune.code, "2026", 5)])
    services.evaluate(sets=[stored], years=[2026])
    return stored, commune, _evaluation(stored, commune, 2026)


def test_a_commune_classified_into_another_group_is_re_evaluated(
    world: Any,
    shipped: dict[str, CriteriaSet],
    write: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a group-3 commune with a 5% poverty rate, met against <= 10
    stored, commune, before = _group_3_commune_poor_at_5(world, shipped, write)
    assert _rows(before, "6")[("6.2", 0)] == (MET, 5.0, 10.0)

    # when it is classified into group 1, as the classification page does
    with django_capture_on_commit_callbacks(execute=True):
        commune_group_set(actor=world.admin, unit=commune, group=1)

    # then its stored result follows at once: <= 2 now, 3 points over
    after = _evaluation(stored, commune, 2026)
    assert _rows(after, "6")[("6.2", 0)] == (NOT_MET, 5.0, 2.0)
    assert after.criteria["6"]["status"] == NOT_MET
    assert after.computed_at > before.computed_at


def test_a_full_save_that_changes_the_group_re_evaluates_and_one_that_does_not_leaves_it(
    world: Any,
    shipped: dict[str, CriteriaSet],
    write: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a group-3 commune with a 5% poverty rate, met against <= 10
    stored, commune, before = _group_3_commune_poor_at_5(world, shipped, write)

    # when the admin saves it whole with another name only: nothing to redo
    commune.refresh_from_db()
    commune.short_name = "renamed"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        commune.save()
    assert callbacks == []

    # when the admin saves it whole in group 1
    commune.commune_group = 1
    with django_capture_on_commit_callbacks(execute=True):
        commune.save()

    # then its stored result follows: <= 2 now
    after = _evaluation(stored, commune, 2026)
    assert _rows(after, "6")[("6.2", 0)] == (NOT_MET, 5.0, 2.0)
    assert after.computed_at > before.computed_at


def test_civilised_ward_needs_90_percent_of_residents_satisfied(
    world: Any, shipped: dict[str, CriteriaSet], write: Any
) -> None:
    # given two wards, 89,9% and 90% of residents satisfied
    stored = shipped[URBAN]
    write(
        [
            ("RESIDENTS_SATISFIED_PCT", "03388", str(YEAR), 89.9),
            ("RESIDENTS_SATISFIED_PCT", "03395", str(YEAR), 90),
        ]
    )

    # when
    services.evaluate(sets=[stored], years=[YEAR])

    # then
    below = _evaluation(stored, world.doan_ket)
    at = _evaluation(stored, world.tan_phong)
    assert _rows(below, "DK") == {("DK.1", 0): (NOT_MET, 89.9, 90.0)}
    assert _rows(at, "DK") == {("DK.1", 0): (MET, 90.0, 90.0)}
    assert below.criteria["DK"]["status"] == NOT_MET
    assert at.criteria["DK"]["status"] == MET
    # the 90% condition is confirmed: its row is verified
    assert all(i["verified"] for i in at.indicators if i["indicator"] == "DK.1")


BROKEN = """\
format: 1
code: bo-loi
version: 1
kind: ntm_commune
name_vi: Bộ tiêu chí có lỗi
name_en: A broken set
level: commune
unit_types: [xa]
threshold_key: region
valid_from: 2024-01-01
valid_to: 2023-12-31
legal_basis:
  - {document: 318/QĐ-TTg, date: 2022-03-08}
criteria:
  - code: "1"
    name_vi: Một
    name_en: One
    indicators:
      - code: "1.1"
        name_vi: Không có trong danh mục
        name_en: Not in the catalog
        source: {document: 318/QĐ-TTg}
        value: {element: KHONG_CO_CHI_TIEU}
        comparator: is_true
      - code: "1.2"
        name_vi: Tỷ lệ quá 100
        name_en: A percent above 100
        measure: "%"
        source: {document: 318/QĐ-TTg}
        value: {element: IRRIGATED_AREA_PCT}
        comparator: ">="
        thresholds:
          - {value: 120, key: mars}
      - code: "1.3"
        name_vi: Không có ngưỡng, không giải thích
        name_en: No threshold and no reason
        measure: "%"
        source: {document: 318/QĐ-TTg}
        value: {element: SCHOOLS_STANDARD_PCT}
        comparator: ">="
      - code: "1.4"
        name_vi: Ngưỡng cho câu hỏi có/không
        name_en: A threshold on a yes/no test
        source: {document: 318/QĐ-TTg}
        value: {element: PLAN_APPROVED}
        comparator: is_true
        thresholds:
          - {value: 1}
      - code: "1.1"
        name_vi: Mã trùng
        name_en: A duplicate code
        source: {document: 318/QĐ-TTg}
        value: {element: PLAN_RULES_ISSUED}
        comparator: is_true
"""


def test_a_file_with_several_errors_is_refused_with_every_one_listed(
    world: Any, shipped: dict[str, CriteriaSet]
) -> None:
    # when
    with pytest.raises(CriteriaFileError) as caught:
        criteria_set_upload(BROKEN, file="bo-loi.yaml", actor=world.admin)

    # then every problem is listed with its file, line and path
    problems = caught.value.problems
    paths = [p.path for p in problems]
    lines = {p.path: p.line for p in problems}
    assert all(p.file == "bo-loi.yaml" for p in problems)
    expected = {
        "valid_to": 11,  # before valid_from
        "criteria[0].indicators[0].value.element": 23,  # unknown element
        "criteria[0].indicators[1].thresholds[0].value": 33,  # percent > 100
        "criteria[0].indicators[1].thresholds[0].key": 33,  # not a region
        "criteria[0].indicators[2].comparator": 40,  # no threshold, no reason
        "criteria[0].indicators[3].thresholds": 47,  # threshold on a yes/no
        "criteria[0].indicators[4].code": 49,  # duplicate code
    }
    for path, line in expected.items():
        assert path in paths, (path, [p.line_text() for p in problems])
        assert lines[path] == line, (path, [p.line_text() for p in problems])
    assert len(problems) == len(expected), [p.line_text() for p in problems]
    # and nothing is stored
    assert not CriteriaSet.objects.filter(code="bo-loi").exists()
