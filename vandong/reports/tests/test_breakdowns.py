"""Registry figures break down by child unit in a few grouped queries, whatever
the number of child units: petitions, contributions and OCOP products."""

import datetime
from decimal import Decimal

import pytest

from vandong.analytics.loader import load_indicators
from vandong.catalog.loader import catalog_load
from vandong.core.models import Channel
from vandong.geo.models import REFORM_DATE
from vandong.geo.tests.factories import make_unit
from vandong.petitions.tests.factories import make_petition
from vandong.registries.contributions.services import (
    ContributionIn,
    contribution_create,
)
from vandong.reports import queries
from vandong.reports import spec as specs
from vandong.reports.figures import Evaluator

D = datetime.date
FIGURE = "/reports/ket-qua-cuoc-van-dong/12/2021-2025/figure/{}/?tree=current"
REGISTRIES = """\
code: so
version: 1
name: Sổ

[figures]
cash = contributions(cash, phase)
cash_people = contributions(cash, phase, kind=people)
land = contributions(land, phase)
stars4 = ocop(4, 2025)
received = petitions(received, phase)
answered = petitions(answered, phase)

[section a] Sổ
Đóng góp {{ cash }}.
"""


@pytest.fixture
def registries(world):
    """Petitions, contributions and an OCOP product on the province's two
    current wards, and twelve more communes holding nothing."""
    catalog_load()
    load_indicators()
    for number in range(12):
        make_unit(
            f"0350{number:02d}",
            f"Xã Thử {number}",
            "xa",
            parent=world.province,
            valid_from=REFORM_DATE,
        )
    make_petition(world.tinh, world.doan_ket, received_on=D(2025, 8, 1))
    make_petition(world.tinh, world.doan_ket, received_on=D(2025, 9, 2))
    make_petition(world.tinh, world.village_3, received_on=D(2025, 8, 2))
    for unit, day, kind, cash, land in (
        (world.doan_ket, D(2025, 8, 1), "people", 5_000_000, Decimal(0)),
        (world.village_1, D(2025, 9, 1), "businesses", 2_000_000, Decimal(10)),
        (world.tan_phong, D(2025, 10, 1), "businesses", 7_000_000, Decimal(0)),
    ):
        contribution_create(
            actor=None,
            data=ContributionIn(
                unit=unit,
                date=day,
                kind=kind,
                purpose="road",
                cash_vnd=cash,
                land_m2=land,
            ),
            channel=Channel.SYSTEM,
        )
    from vandong.registries.tests.test_ocop import make_product, rating

    make_product(world, world.tan_phong, [rating(4, D(2025, 3, 1))])
    return world


def by_code(children):
    return {c.unit_code: c.value for c in children if c.value is not None}


def test_registry_figures_break_down_by_commune(registries):
    spec = specs.parse(REGISTRIES)
    scope = queries.scope_for(
        actor=None, unit=registries.province, phase="2021-2025", tree="current"
    )
    evaluator = Evaluator(spec, scope)
    assert by_code(evaluator.children("cash")) == {
        "03388": 7_000_000,
        "03395": 7_000_000,
    }
    # a commune with records, none of this kind: 0, not blank
    assert by_code(evaluator.children("cash_people")) == {
        "03388": 5_000_000,
        "03395": 0,
    }
    assert by_code(evaluator.children("land")) == {"03388": 10, "03395": 0}
    stars = by_code(evaluator.children("stars4"))
    assert stars["03395"] == 1
    assert stars["03388"] == 0
    assert by_code(evaluator.children("received")) == {"03388": 2, "03395": 1}
    assert by_code(evaluator.children("answered")) == {"03388": 0, "03395": 0}
    # and the officer sees the same as the system
    scope = queries.scope_for(
        actor=registries.tinh,
        unit=registries.province,
        phase="2021-2025",
        tree="current",
    )
    assert by_code(Evaluator(spec, scope).children("received")) == {
        "03388": 2,
        "03395": 1,
    }


# Measured with the fourteen communes: 38 and 11 queries (233 and 26 when each
# commune was read on its own, a summary per commune and year for petitions).
@pytest.mark.parametrize(
    ("name", "most"), [("petitions_received", 45), ("cash_people", 15)]
)
def test_a_registry_figure_page_reads_in_a_bounded_number_of_queries(
    client, registries, django_assert_max_num_queries, name, most
):
    client.force_login(registries.tinh)
    with django_assert_max_num_queries(most):
        response = client.get(FIGURE.format(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-unit="03388"' in html
