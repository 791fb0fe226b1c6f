"""The demo's public portal: the constructed figures of the years before the
current one approved and published by the province officer, as a province
would after its review; the current year's forms stay open for entry."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vandong.collect.models import Approval, ApprovalState
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Level, Unit
from vandong.portal import services, state

Progress = Callable[[str], None]


def load_demo_portal(progress: Progress) -> None:
    province = Unit.objects.filter(code="12", level=Level.PROVINCE).first()
    if province is None:
        return
    this_year = timezone.localdate().year
    years = [y for y in range(2016, this_year) if state.has_values(province, y)]
    if not years:
        return
    periods = state.year_periods(years)
    forms = state.unapproved_forms(province, years)
    now = timezone.now()
    with transaction.atomic():
        Approval.objects.bulk_create(
            [
                Approval(
                    data_set_id=ds,
                    unit_id=unit,
                    period_id=period,
                    state=ApprovalState.APPROVED,
                    updated_at=now,
                )
                for ds, unit, period in forms
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        Approval.objects.filter(
            unit__path__startswith=province.path, period_id__in=list(periods)
        ).exclude(state=ApprovalState.APPROVED).update(
            state=ApprovalState.APPROVED, updated_at=now
        )
        audit_record(
            actor=None,
            channel=Channel.SYSTEM,
            action=AuditEntry.Action.UPDATE,
            entity="approval",
            entity_id=province.code,
            note=f"demo: {len(forms)} biểu mẫu các năm {years[0]}-{years[-1]} được "
            "phê duyệt (dữ liệu dựng sẵn) / forms approved (constructed data)",
        )
    state.bump()
    officer = get_user_model().objects.get(username="tinh")
    for year in years:
        services.publish(actor=officer, province=province, year=year)
    progress(
        f"Cổng công khai / public portal: {len(forms)} biểu mẫu được phê duyệt, "
        f"công bố các năm / forms approved, years published {years[0]}-{years[-1]}"
    )
