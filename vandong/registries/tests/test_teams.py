"""Models and teams: active at year end, counts, scope, audit, sync."""

import pytest

from vandong.collect.models import DataValue
from vandong.collect.tests.factories import make_element, make_period
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.registries.models import ModelKind, ModelTeam
from vandong.registries.teams import queries
from vandong.registries.teams.services import (
    ModelTeamIn,
    model_team_create,
    model_team_update,
)
from vandong.registries.teams.sync import active_counts, models_sync


def data(unit, kind=ModelKind.MEDIATION_TEAM, year=2025, **fields):
    return ModelTeamIn(
        unit=unit,
        kind=kind,
        name=fields.pop("name", "Tổ hòa giải TDP 1"),
        recognized_year=year,
        **fields,
    )


def test_a_record_counts_from_its_year_until_the_year_it_stopped():
    rows = [
        (2018, 1, None, ModelKind.MEDIATION_TEAM, "X"),
        (2019, 78, 2021, ModelKind.LEARNING_FAMILY, "X"),
        (2019, 1, None, ModelKind.SELF_MANAGED_CLAN, "X"),  # no element
    ]
    counts = active_counts(rows, range(2017, 2023))
    assert counts[("MEDIATION_TEAMS", "X", 2017)] == 0
    assert counts[("MEDIATION_TEAMS", "X", 2018)] == 1
    assert counts[("LEARNING_FAMILIES", "X", 2019)] == 78
    assert counts[("LEARNING_FAMILIES", "X", 2020)] == 78
    assert counts[("LEARNING_FAMILIES", "X", 2021)] == 0
    assert (
        len([k for k in counts if k[0] not in ("MEDIATION_TEAMS", "LEARNING_FAMILIES")])
        == 0
    )


def test_models_active_at_year_end(world):
    # given
    model_team_create(actor=world.xa, data=data(world.village_1, year=2019))
    model_team_create(
        actor=world.xa,
        data=data(world.village_2, year=2019, active=False, stopped_year=2021),
    )
    model_team_create(
        actor=world.xa,
        data=data(
            world.doan_ket, ModelKind.LEARNING_FAMILY, 2020, count=78, name="GĐHT"
        ),
    )

    # then
    def total(year, **kw):
        return queries.count_total(
            queries.model_team_list(actor=world.xa, active_in=year, **kw)
        )

    assert total(2018) == 0
    assert total(2020, kind=ModelKind.MEDIATION_TEAM) == 2
    assert total(2021, kind=ModelKind.MEDIATION_TEAM) == 1
    assert total(2021, category="learning") == 78


def test_an_inactive_record_needs_the_year_it_stopped(world):
    with pytest.raises(DomainError) as caught:
        model_team_create(actor=world.xa, data=data(world.doan_ket, active=False))
    assert caught.value.field == "stopped_year"
    assert caught.value.message_en == "The year it stopped is required."


def test_stopping_before_recognition_is_refused(world):
    with pytest.raises(DomainError) as caught:
        model_team_create(
            actor=world.xa,
            data=data(world.doan_ket, year=2020, active=False, stopped_year=2019),
        )
    assert caught.value.field == "stopped_year"


def test_a_model_is_recorded_on_a_commune_or_village(world):
    with pytest.raises(DomainError) as caught:
        model_team_create(actor=world.tinh, data=data(world.province))
    assert caught.value.code == "wrong_level"


def test_scope_refusals(world):
    # a village reporter records on their village only
    model_team_create(actor=world.thon, data=data(world.village_1))
    with pytest.raises(DomainError) as caught:
        model_team_create(actor=world.thon, data=data(world.village_2))
    assert caught.value.code == "out_of_scope"
    with pytest.raises(DomainError) as caught:
        model_team_create(actor=world.ngoai, data=data(world.doan_ket))
    assert caught.value.code == "out_of_scope"
    assert "ngoài phạm vi" in caught.value.message_vi
    assert ModelTeam.objects.count() == 1


def test_changes_are_audited(world):
    record = model_team_create(actor=world.xa, data=data(world.doan_ket))
    model_team_update(
        actor=world.xa,
        record=record,
        data=data(world.doan_ket, active=False, stopped_year=2026),
    )
    entries = list(
        AuditEntry.objects.filter(entity="registries.model_team").order_by("id")
    )
    assert [e.action for e in entries] == ["create", "update"]
    assert (entries[1].old or {})["active"] is True
    assert (entries[1].new or {})["stopped_year"] == 2026
    assert entries[1].actor_id == world.xa.pk


@pytest.fixture
def elements(db):
    for code in (
        "MEDIATION_TEAMS",
        "CULTURE_TEAMS",
        "LEARNING_FAMILIES",
        "SECURITY_MODELS",
    ):
        make_element(code)
    for year in range(2016, 2027):
        make_period(str(year))


def stored(code):
    return {
        (dv.unit.code, dv.period.code): dv.value
        for dv in DataValue.objects.filter(data_element__code=code).select_related(
            "unit", "period"
        )
    }


def test_the_sync_writes_commune_counts_at_year_end(
    world, elements, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        model_team_create(actor=world.xa, data=data(world.village_1, year=2025))
        model_team_create(actor=world.xa, data=data(world.village_2, year=2026))
        model_team_create(
            actor=world.xa,
            data=data(world.doan_ket, ModelKind.ART_TROUPE, 2025, name="Đội văn nghệ"),
        )
        model_team_create(
            actor=world.xa,
            data=data(world.doan_ket, ModelKind.CULTURE_TEAM, 2025, name="Đội văn hóa"),
        )

    # then
    assert stored("MEDIATION_TEAMS") == {("03388", "2025"): 1, ("03388", "2026"): 2}
    assert stored("CULTURE_TEAMS") == {("03388", "2025"): 2, ("03388", "2026"): 2}
    # a commune that keeps no such record is left alone
    assert stored("LEARNING_FAMILIES") == {}


def test_stopping_a_team_lowers_the_figure(
    world, elements, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = model_team_create(
            actor=world.xa, data=data(world.village_1, year=2025)
        )
    with django_capture_on_commit_callbacks(execute=True):
        model_team_update(
            actor=world.xa,
            record=record,
            data=data(world.village_1, year=2025, active=False, stopped_year=2026),
        )
    assert stored("MEDIATION_TEAMS") == {("03388", "2025"): 1, ("03388", "2026"): 0}


def test_the_sync_skips_years_the_commune_did_not_exist(world, elements):
    # Đoàn Kết (current) exists from 1/7/2025: nothing for 2024.
    ModelTeam.objects.create(
        unit=world.doan_ket,
        kind=ModelKind.MEDIATION_TEAM,
        name="T",
        recognized_year=2020,
    )
    models_sync([world.doan_ket.pk], [2024, 2025])
    assert stored("MEDIATION_TEAMS") == {("03388", "2025"): 1}
