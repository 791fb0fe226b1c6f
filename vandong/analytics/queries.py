"""Reading the analytics store: indicators at any unit, level and period.

A query reads at most two files (a province's facts and rows, or the
provinces' and country's `top`), which this process keeps in memory between
requests until a rebuild or refresh replaces them.
"""

import datetime
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vandong.analytics import expressions
from vandong.analytics.engine import phase_code
from vandong.analytics.engine import phases as phase_rows
from vandong.analytics.measures import Registry
from vandong.analytics.models import Indicator
from vandong.analytics.store import TOP, Store
from vandong.analytics.tree import REFORM_YEAR
from vandong.core.errors import DomainError
from vandong.core.text import is_digits
from vandong.geo.models import LEGACY_END, REFORM_DATE, Unit

TREES = ("legacy", "current")
_PHASE = re.compile(r"^(\d{4})-(\d{4})$")


class AnalyticsError(DomainError):
    pass


@dataclass(frozen=True)
class Row:
    unit_id: int
    unit_code: str
    unit_name: str
    unit_level: int
    unit_type: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    estimate: bool


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name_vi: str
    name_en: str
    measure_vi: str
    measure_en: str
    decimals: int
    factor: float
    is_ratio: bool
    is_element: bool
    group: str
    # The lowest level it means something at; whether it is a share of units
    # (its denominator counts units: each unit alone is 0 % or 100 %).
    min_level: int = 1
    counts_units: bool = False


@dataclass(frozen=True)
class _Definition:
    info: IndicatorInfo
    numerator: expressions.Sum
    denominator: expressions.Sum | None
    # For a data element: its own measure gives the value (a ratio element's
    # stored value is already recomputed from its parts).
    own: str | None = None


# -- the catalogue of indicators ---------------------------------------------


def indicators(*, include_elements: bool = False) -> list[IndicatorInfo]:
    key = ("indicators", include_elements)
    cached = _cache_get(key)
    if isinstance(cached, list):
        return list(cached)
    found = _indicators(include_elements)
    _CACHE[key] = (time.monotonic(), found)
    return list(found)


def _indicators(include_elements: bool) -> list[IndicatorInfo]:
    found = [
        indicator_info_of(i)
        for i in Indicator.objects.filter(is_active=True).order_by("order", "code")
    ]
    if include_elements:
        from vandong.catalog.models import DataElement, ValueType

        found += [
            _element_info(e)
            for e in DataElement.objects.exclude(value_type=ValueType.TEXT).order_by(
                "code"
            )
        ]
    return found


def indicator_info(code: str) -> IndicatorInfo:
    return _definition(code).info


def indicator_info_of(indicator: Indicator) -> IndicatorInfo:
    """An indicator as the read API describes it, from a row already read."""
    return IndicatorInfo(
        code=indicator.code,
        name_vi=indicator.name_vi,
        name_en=indicator.name_en,
        measure_vi=indicator.measure_vi,
        measure_en=indicator.measure_en,
        decimals=indicator.decimals,
        factor=indicator.factor,
        is_ratio=bool(indicator.denominator),
        is_element=False,
        group=indicator.group,
        min_level=indicator.min_level,
        counts_units="units(" in indicator.denominator.replace(" ", ""),
    )


def _element_info(element: object) -> IndicatorInfo:
    from vandong.catalog.models import ValueType

    e = element  # a DataElement
    percent = e.value_type == ValueType.PERCENT  # type: ignore[attr-defined]
    return IndicatorInfo(
        code=e.code,  # type: ignore[attr-defined]
        name_vi=e.name_vi,  # type: ignore[attr-defined]
        name_en=e.name_en,  # type: ignore[attr-defined]
        measure_vi="%" if percent else e.measure,  # type: ignore[attr-defined]
        measure_en="%" if percent else e.measure,  # type: ignore[attr-defined]
        decimals=1 if percent else 0,
        factor=1.0,
        is_ratio=bool(e.numerator_id and e.denominator_id),  # type: ignore[attr-defined]
        is_element=True,
        group="",
    )


def definition_key(code: str) -> object:
    """What an indicator's answers depend on besides the store: its
    definition as read now (hashable; equal while the definition is)."""
    return _definition(code)


def _definition(code: str) -> _Definition:
    key = ("definition", code)
    cached = _cache_get(key)
    if isinstance(cached, _Definition):
        return cached
    found = _read_definition(code)
    _CACHE[key] = (time.monotonic(), found)
    return found


# Definitions are read again after a few seconds, and at once after an
# indicator is saved in this process (see apps.py).
_CACHE: dict[tuple[str, object], tuple[float, object]] = {}
_CACHE_SECONDS = 10.0


def _cache_get(key: tuple[str, object]) -> object | None:
    hit = _CACHE.get(key)
    if hit is None or time.monotonic() - hit[0] > _CACHE_SECONDS:
        return None
    return hit[1]


def forget() -> None:
    _CACHE.clear()


def _read_definition(code: str) -> _Definition:
    indicator = Indicator.objects.filter(code=code, is_active=True).first()
    if indicator is not None:
        return _Definition(
            indicator_info_of(indicator),
            expressions.parse(indicator.numerator),
            expressions.parse(indicator.denominator) if indicator.denominator else None,
        )
    from vandong.catalog.models import DataElement, ValueType

    element = (
        DataElement.objects.exclude(value_type=ValueType.TEXT)
        .select_related("numerator", "denominator")
        .filter(code=code)
        .first()
    )
    if element is None:
        raise AnalyticsError(
            "not_found",
            f"Không có chỉ số hay chỉ tiêu “{code}”.",
            f"No indicator or data element '{code}'.",
            field="indicator",
        )
    info = _element_info(element)
    if element.numerator is not None and element.denominator is not None:
        return _Definition(
            info,
            expressions.Sum(((element.numerator.code, 1.0),)),
            expressions.Sum(((element.denominator.code, 1.0),)),
            own=code,
        )
    return _Definition(info, expressions.Sum(((code, 1.0),)), None, own=code)


# -- periods and units --------------------------------------------------------


def _periods(periods: Sequence[str] | None) -> tuple[list[int], list[tuple[int, int]]]:
    if periods is None:
        return [], []
    years, spans = [], []
    for text in periods:
        text = text.strip()
        phase = _PHASE.match(text)
        if phase:
            start, end = int(phase.group(1)), int(phase.group(2))
            if start > end:
                raise _bad_period(text)
            spans.append((start, end))
        elif is_digits(text) and len(text) == 4:
            years.append(int(text))
        else:
            raise _bad_period(text)
    return years, spans


def _bad_period(text: str) -> AnalyticsError:
    return AnalyticsError(
        "invalid",
        f"Kỳ “{text}” không hợp lệ: ghi năm (2020) hoặc giai đoạn (2021-2025).",
        f"Period '{text}' is not valid: write a year (2020) or a phase (2021-2025).",
        field="period",
    )


def _period_label(code: int) -> str:
    if code < 10000:
        return str(code)
    return f"{code // 10000}-{code % 10000}"


def _targets(unit: Unit | None, level: int | None, tree: str) -> list[Unit]:
    if level is None:
        return [] if unit is None else [unit]
    if unit is not None and level <= unit.level:
        raise AnalyticsError(
            "invalid",
            f"Cấp {level} không nằm dưới {unit.name}.",
            f"Level {level} is not below {unit.name}.",
            field="level",
        )
    # A page asks for the same units once per indicator: the list is kept
    # as briefly as the definitions are.
    key = ("targets", (unit.pk if unit else None, level, tree))
    cached = _cache_get(key)
    if isinstance(cached, list):
        return list(cached)
    found = _read_targets(unit, level, tree)
    _CACHE[key] = (time.monotonic(), found)
    return list(found)


def _read_targets(unit: Unit | None, level: int, tree: str) -> list[Unit]:
    query = Unit.objects.filter(level=level)
    if unit is not None:
        query = query.filter(path__startswith=unit.path)
    if tree == "current":
        query = query.filter(valid_to__isnull=True) | query.filter(
            valid_to__gte=REFORM_DATE
        )
    return list(query.order_by("code", "valid_from"))


# -- reading ------------------------------------------------------------------


def rows(
    code: str,
    *,
    unit: Unit | None = None,
    level: int | None = None,
    periods: Sequence[str] | None = None,
    tree: str = "legacy",
) -> list[Row]:
    """The indicator for `unit` (None: the whole country), or for its units
    at `level` below it, in `periods` (None: every year with figures)."""
    if tree not in TREES:
        raise AnalyticsError(
            "invalid",
            f"Cây “{tree}” không có: dùng legacy hoặc current.",
            f"No tree '{tree}': use legacy or current.",
            field="tree",
        )
    if level is not None and not 1 <= level <= 4:
        raise AnalyticsError(
            "invalid",
            "Cấp phải từ 1 (tỉnh) đến 4 (thôn).",
            "The level must be 1 (province) to 4 (village).",
            field="level",
        )
    definition = _definition(code)
    years, spans = _periods(periods)
    targets = _targets(unit, level, tree)
    store = Store()
    registry = _registry(store)
    wanted_codes = set(definition.numerator.codes)
    if definition.denominator is not None:
        wanted_codes |= set(definition.denominator.codes)
    if definition.own:
        wanted_codes.add(definition.own)
    ids = {c: registry.id_of(c) for c in wanted_codes}
    measure_ids = [i for i in ids.values() if i is not None]
    unit_ids = [u.pk for u in targets] if targets else [0]
    frame = _read(store, tree, targets, measure_ids, unit_ids)
    if spans:
        frame = pl.concat([frame, phase_rows(frame, registry.rules(), spans)])
    if years or spans:
        frame = frame.filter(
            pl.col("period").is_in(years + [phase_code(a, b) for a, b in spans])
        )
    own_factor = (
        registry.elements[definition.own].rule.factor
        if definition.own in registry.elements
        else 1.0
    )
    return _compute(definition, ids, frame, targets, own_factor)


def series(code: str, unit: Unit, *, tree: str = "current") -> list[Row]:
    return rows(code, unit=unit, tree=tree)


def _read(
    store: Store,
    tree: str,
    targets: list[Unit],
    measure_ids: list[int],
    unit_ids: list[int],
) -> pl.DataFrame:
    wanted = pl.col("measure").is_in(measure_ids) & pl.col("unit").is_in(unit_ids)
    frames: list[pl.DataFrame] = []
    top_level = not targets or targets[0].level <= 1
    if top_level:
        top = store.read(store.rows_path(tree, TOP))
        if top is not None:
            frames.append(top.filter(wanted))
    else:
        roots = sorted({int(u.path.strip("/").split("/")[0]) for u in targets})
        for root in roots:
            part = store.read(store.rows_path(tree, root))
            if part is not None:
                frames.append(part.filter(wanted))
            for level in sorted({u.level for u in targets}):
                facts = store.read(store.facts_path(root, level))
                if facts is None:
                    continue
                own = facts.filter(wanted)
                if tree == "current":
                    own = own.filter(pl.col("year") >= REFORM_YEAR)
                frames.append(
                    own.rename({"year": "period"}).with_columns(
                        pl.lit(1, pl.Int32).alias("n"), pl.lit(False).alias("estimate")
                    )
                )
    if not frames:
        from vandong.analytics.engine import ROLLUP_SCHEMA

        return pl.DataFrame(schema=ROLLUP_SCHEMA)
    return pl.concat(frames)


_KEY = ["unit", "period"]


def _side(
    frame: pl.DataFrame,
    side: expressions.Sum | None,
    ids: dict[str, int | None],
    name: str,
) -> pl.DataFrame | None:
    """A side's value per (unit, period), as whole columns: only where one
    of its terms has a figure; a term without one counts 0 when others have
    (no wards of a type: none met)."""
    if side is None:
        return None
    terms = [(ids[c], f) for c, f in side.terms if ids.get(c) is not None]
    if not terms:
        return (
            frame.select(_KEY)
            .clear()
            .with_columns(pl.lit(None, pl.Float64).alias(name))
        )
    factors = (
        pl.DataFrame(terms, schema={"measure": pl.Int32, "f": pl.Float64}, orient="row")
        .group_by("measure")
        .agg(pl.col("f").sum())
    )
    return (
        frame.join(factors, on="measure")
        .group_by(_KEY)
        .agg((pl.col("value") * pl.col("f")).sum().alias(name))
    )


def _compute(
    definition: _Definition,
    ids: dict[str, int | None],
    frame: pl.DataFrame,
    targets: list[Unit],
    own_factor: float,
) -> list[Row]:
    frame = frame.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    table = frame.group_by(_KEY).agg(pl.col("estimate").any())
    for name, side in (("num", definition.numerator), ("den", definition.denominator)):
        part = _side(frame, side, ids, name)
        table = (
            table.join(part, on=_KEY, how="left")
            if part is not None
            else (table.with_columns(pl.lit(None, pl.Float64).alias(name)))
        )
    own_id = ids.get(definition.own) if definition.own else None
    own = (
        frame.filter(pl.col("measure") == own_id).select(
            *_KEY, pl.col("value").alias("own")
        )
        if own_id is not None
        else None
    )
    table = (
        table.join(own, on=_KEY, how="left")
        if own is not None
        else (table.with_columns(pl.lit(None, pl.Float64).alias("own")))
    )
    num, den = pl.col("num"), pl.col("den")
    ratio = pl.when(den != 0).then(num / den)
    if definition.own is not None:
        # A data element: its own rolled-up figure, else its parts'.
        value = pl.coalesce(pl.col("own"), own_factor * ratio)
    elif definition.denominator is None:
        value = definition.info.factor * num
    else:
        value = definition.info.factor * ratio
    table = table.with_columns(value.alias("value")).filter(
        pl.any_horizontal(pl.col("value", "num", "den").is_not_null())
    )
    by_id = {u.pk: u for u in targets}
    result = []
    for unit_id, period, estimate, numerator, denominator, value in table.select(
        "unit", "period", "estimate", "num", "den", "value"
    ).iter_rows():
        unit = by_id.get(unit_id)
        result.append(
            Row(
                unit_id=unit_id,
                unit_code=unit.code if unit else "",
                unit_name=unit.name if unit else "Toàn quốc",
                unit_level=unit.level if unit else 0,
                unit_type=unit.type if unit else "",
                period=_period_label(period),
                value=value,
                numerator=numerator,
                denominator=denominator,
                estimate=bool(estimate),
            )
        )
    result.sort(key=lambda r: (r.unit_code, len(r.period), r.period))
    return result


def _registry(store: Store) -> Registry:
    derived = tuple(sorted(store.manifest().get("derived", {}).items()))
    key = ("registry", derived)
    cached = _cache_get(key)
    if isinstance(cached, Registry):
        return cached
    registry = Registry(dict(derived))
    _CACHE[key] = (time.monotonic(), registry)
    return registry


def years() -> list[int]:
    return [int(y) for y in Store().manifest().get("years", [])]


def store_stamp() -> str:
    """What changes whenever the store's figures change."""
    return Store().stamp()


def store_state() -> dict[str, object]:
    store = Store()
    manifest = store.manifest()
    progress = store.progress()
    stamp = manifest.get("refreshed_at") or manifest.get("built_at")
    return {
        "updated": datetime.datetime.fromisoformat(stamp) if stamp else None,
        "built_at": manifest.get("built_at"),
        "refreshed_at": manifest.get("refreshed_at"),
        "rows": sum(manifest.get("rows", {}).values()),
        "facts": manifest.get("facts", 0),
        "seconds": manifest.get("seconds"),
        "years": manifest.get("years", []),
        "building": progress is not None,
        "progress": progress,
    }


def unit_for(code: str, *, tree: str, on: datetime.date | None = None) -> Unit:
    """The unit a code names in a tree: on the given day, else the current
    unit of that code for the current tree and the legacy one (before the
    reform) for the legacy tree, falling back to whichever exists."""
    from vandong.geo.queries import unit_get

    days = (
        [on]
        if on
        else (
            [REFORM_DATE, LEGACY_END]
            if tree == "current"
            else [LEGACY_END, REFORM_DATE]
        )
    )
    for day in days:
        unit = unit_get(code=code, on=day)
        if unit is not None:
            return unit
    raise AnalyticsError(
        "unknown_unit",
        f"Không có đơn vị mã “{code}”.",
        f"No unit with code '{code}'.",
        field="unit",
    )
