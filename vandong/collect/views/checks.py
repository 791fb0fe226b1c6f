"""Rule violations and unusual values of a unit and period."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can
from vandong.catalog import queries as catalog_queries
from vandong.catalog.models import DataSet, DataSetElement
from vandong.collect import validation
from vandong.collect.forms import (
    shown_number,
)
from vandong.collect.views.common import (
    HtmxHttpRequest,
    _period_or_404,
    _render,
    _say,
    _unit_on,
    _vi,
)


@dataclass
class Finding:
    kind: str  # "rule" or "outlier"
    severity: str
    message: str
    values: list[str]  # in Vietnamese notation: left, right / value, low, high
    links: list[tuple[str, str, str]]  # (name, url, data set name)


@login_required
@require_GET
def violations(request: HtmxHttpRequest, period: str, unit_code: str) -> HttpResponse:
    """The rule violations and outliers of one unit and period, with links to
    the entry forms holding the elements concerned."""
    vi = _vi()
    per = _period_or_404(period)
    unit = _unit_on(unit_code, per)
    if unit is None or not can(actor=request.user, action=Action.VIEW, unit=unit):
        raise Http404(_("No unit with this code is open to you in this period."))
    found = validation.violations_for(unit_ids=[unit.pk], period_ids=[per.pk])
    outliers = validation.outliers_for(unit_ids=[unit.pk], period_ids=[per.pk])
    codes = {c for v in found for c in v.element_codes} | {
        o.element_code for o in outliers
    }
    elements = catalog_queries.element_map()
    holders: dict[str, list[DataSet]] = {}
    for m in (
        DataSetElement.objects.filter(
            data_element__code__in=sorted(codes),
            data_set__level=unit.level,
            data_set__is_active=True,
            data_set__period_kind=per.kind,
        )
        .select_related("data_set", "data_element")
        .order_by("data_set__code")
    ):
        holders.setdefault(m.data_element.code, []).append(m.data_set)

    def links(element_codes: tuple[str, ...] | list[str]) -> list[tuple[str, str, str]]:
        result = []
        for code in element_codes:
            element = elements.get(code)
            name = (element.name_vi if vi else element.name_en) if element else code
            for ds in holders.get(code, []):
                url = reverse("collect:entry", args=[ds.code, per.code, unit.code])
                result.append(
                    (name, f"{url}#cell-{code}", ds.name_vi if vi else ds.name_en)
                )
            if code not in holders:
                result.append((name, "", ""))
        return result

    findings = [
        Finding(
            kind="rule",
            severity=v.severity,
            message=_say(v.message_vi, v.message_en),
            values=[shown_number(v.left_value), shown_number(v.right_value)],
            links=links(v.element_codes),
        )
        for v in found
    ] + [
        Finding(
            kind="outlier",
            severity="warning",
            message=_say(o.message_vi, o.message_en),
            values=[
                shown_number(o.value),
                shown_number(o.expected_low),
                shown_number(o.expected_high),
            ],
            links=links([o.element_code]),
        )
        for o in outliers
    ]
    context = {
        "period": per,
        "unit": unit,
        "rules": [f for f in findings if f.kind == "rule"],
        "outliers": [f for f in findings if f.kind == "outlier"],
    }
    return _render(request, "collect/violations.html", "findings", context)


# --- Excel and CSV ---------------------------------------------------------------
