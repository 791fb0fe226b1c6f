"""The demo's construction of records from stored values (pure parts)."""

import datetime

from vandong.demo.registries import ocop_plan, stock_records
from vandong.registries.ocop.bands import add_months
from vandong.registries.teams.sync import active_counts

D = datetime.date


def test_stock_records_give_back_the_series():
    series = {2016: 5, 2017: 7, 2018: 6, 2019: 9, 2020: 4}
    slots = stock_records(
        series,
        element="LEARNING_FAMILIES",
        commune_id=1,
        villages=[(10, "Bản A"), (11, "Bản B")],
    )
    rows = [(s.recognized, s.count, s.stopped, s.kind, "X") for s in slots]
    counts = active_counts(rows, series)
    assert {y: counts[("LEARNING_FAMILIES", "X", y)] for y in series} == series


def test_culture_teams_split_into_a_commune_team_and_village_troupes():
    slots = stock_records(
        {2020: 3}, element="CULTURE_TEAMS", commune_id=1, villages=[(10, "Bản A")]
    )
    assert [s.kind for s in slots] == ["culture_team", "art_troupe", "art_troupe"]
    rows = [(s.recognized, s.count, s.stopped, s.kind, "X") for s in slots]
    assert active_counts(rows, [2020])[("CULTURE_TEAMS", "X", 2020)] == 3


def _valid(plans, day, stars):
    n = 0
    for plan in plans:
        decided = [e for e in plan.events if e[0] <= day]
        if decided:
            last_day, last_stars = max(decided)
            if last_stars == stars and day < add_months(last_day, 36):
                n += 1
    return n


def test_the_ocop_plan_gives_back_the_yearly_counts():
    totals = {
        2018: {3: 0, 4: 0},
        2019: {3: 14, 4: 3},
        2020: {3: 38, 4: 9},
        2021: {3: 52, 4: 12},
        2022: {3: 68, 4: 15},
        2023: {3: 85, 4: 18},
    }
    plans = ocop_plan(totals, lambda year: [1, 2, 3], D(2026, 11, 29), 36, add_months)
    for year, by_stars in totals.items():
        for stars, expected in by_stars.items():
            assert _valid(plans, D(year, 12, 31), stars) == expected, (year, stars)
    assert any(len({s for _d, s in p.events}) == 2 for p in plans)  # an upgrade
