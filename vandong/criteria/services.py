"""Evaluating units against criteria sets, and storing the results.

`evaluate` reads the values a set needs from the database into data frames,
hands them to the pure engine (engine.py) and replaces the stored
`Evaluation` rows of the units and years it evaluated, in one transaction.
A unit is judged only for the years whose last day it existed on (a legacy
commune up to 2024, a two-tier commune from 2025), as values are keyed. Yes/no values count as 1/0; a computed
catalog element (a percent with numerator and denominator) is computed here
from its parts, as the collection pages show it.
"""

import datetime
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vandong.catalog.criteria.spec import CriteriaSetSpec
from vandong.catalog.criteria.store import spec_cached
from vandong.catalog.models import CriteriaSet, DataElement, Period, PeriodKind
from vandong.collect.models import DataValue
from vandong.criteria import engine
from vandong.criteria.models import Evaluation
from vandong.criteria.signals import evaluations_changed
from vandong.geo.models import Unit

Progress = Callable[[str], None]

UNIT_SCHEMA = {
    "unit_id": pl.Int64,
    "parent_id": pl.Int64,
    "level": pl.Int8,
    "unit_type": pl.Utf8,
    "region": pl.Utf8,
    "commune_group": pl.Utf8,
    "first_year": pl.Int32,
    "last_year": pl.Int32,
    "path": pl.Utf8,
}
VALUE_SCHEMA = {
    "unit_id": pl.Int64,
    "year": pl.Int32,
    "element": pl.Utf8,
    "value": pl.Float64,
}


@dataclass
class EvaluateReport:
    sets: dict[str, int] = field(default_factory=dict)  # code -> evaluations
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.sets.values())


def known_years() -> list[int]:
    return sorted(
        p.start.year for p in Period.objects.filter(kind=PeriodKind.YEAR).only("start")
    )


def _applies(stored: CriteriaSet, year: int) -> bool:
    if year < stored.valid_from.year:
        return False
    return stored.valid_to is None or year <= stored.valid_to.year


def set_years(
    spec: CriteriaSetSpec,
    years: Iterable[int] | None = None,
    *,
    known: list[int] | None = None,
) -> list[int]:
    """The years of `years` (default: every year in the catalog) the set
    applies in, up to this year."""
    known = known if known is not None else known_years()
    wanted = known if years is None else sorted(set(years) & set(known))
    # Years still ahead have no figures to judge.
    this_year = timezone.localdate().year
    return [y for y in wanted if spec.applies_in(y) and y <= this_year]


def active_sets(codes: Iterable[str] | None = None) -> list[CriteriaSet]:
    sets = CriteriaSet.objects.filter(is_active=True)
    if codes is not None:
        sets = sets.filter(code__in=list(codes))
    return list(sets)


def evaluate(
    *,
    sets: Iterable[CriteriaSet] | None = None,
    years: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
) -> EvaluateReport:
    """Evaluate and store. `unit_ids` None evaluates every unit of each set's
    level and types; otherwise those units (of the right level and types)."""
    started = time.monotonic()
    report = EvaluateReport()
    chosen = list(sets) if sets is not None else active_sets()
    wanted_units = None if unit_ids is None else sorted(set(unit_ids))
    known = known_years()
    # A province layer and its national set judge the same units on the same
    # elements: read each frame once per call.
    units_seen: dict[tuple[object, ...], pl.DataFrame] = {}
    values_seen: dict[tuple[object, ...], pl.DataFrame] = {}
    for stored in chosen:
        if years is not None and not any(_applies(stored, y) for y in years):
            report.sets[stored.code] = 0
            continue
        spec = spec_cached(stored)
        spec_years = set_years(spec, years, known=known)
        if not spec_years:
            report.sets[spec.code] = 0
            continue
        unit_key = (
            spec.level,
            spec.unit_types,
            tuple(sorted(_child_levels(spec))),
            None if wanted_units is None else tuple(wanted_units),
        )
        if unit_key not in units_seen:
            units_seen[unit_key] = units_frame(spec, unit_ids=wanted_units)
        everyone = units_seen[unit_key]
        value_key = (unit_key, tuple(sorted(spec.elements)), tuple(spec_years))
        if value_key not in values_seen:
            values_seen[value_key] = values_frame(spec, everyone, spec_years)
        values = values_seen[value_key]
        # A province layer judges the units of its province only.
        units = (
            everyone.filter(_in_province(spec.province)) if spec.province else everyone
        )
        result = engine.evaluate(spec, values, units, spec_years)
        count = store(stored, spec, result, units, spec_years)
        if wanted_units is None:
            # Years the set no longer applies in (a set's validity changed).
            Evaluation.objects.filter(criteria_set=stored).exclude(
                year__in=spec_years
            ).delete()
        report.sets[spec.code] = count
        if progress is not None:
            progress(
                f"{spec.code}: {count} đánh giá / evaluations "
                f"({len(spec_years)} năm / years)"
            )
    report.seconds = time.monotonic() - started
    evaluated_years = sorted(
        set(years) if years is not None else {y for y in known if y is not None}
    )
    if report.total:
        evaluations_changed.send(
            sender=None, unit_ids=wanted_units, years=evaluated_years
        )
    return report


def _child_levels(spec: CriteriaSetSpec) -> set[int]:
    return {
        c.value.child_level
        for i in spec.indicators
        for c in i.conditions
        if c.value.child_element
    }


def _year(day: datetime.date | None) -> int | None:
    return day.year if day is not None else None


def _last_year(day: datetime.date | None) -> int | None:
    """The last year a unit ending on `day` is judged for: a year's values
    belong to the units of its last day (as collect reads unit codes), so a
    legacy commune that ended on 30/6/2025 is judged up to 2024."""
    if day is None:
        return None
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1


def units_frame(
    spec: CriteriaSetSpec, *, unit_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """The units of the set's level and types (and their children, for child
    shares), with the first and last year each is judged in and their tree
    path (a province layer keeps those of its province)."""
    judged = Unit.objects.filter(level=spec.level, type__in=spec.unit_types)
    if unit_ids is not None:
        judged = judged.filter(pk__in=unit_ids)
    rows = list(judged.values_list(*_UNIT_FIELDS))
    child_levels = _child_levels(spec)
    if child_levels and rows:
        parents = [row[0] for row in rows]
        for start in range(0, len(parents), 5000):
            rows.extend(
                Unit.objects.filter(
                    parent_id__in=parents[start : start + 5000],
                    level__in=child_levels,
                ).values_list(*_UNIT_FIELDS)
            )
    return pl.DataFrame(
        [
            (
                pk,
                parent,
                level,
                kind,
                region or None,
                _group(group),
                _year(a),
                _last_year(b),
                path,
            )
            for pk, parent, level, kind, region, group, a, b, path in rows
        ],
        schema=UNIT_SCHEMA,
        orient="row",
    )


_UNIT_FIELDS = (
    "pk",
    "parent_id",
    "level",
    "type",
    "region",
    "commune_group",
    "valid_from",
    "valid_to",
    "path",
)


def _group(group: int | None) -> str | None:
    return str(group) if group else None


def _in_province(code: str) -> pl.Expr:
    """Units under a province of that code, in either tree (a code the
    reform kept names one row; a reused code names two)."""
    paths = list(Unit.objects.filter(code=code, level=1).values_list("path", flat=True))
    if not paths:
        return pl.lit(False)
    return pl.any_horizontal([pl.col("path").str.starts_with(p) for p in paths])


def values_frame(
    spec: CriteriaSetSpec, units: pl.DataFrame, years: Sequence[int]
) -> pl.DataFrame:
    """Values of the set's elements for `units` in `years`; computed
    elements computed from their numerator and denominator."""
    codes = set(spec.elements)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=codes)}
    parts: dict[str, tuple[int, int]] = {
        e.code: (e.numerator_id, e.denominator_id)
        for e in elements.values()
        if e.numerator_id is not None and e.denominator_id is not None
    }
    ids = {e.pk: e.code for e in elements.values() if e.code not in parts}
    names = dict(
        DataElement.objects.filter(
            pk__in=[i for pair in parts.values() for i in pair]
        ).values_list("pk", "code")
    )
    ids.update(names)
    periods = dict(
        Period.objects.filter(
            kind=PeriodKind.YEAR, start__year__in=list(years)
        ).values_list("pk", "start")
    )
    query = DataValue.objects.filter(
        data_element_id__in=list(ids), period_id__in=list(periods), value__isnull=False
    )
    unit_ids = units["unit_id"].to_list()
    if len(unit_ids) <= 5000:
        query = query.filter(unit_id__in=unit_ids)
    rows = query.values_list("unit_id", "period_id", "data_element_id", "value")
    # Ids become years and codes as whole columns, not row by row.
    raw = pl.DataFrame(
        list(rows.iterator(chunk_size=20000)),
        schema={
            "unit_id": pl.Int64,
            "period_id": pl.Int64,
            "element_id": pl.Int64,
            "value": pl.Float64,
        },
        orient="row",
    )
    frame = raw.select(
        "unit_id",
        pl.col("period_id")
        .replace_strict({pk: start.year for pk, start in periods.items()})
        .cast(pl.Int32)
        .alias("year"),
        pl.col("element_id").replace_strict(ids, return_dtype=pl.Utf8).alias("element"),
        "value",
    )
    if len(unit_ids) > 5000:
        frame = frame.filter(pl.col("unit_id").is_in(unit_ids))
    computed = [
        _computed(frame, code, names[num], names[den])
        for code, (num, den) in parts.items()
    ]
    return pl.concat([frame, *computed]) if computed else frame


def _computed(
    frame: pl.DataFrame, code: str, numerator: str, denominator: str
) -> pl.DataFrame:
    wide = frame.filter(pl.col("element").is_in([numerator, denominator])).pivot(
        on="element", index=["unit_id", "year"], values="value"
    )
    if numerator not in wide.columns or denominator not in wide.columns:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    return wide.filter(pl.col(denominator) > 0).select(
        "unit_id",
        "year",
        pl.lit(code).alias("element"),
        (100.0 * pl.col(numerator) / pl.col(denominator)).alias("value"),
    )


def _valid(frame: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Rows of units that existed in their year."""
    spans = units.select("unit_id", "first_year", "last_year")
    return (
        frame.join(spans, on="unit_id", how="left")
        .filter(
            (pl.col("first_year").is_null() | (pl.col("first_year") <= pl.col("year")))
            & (pl.col("last_year").is_null() | (pl.col("last_year") >= pl.col("year")))
        )
        .drop("first_year", "last_year")
    )


def store(
    stored: CriteriaSet,
    spec: CriteriaSetSpec,
    result: "engine.Evaluation",
    units: pl.DataFrame,
    years: Sequence[int],
) -> int:
    """Replace the stored evaluations of the judged units in `years`."""
    overall = _valid(result.overall, units)
    criteria = _grouped(
        result.criteria.select(
            "unit_id",
            "year",
            pl.struct(
                "criterion", "status", "indicators_met", "indicators_total"
            ).alias("item"),
        )
    )
    indicators = _grouped(
        result.indicators.select(
            "unit_id",
            "year",
            pl.struct(
                "criterion",
                "indicator",
                "condition",
                "value",
                "threshold",
                "comparator",
                "verified",
                "status",
                "gap",
            ).alias("item"),
        )
    )
    now = timezone.now()
    rows = overall.join(criteria, on=["unit_id", "year"], how="left").join(
        indicators, on=["unit_id", "year"], how="left", suffix="_indicators"
    )
    objects = [
        Evaluation(
            criteria_set=stored,
            unit_id=row["unit_id"],
            year=row["year"],
            status=row["status"],
            criteria_met=row["criteria_met"],
            criteria_not_met=row["criteria_not_met"],
            criteria_no_data=row["criteria_no_data"],
            criteria_total=row["criteria_total"],
            gap_score=round(row["gap_score"] or 0.0, 6),
            unverified=bool(row["unverified"]),
            criteria={
                item["criterion"]: {
                    "status": item["status"],
                    "met": item["indicators_met"],
                    "total": item["indicators_total"],
                }
                for item in row["items"] or []
            },
            indicators=[
                _indicator_json(item) for item in row["items_indicators"] or []
            ],
            set_version=spec.version,
            computed_at=now,
        )
        for row in rows.iter_rows(named=True)
    ]
    judged = units.filter(pl.col("level") == spec.level)["unit_id"].to_list()
    with transaction.atomic():
        stale = Evaluation.objects.filter(criteria_set=stored, year__in=list(years))
        if len(judged) <= 5000:
            stale = stale.filter(unit_id__in=judged)
        else:
            stale = stale.filter(Q(unit__level=spec.level))
        stale.delete()
        Evaluation.objects.bulk_create(objects, batch_size=2000)
    return len(objects)


def _grouped(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.group_by("unit_id", "year", maintain_order=True).agg(
        pl.col("item").alias("items")
    )


def _indicator_json(item: dict[str, object]) -> dict[str, object]:
    return {
        key: (round(value, 6) if isinstance(value, float) else value)
        for key, value in item.items()
    }
