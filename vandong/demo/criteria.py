"""CONSTRUCTED SAMPLE criteria inputs and recognitions for the demo — not real data.

The shipped criteria sets are loaded as they are (their thresholds, verified
or not, are the sets' own). Then, for Lai Châu's communes and villages, the
inputs that the earlier demo step did not make (the per-indicator figures of
the new-rural and civilised-urban sets, the cultural-village standards) are
made up by a deterministic generator, so that the evaluations tell a
plausible story: a unit the demo marks as having attained the standard that
year gets values meeting every threshold that applies to it; any other unit
misses one to five criteria, fewer as the years go by. Inputs the earlier
step already made (health insurance, clean water, village titles…) are left
as they are, so some recognised communes fail a criterion on them — which is
what the disagreements page is for.

Recognition records are made from the demo's recognition years
(NTM_ATTAINED_YEAR, URBAN_CIVILIZED_YEAR): their decision numbers and dates are
invented and every record is marked `is_sample`.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from vandong.catalog.criteria.spec import (
    FLAG_COMPARATORS,
    ConditionSpec,
    CriteriaSetSpec,
    IndicatorSpec,
)
from vandong.collect.rows import ValueRow
from vandong.demo.collect import LAI_CHAU, YEARS, DemoTree, DemoUnit, unit_noise

Progress = Callable[[str], None]

REGION = "tdmnpb"  # Lai Châu
# Placeholder province layers for the demo (see the files' headers).
DEMO_SETS_DIR = Path(__file__).resolve().parent / "criteria_sets"
STATUS_YEARS = {
    "NTM_ATTAINED": "NTM_ATTAINED_YEAR",
    "URBAN_CIVILIZED": "URBAN_CIVILIZED_YEAR",
}
KIND_TITLES = {
    "ntm_commune": "Công nhận xã đạt chuẩn nông thôn mới năm {year}",
    "urban_civilized": "Công nhận phường, thị trấn đạt chuẩn văn minh đô thị năm {year}",
}
KIND_OF_ELEMENT = {"NTM_ATTAINED": "ntm_commune", "URBAN_CIVILIZED": "urban_civilized"}


def pick_threshold(
    condition: ConditionSpec, year: int, group: str | None
) -> float | None:
    """The threshold a Lai Châu unit gets (most specific first)."""
    keys = [k for k in (REGION, group) if k]
    ranked = sorted(
        (
            t
            for t in condition.thresholds
            if t.key in (*keys, "") and t.year in (year, None)
        ),
        key=lambda t: (t.key == "", t.year is None),
    )
    return ranked[0].value if ranked else None


def value_for(
    condition: ConditionSpec,
    *,
    meet: bool,
    year: int,
    group: str | None,
    noise: float,
    value_type: str,
) -> float | None:
    """A value that meets (or misses) the condition's threshold."""
    comparator = condition.comparator
    if comparator in FLAG_COMPARATORS:
        truth = meet if comparator == "is_true" else not meet
        return 1.0 if truth else 0.0
    threshold = pick_threshold(condition, year, group)
    percent = value_type == "percent"
    if threshold is None:
        # No threshold to aim at: a plausible figure.
        return round(45 + 50 * noise, 1) if percent else None
    above = comparator in (">=", ">")
    whole = value_type in WHOLE_TYPES
    step = 1.0 if whole else 0.1
    if comparator == "=":
        value = threshold if meet else threshold + (step if threshold < 100 else -step)
    elif above == meet:
        top = 100.0 if percent else threshold * 1.4 + 1
        value = threshold + (top - threshold) * (0.15 + 0.8 * noise)
    else:
        value = threshold * (0.55 + 0.4 * noise)
    value = float(round(value)) if whole else round(value, 1)
    if percent:
        value = min(max(value, 0.0), 100.0)
    # Rounding may have landed on the wrong side of the threshold: step back.
    if _holds(comparator, value, threshold) != meet:
        toward_meeting = above or comparator == "="
        value = round(value + (step if toward_meeting == meet else -step), 1)
    return value


WHOLE_TYPES = frozenset({"integer", "money_vnd", "area_m2", "labour_days"})


def _holds(comparator: str, value: float, threshold: float) -> bool:
    return {
        ">=": value >= threshold,
        ">": value > threshold,
        "<=": value <= threshold,
        "<": value < threshold,
        "=": value == threshold,
    }[comparator]


def _failing(
    spec: CriteriaSetSpec, unit: DemoUnit, year: int, usable: set[str]
) -> set[str]:
    """The criteria a unit that has not attained misses (1 to 5, fewer later)."""
    candidates = [
        c.code
        for c in spec.criteria
        if any(set(i.elements) & usable for i in c.indicators)
    ]
    if not candidates:
        return set()
    late = (year - YEARS[0]) / max(1, len(YEARS) - 1)
    count = 1 + int(unit_noise("miss", unit.code, year) * 5 * (1 - 0.6 * late))
    ranked = sorted(candidates, key=lambda c: unit_noise("crit", unit.code, c))
    return set(ranked[: min(count, len(ranked))])


def _attained(
    spec: CriteriaSetSpec,
    unit: DemoUnit,
    year: int,
    status: dict[tuple[str, int, int], bool],
) -> bool:
    """The demo's recognition flag where the set has one; otherwise a share
    of the units, growing over the years."""
    if spec.recognition_element:
        return bool(status.get((spec.recognition_element, unit.id, year)))
    return unit_noise("attained", spec.code, unit.code) < 0.45 + 0.04 * (
        year - YEARS[0]
    )


def demo_criteria_rows(
    tree: DemoTree,
    specs: Sequence[CriteriaSetSpec],
    status: dict[tuple[str, int, int], bool],
    usable: set[str],
    value_types: dict[str, str],
    groups: dict[int, str | None],
) -> list[ValueRow]:
    """The constructed inputs (pure). `status[(element, unit id, year)]` is the
    demo's recognition flag; `usable` the elements to make values for."""
    rows: dict[tuple[str, str, int], ValueRow] = {}
    for year in YEARS:
        units = [*tree.communes(year), *tree.villages(year)]
        for spec in specs:
            if not spec.applies_in(year):
                continue
            for unit in units:
                if unit.level != spec.level or unit.type not in spec.unit_types:
                    continue
                attained = _attained(spec, unit, year, status)
                failing = set() if attained else _failing(spec, unit, year, usable)
                for criterion in spec.criteria:
                    # A failing criterion misses on its first indicator the
                    # generator makes values for.
                    victim = next(
                        (
                            i.code
                            for i in criterion.indicators
                            if set(i.elements) & usable
                        ),
                        None,
                    )
                    fail_here = criterion.code in failing
                    for indicator in criterion.indicators:
                        _indicator_rows(
                            rows,
                            indicator,
                            unit=unit,
                            year=year,
                            meet=not (fail_here and indicator.code == victim),
                            usable=usable,
                            value_types=value_types,
                            group=groups.get(unit.id),
                        )
    return list(rows.values())


def _indicator_rows(
    rows: dict[tuple[str, str, int], ValueRow],
    indicator: IndicatorSpec,
    *,
    unit: DemoUnit,
    year: int,
    meet: bool,
    usable: set[str],
    value_types: dict[str, str],
    group: str | None,
) -> None:
    for condition in indicator.conditions:
        element = condition.value.element
        if not element or element not in usable:
            continue
        key = (element, unit.code, year)
        if key in rows:
            continue  # made for a set that came first (see load_demo_criteria)
        value = value_for(
            condition,
            meet=meet,
            year=year,
            group=group,
            noise=unit_noise(element, unit.code, year),
            value_type=value_types.get(element, "decimal"),
        )
        if value is None:
            continue
        shown: object = bool(value) if value_types.get(element) == "boolean" else value
        rows[key] = ValueRow(element, unit.code, str(year), shown)


def load_demo_criteria(progress: Progress) -> None:
    """Load the shipped sets, make the constructed inputs and recognitions,
    evaluate everything."""
    from vandong.catalog.criteria.store import criteria_sets_load, spec_from_db
    from vandong.catalog.models import CriteriaSet, DataElement
    from vandong.collect.models import DataValue
    from vandong.collect.services import data_values_write
    from vandong.core.models import Channel
    from vandong.criteria import services
    from vandong.criteria.models import Evaluation
    from vandong.demo.collect import demo_tree_from_db

    report = criteria_sets_load(channel=Channel.SYSTEM)
    layers = criteria_sets_load(
        sorted(DEMO_SETS_DIR.glob("*.yaml")), channel=Channel.SYSTEM
    )
    report.created += layers.created
    report.replaced += layers.replaced
    report.unchanged += layers.unchanged
    progress(
        f"Bộ tiêu chí / criteria sets: {len(report.created)} mới / new, "
        f"{len(report.replaced)} cập nhật / replaced, {len(report.unchanged)} "
        "không đổi / unchanged"
    )
    if Evaluation.objects.exists() and not report.changed:
        progress("Kết quả đánh giá đã có / evaluations already there.")
        return
    # Province layers first (their thresholds are the ones the values aim
    # at), then sets that follow a recognition flag, then the others: the
    # first set to make an input keeps it.
    specs = sorted(
        (spec_from_db(s) for s in CriteriaSet.objects.filter(is_active=True)),
        key=lambda spec: (not spec.province, not spec.recognition_element, spec.code),
    )
    needed = {code for spec in specs for code in spec.elements}
    elements = DataElement.objects.filter(code__in=needed)
    stored_ids = set(
        DataValue.objects.filter(data_element__in=elements)
        .values_list("data_element_id", flat=True)
        .distinct()
    )
    usable = {e.code for e in elements if e.pk not in stored_ids and not e.is_computed}
    value_types = {e.code: e.value_type for e in elements}
    tree = demo_tree_from_db()
    status: dict[tuple[str, int, int], bool] = {}
    for element, unit_id, period, value in DataValue.objects.filter(
        data_element__code__in=[
            s.recognition_element for s in specs if s.recognition_element
        ]
    ).values_list("data_element__code", "unit_id", "period__code", "value"):
        if period.isdigit():
            status[(element, unit_id, int(period))] = bool(value)
    from vandong.geo.models import Unit

    groups = {
        pk: str(group) if group else None
        for pk, group in Unit.objects.filter(
            pk__in=[u.id for u in tree.current_communes]
        ).values_list("pk", "commune_group")
    }
    rows = demo_criteria_rows(tree, specs, status, usable, value_types, groups)
    by_year: dict[str, list[ValueRow]] = defaultdict(list)
    for row in rows:
        by_year[row.period].append(row)
    progress(
        f"Tạo {len(rows):,} giá trị đầu vào tiêu chí DỰNG SẴN (không phải số liệu "
        f"thật) / making {len(rows):,} CONSTRUCTED criteria inputs (not real data)…"
    )
    for period in sorted(by_year):
        data_values_write(actor=None, rows=by_year[period], channel=Channel.SYSTEM)
    recognitions = load_demo_recognitions()
    progress(f"  {recognitions} quyết định công nhận mẫu / sample recognitions")
    evaluated = services.evaluate(progress=progress)
    progress(
        f"  {evaluated.total:,} kết quả đánh giá / evaluations "
        f"({evaluated.seconds:.1f} s)"
    )


def load_demo_recognitions() -> int:
    """Sample recognition decisions from the demo's recognition years."""
    from vandong.collect.models import DataValue
    from vandong.criteria.models import Recognition
    from vandong.geo.models import Unit

    if Recognition.objects.filter(is_sample=True).exists():
        return 0
    firsts: dict[tuple[str, int], int] = {}
    for element, unit_id, value in DataValue.objects.filter(
        data_element__code__in=list(STATUS_YEARS.values()), value__isnull=False
    ).values_list("data_element__code", "unit_id", "value"):
        kind = "ntm_commune" if element == "NTM_ATTAINED_YEAR" else "urban_civilized"
        year = int(value or 0)
        key = (kind, unit_id)
        firsts[key] = min(year, firsts.get(key, year))
    units = Unit.objects.in_bulk([u for _, u in firsts])
    province = Unit.objects.filter(code=LAI_CHAU, level=1).first()
    authority = f"UBND {province.name}" if province else "UBND tỉnh"
    records = [
        Recognition(
            kind=kind,
            unit=units[unit_id],
            year=year,
            title_vi=KIND_TITLES[kind].format(year=year),
            decision_number=f"{100 + n}/QĐ-UBND",
            decision_date=datetime.date(year, 12, 20),
            authority=authority,
            note="Quyết định mẫu, dựng sẵn cho bản demo — không phải văn bản thật / "
            "constructed sample decision, not a real document",
            is_sample=True,
        )
        for n, ((kind, unit_id), year) in enumerate(sorted(firsts.items()))
        if year >= 2010
    ]
    Recognition.objects.bulk_create(records)
    return len(records)
