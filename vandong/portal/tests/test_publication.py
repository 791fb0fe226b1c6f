"""Publishing a province's year: who may, what must be approved first, and
how the public state follows approvals after publication."""

import pytest

from vandong.collect.models import Approval
from vandong.collect.services import approval_reopen
from vandong.collect.tests.factories import make_data_set, make_element, make_period
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.criteria.tests.test_queries import write
from vandong.portal import services, state
from vandong.portal.models import Publication
from vandong.portal.permissions import may_publish, publishable_provinces
from vandong.portal.tests.scene import approve_all, publish, unapproved

pytestmark = pytest.mark.django_db


def test_publishing_is_refused_while_a_form_holding_values_is_not_approved(portal):
    world = portal.world

    # when the province officer publishes 2025 with nothing approved
    with pytest.raises(DomainError) as caught:
        services.publish(actor=world.tinh, province=world.province, year=2025)

    # then the refusal lists the unapproved forms, in Vietnamese
    error = caught.value
    assert error.code == "not_approved"
    assert "còn 2 biểu mẫu" in error.message_vi
    texts = sorted(r.message_vi for r in error.rows)
    assert texts == [
        "“Biểu F_VMDT” của Phường Tân Phong (03395), kỳ 2025: nháp",
        "“Biểu F_VMDT” của Phường Đoàn Kết (03388), kỳ 2025: nháp",
    ]
    assert not Publication.objects.exists()


def test_a_submitted_form_is_not_enough(portal):
    from vandong.collect.services import approval_submit

    world = portal.world
    for data_set, unit, period in unapproved(world.province, 2025):
        approval_submit(actor=world.tinh, data_set=data_set, unit=unit, period=period)
    with pytest.raises(DomainError) as caught:
        services.publish(actor=world.tinh, province=world.province, year=2025)
    assert all(
        r.message_vi.endswith("đã gửi duyệt, chưa phê duyệt") for r in caught.value.rows
    )


def test_publishing_once_everything_is_approved_is_audited(portal):
    world = portal.world
    assert approve_all(world, 2025) == 2

    publication = services.publish(
        actor=world.tinh, province=world.province, year=2025, note="Số liệu 2025"
    )

    assert (publication.year, publication.published_by, publication.note) == (
        2025,
        world.tinh,
        "Số liệu 2025",
    )
    entry = AuditEntry.objects.get(entity="portal.publication")
    assert (entry.action, entry.actor, entry.note) == ("create", world.tinh, "12 2025")
    assert state.public_years(world.province) == {2025}


def test_other_provinces_unapproved_values_do_not_count(portal):
    # given Mường Phăng (Điện Biên) holds an unapproved value of 2025
    world = portal.world
    assert any(
        u == world.other_commune
        for _ds, u, _p in unapproved(world.other_province, 2025)
    )

    # when Lai Châu's own forms are approved, it publishes
    publish(world, 2025)

    # then Lai Châu's 2025 is public and Điện Biên has nothing public
    assert state.public_years(world.province) == {2025}
    assert state.public_years(world.other_province) == frozenset()


@pytest.mark.parametrize("who", ["xa", "thon", "ngoai"])
def test_only_the_provinces_officers_publish(portal, who):
    world = portal.world
    approve_all(world, 2025)
    actor = getattr(world, who)
    assert not may_publish(actor=actor, province=world.province)
    with pytest.raises(DomainError) as caught:
        services.publish(actor=actor, province=world.province, year=2025)
    assert caught.value.code == "not_allowed"


def test_roles_that_may_publish(portal):
    world = portal.world
    assert may_publish(actor=world.tinh, province=world.province)
    assert not may_publish(actor=world.tinh, province=world.other_province)
    assert may_publish(actor=world.admin, province=world.other_province)
    assert not may_publish(actor=None, province=world.province)
    assert not may_publish(actor=world.tinh, province=world.doan_ket)
    assert publishable_provinces(actor=world.tinh) == [world.province]
    assert publishable_provinces(actor=world.xa) == []


@pytest.mark.parametrize(
    ("year", "words"),
    [(2021, "chưa có số liệu"), (2099, "kỳ báo cáo"), (1990, "kỳ báo cáo")],
)
def test_a_year_without_figures_or_not_a_period_is_refused(portal, year, words):
    make_period("2021")
    with pytest.raises(DomainError) as caught:
        services.publish(
            actor=portal.world.tinh, province=portal.world.province, year=year
        )
    assert words in caught.value.message_vi


def test_a_reopened_form_hides_the_year_until_approved_again(portal):
    # given 2024 and 2025 published
    world = portal.world
    publish(world, 2024, 2025)
    assert state.public_years(world.province) == {2024, 2025}

    # when the province reopens one form of 2025
    data_set, unit, period = next(
        (a.data_set, a.unit, a.period)
        for a in Approval.objects.filter(period__code="2025").select_related(
            "data_set", "unit", "period"
        )
    )
    approval_reopen(actor=world.tinh, data_set=data_set, unit=unit, period=period)

    # then 2025 is hidden at once, though still published
    assert state.public_years(world.province) == {2024}
    assert Publication.objects.filter(year=2025).exists()

    # and shows again once approved again
    approve_all(world, 2025)
    assert state.public_years(world.province) == {2024, 2025}


def test_a_new_draft_value_hides_the_year(portal):
    # given 2025 published
    world = portal.world
    publish(world, 2025)

    # when a value is written in a form of 2025 nobody approved
    extra = make_element("T_EXTRA")
    make_data_set("F_EXTRA", [extra])
    write([("T_EXTRA", "03395", "2025", 7)])

    # then 2025 is no longer public
    assert state.public_years(world.province) == frozenset()


def test_the_public_state_is_cached_until_something_changes(
    portal, django_assert_num_queries
):
    world = portal.world
    publish(world, 2025)
    assert state.public_years(world.province) == {2025}
    with django_assert_num_queries(0):
        assert state.public_years(world.province) == {2025}
    before = state.version()
    services.withdraw(actor=world.tinh, province=world.province, year=2025)
    assert state.version() != before
    assert state.public_years(world.province) == frozenset()


def test_withdrawing(portal):
    world = portal.world
    publish(world, 2025)
    services.withdraw(actor=world.tinh, province=world.province, year=2025)
    assert not Publication.objects.exists()
    assert AuditEntry.objects.filter(
        entity="portal.publication", action="delete"
    ).exists()
    with pytest.raises(DomainError):
        services.withdraw(actor=world.tinh, province=world.province, year=2025)


def test_a_change_no_signal_told_shows_within_the_state_lifetime(portal, settings):
    # given 2025 public, the state checked again at every request
    world = portal.world
    publish(world, 2025)
    settings.PORTAL_STATE_SECONDS = 0
    assert state.public_years(world.province) == {2025}

    # when an approval changes behind Django's back (a restore, raw SQL)
    Approval.objects.filter(period__code="2025").update(state="draft")

    # then the next request sees it
    assert state.public_years(world.province) == frozenset()
