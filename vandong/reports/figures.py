"""The figures of a report: each named expression of a template evaluated at
a unit and phase through the read APIs of the other apps (the analytics
store, the unit tree, targets, the registries, petitions), never their
tables' writers.

A figure either has a value (`Figure`) or is `Missing`, saying which data
would give it: a report never prints a blank or a zero for a figure it could
not compute. Each figure also knows where it came from (`Source`), so the web
report can link it to its breakdown by child unit and to the data values
behind it.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from vandong.accounts.queries import Actor
from vandong.analytics import expressions
from vandong.analytics import queries as analytics
from vandong.geo.models import LEGACY_END, REFORM_DATE, Unit, UnitQuerySet
from vandong.reports.spec import Call, FigureDef, ReportSpec

LEVEL_NAMES = {1: "tỉnh", 2: "huyện", 3: "xã", 4: "thôn, bản, tổ dân phố"}
LEVEL_NAMES_EN = {1: "province", 2: "district", 3: "commune", 4: "village"}

UNIT_KIND_VI = {
    "tinh": "tỉnh",
    "thanh_pho_tw": "thành phố",
    "huyen": "huyện",
    "quan": "quận",
    "thi_xa": "thị xã",
    "thanh_pho": "thành phố",
    "xa": "xã",
    "phuong": "phường",
    "thi_tran": "thị trấn",
    "dac_khu": "đặc khu",
}

CONTRIBUTION_FIELDS = {
    "cash": ("cash_vnd", "tiền mặt", "cash", True),
    "land": ("land_m2", "đất hiến (m²)", "land (m²)", False),
    "labour": ("labour_days", "ngày công", "labour days", False),
    "materials": ("materials_vnd", "vật liệu quy ra tiền", "materials", True),
    "total": ("total_vnd", "tiền mặt và vật liệu", "cash and materials", True),
}
PETITION_STATUSES = {
    "received": ("tiếp nhận", "received"),
    "in_progress": ("đang giải quyết", "in progress"),
    "overdue": ("quá hạn", "overdue"),
    "answered": ("đã trả lời, giải quyết", "answered"),
    "rejected": ("từ chối", "rejected"),
}


# --- where and when ------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The unit (None: the whole country), the tree and the phase a report is
    about, and who reads it (None: the system)."""

    unit: Unit | None
    tree: str
    start: int
    end: int
    actor: Actor = None

    @property
    def phase(self) -> str:
        return f"{self.start}-{self.end}" if self.start != self.end else str(self.end)

    @property
    def phase_years(self) -> int:
        return self.end - self.start + 1

    @property
    def next_end(self) -> int:
        return self.end + self.phase_years

    @property
    def unit_code(self) -> str:
        return self.unit.code if self.unit is not None else ""

    @property
    def unit_label(self) -> str:
        return self.unit.name if self.unit is not None else "toàn quốc"

    @property
    def child_level(self) -> int | None:
        """The level of the units one step below: districts under a province
        as reported, communes under it on the current tree (no districts
        after the reform), provinces under the country."""
        if self.unit is None:
            return 1
        if self.unit.level >= 4:
            return None
        if self.tree == "current" and self.unit.level == 1:
            return 3
        return self.unit.level + 1

    def period(self, word: str) -> str:
        """A period word of a template as the analytics store names it."""
        named = {
            "phase": self.phase,
            "end": str(self.end),
            "start": str(self.start),
            "next": str(self.next_end),
        }
        return named.get(word, word)


def years_of(period: str) -> list[int]:
    if "-" in period:
        first, last = period.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(period)]


def period_vi(period: str) -> str:
    years = years_of(period)
    return f"năm {years[0]}" if len(years) == 1 else f"các năm {years[0]}-{years[-1]}"


def last_day(period: str) -> datetime.date:
    return datetime.date(years_of(period)[-1], 12, 31)


# --- what a figure is -----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a figure comes from, for its links and its annex table."""

    kind: str  # analytics, units, target, contributions, ocop, petitions, share, text, date
    period: str = ""
    code: str = ""  # indicator or data element; target code
    part: str = ""  # value, numerator, denominator (analytics)
    elements: tuple[str, ...] = ()  # data elements behind it (the data values)
    label_vi: str = ""
    label_en: str = ""
    arguments: tuple[
        str, ...
    ] = ()  # unit types, registry field and filters, share parts

    @property
    def has_breakdown(self) -> bool:
        return self.kind in (
            "analytics",
            "units",
            "contributions",
            "ocop",
            "petitions",
            "share",
        )


@dataclass(frozen=True)
class Figure:
    name: str
    line: int
    source: Source
    value: float | None = None
    text: str | None = None
    day: datetime.date | None = None
    numerator: float | None = None
    denominator: float | None = None
    percent: bool = False  # the value is a percentage (61.5 means 61,5%)
    money: bool = False
    estimate: bool = False
    comparator: str = ""  # targets
    target_kind: str = ""


@dataclass(frozen=True)
class Missing:
    name: str
    line: int
    needs_vi: str
    needs_en: str
    source: Source | None = None


Result = Figure | Missing


@dataclass(frozen=True)
class ChildValue:
    unit_id: int
    unit_code: str
    unit_name: str
    unit_level: int
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    estimate: bool = False


# --- evaluation -----------------------------------------------------------------------------


@dataclass
class Evaluator:
    """Evaluates the figures of one template for one scope, each once, reading
    the analytics store once per code."""

    spec: ReportSpec
    scope: Scope
    _results: dict[str, Result] = field(default_factory=dict)
    _rows: dict[str, dict[str, analytics.Row]] = field(default_factory=dict)
    _info: dict[str, analytics.IndicatorInfo | None] = field(default_factory=dict)

    # -- choosing the definition --------------------------------------------------

    def definition(self, name: str) -> FigureDef | None:
        """The definition for this unit and phase: name[CODE@PHASE], then
        name[CODE], name[@PHASE] and name."""
        candidates = self.spec.definitions(name)
        code, phase = self.scope.unit_code, self.scope.phase
        for wanted in ((code, phase), (code, ""), ("", phase), ("", "")):
            for candidate in candidates:
                if (candidate.unit_code, candidate.phase) == wanted:
                    return candidate
        return None

    def figure(self, name: str) -> Result:
        if name not in self._results:
            self._results[name] = self._evaluate(name)
        return self._results[name]

    def prefetch(self, names: Iterable[str]) -> None:
        """Read the analytics rows the figures need, one call per code."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for name in names:
            definition = self.definition(name)
            if definition is None:
                continue
            call = definition.call
            if call.function in ("value", "numerator", "denominator"):
                period = self.scope.period(
                    call.args[1] if len(call.args) > 1 else "phase"
                )
                if period not in self._rows.get(call.args[0], {}):
                    wanted[call.args[0]].add(period)
        for code, periods in wanted.items():
            self._read(code, sorted(periods))

    def _read(self, code: str, periods: Sequence[str]) -> None:
        found = self._rows.setdefault(code, {})
        try:
            rows = analytics.rows(
                code, unit=self.scope.unit, periods=list(periods), tree=self.scope.tree
            )
        except analytics.AnalyticsError:
            rows = []
        own = self.scope.unit.pk if self.scope.unit is not None else 0
        for row in rows:
            if row.unit_id == own:
                found[row.period] = row
        for period in periods:
            found.setdefault(period, None)  # type: ignore[arg-type]

    def info(self, code: str) -> analytics.IndicatorInfo | None:
        if not self._info:
            # every indicator and element described at once (two queries)
            self._info = {
                i.code: i for i in analytics.indicators(include_elements=True)
            }
        return self._info.get(code)

    def _evaluate(self, name: str) -> Result:
        definition = self.definition(name)
        if definition is None:
            line = min((d.line for d in self.spec.definitions(name)), default=0)
            code = self.scope.unit_code or "…"
            return Missing(
                name,
                line,
                f"Mẫu báo cáo chưa ghi “{name}” cho {self.scope.unit_label}, giai đoạn "
                f"{self.scope.phase}: thêm dòng {name}[{code}@{self.scope.phase}] = … "
                "vào khối [figures] của mẫu.",
                f"The template has no '{name}' for {self.scope.unit_label}, phase "
                f"{self.scope.phase}: add a line {name}[{code}@{self.scope.phase}] = … "
                "under [figures].",
            )
        call = definition.call
        handler = getattr(self, f"_f_{call.function}")
        result: Result = handler(name, definition.line, call)
        return result

    # -- the functions ---------------------------------------------------------------

    def _analytics(self, name: str, line: int, call: Call, part: str) -> Result:
        code = call.args[0]
        period = self.scope.period(call.args[1] if len(call.args) > 1 else "phase")
        if period not in self._rows.get(code, {}):
            self._read(code, [period])
        row = self._rows[code].get(period)
        info = self.info(code)
        source = Source(
            kind="analytics",
            period=period,
            code=code,
            part=part,
            elements=self.elements_of(code),
            label_vi=info.name_vi if info else code,
            label_en=info.name_en if info else code,
        )
        value = None
        if row is not None:
            value = {
                "value": row.value,
                "numerator": row.numerator,
                "denominator": row.denominator,
            }[part]
        if row is None or value is None:
            vi, en = self.needs(code, period)
            return Missing(name, line, vi, en, source)
        percent = bool(info and info.measure_vi == "%" and part == "value")
        return Figure(
            name,
            line,
            source,
            value=float(value),
            numerator=row.numerator,
            denominator=row.denominator,
            percent=percent,
            money=bool(info and info.measure_vi in ("đồng", "VND")),
            estimate=row.estimate,
        )

    def _f_value(self, name: str, line: int, call: Call) -> Result:
        return self._analytics(name, line, call, "value")

    def _f_numerator(self, name: str, line: int, call: Call) -> Result:
        return self._analytics(name, line, call, "numerator")

    def _f_denominator(self, name: str, line: int, call: Call) -> Result:
        return self._analytics(name, line, call, "denominator")

    def _units_day(self, period: str) -> datetime.date:
        day = last_day(period)
        # Each tree counts its own units: today's from the reform on, the
        # units as reported up to their last day.
        if self.scope.tree == "current" and day < REFORM_DATE:
            return REFORM_DATE
        if self.scope.tree == "legacy" and day > LEGACY_END:
            return LEGACY_END
        return day

    def _units_query(self, types: Sequence[str], period: str) -> UnitQuerySet:
        query = Unit.objects.valid_on(self._units_day(period)).filter(type__in=types)
        if self.scope.unit is not None:
            query = query.within(self.scope.unit).exclude(pk=self.scope.unit.pk)
        return query

    def _f_units(self, name: str, line: int, call: Call) -> Result:
        period = self.scope.period(call.keyword("period", "end"))
        types = tuple(call.args)
        count = self._units_query(types, period).count()
        source = Source(
            kind="units",
            period=period,
            arguments=types,
            label_vi="Số đơn vị " + ", ".join(UNIT_KIND_VI.get(t, t) for t in types),
            label_en="Units of type " + ", ".join(types),
        )
        return Figure(name, line, source, value=float(count))

    def _f_target(self, name: str, line: int, call: Call) -> Result:
        from vandong.analytics.models import Target

        code = call.args[0]
        deadline = call.args[1] if len(call.args) > 1 else "next"
        year = self.scope.next_end if deadline == "next" else int(deadline)
        target = (
            Target.objects.filter(
                indicator__code=code,
                deadline_year=year,
                is_active=True,
                scope=self.scope.unit,
            )
            .order_by("code")
            .first()
        )
        source = Source(
            kind="target", period=str(year), code=code, label_vi=f"Mục tiêu {code}"
        )
        if target is None:
            return Missing(
                name,
                line,
                f"Chưa có mục tiêu nào của chỉ số {code} cho {self.scope.unit_label} với "
                f"hạn năm {year}: thêm vào vandong/analytics/targets/targets.yaml hoặc "
                "trang quản trị (Mục tiêu).",
                f"No target on indicator {code} for {self.scope.unit_label} due {year}: "
                "add one to targets.yaml or in the admin (Targets).",
                source,
            )
        source = Source(
            kind="target",
            period=str(year),
            code=target.code,
            label_vi=target.name_vi,
            label_en=target.name_en,
            arguments=(target.source,),
        )
        return Figure(
            name,
            line,
            source,
            value=target.value,
            comparator=target.comparator,
            target_kind=target.kind,
            percent=target.indicator.measure_vi == "%",
        )

    def _contributions(self, call: Call, unit: Unit | None) -> tuple[int, float]:
        from vandong.registries.contributions.queries import (
            ContributionFilter,
            contribution_list,
        )
        from vandong.registries.contributions.totals import totals_of

        period = self.scope.period(call.args[1] if len(call.args) > 1 else "phase")
        years = years_of(period)
        start = datetime.date(years[0], 1, 1)
        end = datetime.date(years[-1], 12, 31)
        every = totals_of(
            contribution_list(
                actor=self.scope.actor,
                filters=ContributionFilter(unit=unit, start=start, end=end),
            )
        )
        if not every.records:
            return 0, 0.0
        kind, purpose = call.keyword("kind"), call.keyword("purpose")
        totals = (
            totals_of(
                contribution_list(
                    actor=self.scope.actor,
                    filters=ContributionFilter(
                        unit=unit, start=start, end=end, kind=kind, purpose=purpose
                    ),
                )
            )
            if kind or purpose
            else every
        )
        attribute = CONTRIBUTION_FIELDS[call.args[0]][0]
        return every.records, float(getattr(totals, attribute))

    def _f_contributions(self, name: str, line: int, call: Call) -> Result:
        period = self.scope.period(call.args[1] if len(call.args) > 1 else "phase")
        _, label_vi, label_en, money = CONTRIBUTION_FIELDS[call.args[0]]
        extra = [f"{k}={v}" for k, v in call.keywords]
        source = Source(
            kind="contributions",
            period=period,
            arguments=(call.args[0], *extra),
            label_vi=f"Sổ đóng góp: {label_vi}"
            + (f" ({', '.join(extra)})" if extra else ""),
            label_en=f"Contributions registry: {label_en}",
        )
        records, value = self._contributions(call, self.scope.unit)
        if not records:
            return Missing(
                name,
                line,
                f"Sổ theo dõi đóng góp chưa có bản ghi nào của {self.scope.unit_label} "
                f"trong {period_vi(period)}: cần ghi các khoản đóng góp vào sổ (Đóng góp).",
                f"The contributions registry holds no record for {self.scope.unit_label} "
                f"in {period}: record the contributions (Contributions).",
                source,
            )
        return Figure(name, line, source, value=value, money=money)

    def _f_ocop(self, name: str, line: int, call: Call) -> Result:
        from vandong.registries.ocop.queries import ocop_product_list

        stars = int(call.args[0])
        period = self.scope.period(call.args[1] if len(call.args) > 1 else "end")
        day = last_day(period)
        source = Source(
            kind="ocop",
            period=period,
            arguments=(str(stars),),
            label_vi=f"Sổ OCOP: sản phẩm {stars} sao còn hiệu lực ngày {day:%d/%m/%Y}",
            label_en=f"OCOP registry: {stars}-star products valid on {day}",
        )
        products = ocop_product_list(actor=self.scope.actor, within=self.scope.unit)
        if not products.exists():
            return Missing(
                name,
                line,
                f"Sổ OCOP chưa có sản phẩm nào của {self.scope.unit_label}: cần ghi các "
                "sản phẩm và quyết định công nhận hạng sao (OCOP).",
                f"The OCOP registry holds no product of {self.scope.unit_label}.",
                source,
            )
        count = ocop_product_list(
            actor=self.scope.actor, within=self.scope.unit, stars=stars, on=day
        ).count()
        return Figure(name, line, source, value=float(count))

    def _f_petitions(self, name: str, line: int, call: Call) -> Result:
        status = call.args[0]
        period = self.scope.period(call.args[1] if len(call.args) > 1 else "phase")
        label_vi, label_en = PETITION_STATUSES[status]
        source = Source(
            kind="petitions",
            period=period,
            arguments=(status,),
            label_vi=f"Kiến nghị của Nhân dân: {label_vi}",
            label_en=f"Petitions: {label_en}",
        )
        received, value = self._petitions(status, period, self.scope.unit)
        if not received:
            return Missing(
                name,
                line,
                f"Chưa có kiến nghị nào của {self.scope.unit_label} được ghi nhận trong "
                f"{period_vi(period)}: cần ghi các kiến nghị vào sổ (Kiến nghị).",
                f"No petition of {self.scope.unit_label} is recorded in {period}.",
                source,
            )
        return Figure(name, line, source, value=float(value))

    def _petitions(
        self, status: str, period: str, unit: Unit | None
    ) -> tuple[int, int]:
        from vandong.petitions.queries import summary

        received = value = 0
        for year in years_of(period):
            total = summary(actor=self.scope.actor, root=unit, year=year)[-1].petitions
            received += total.received
            value += getattr(total, status)
        return received, value

    def _f_share(self, name: str, line: int, call: Call) -> Result:
        top, bottom = (self.figure(n) for n in call.args)
        source = Source(
            kind="share",
            period=self.scope.phase,
            arguments=tuple(call.args),
            label_vi=f"{call.args[0]} / {call.args[1]} × 100",
            label_en=f"{call.args[0]} / {call.args[1]} × 100",
        )
        if isinstance(top, Missing):
            return Missing(name, line, top.needs_vi, top.needs_en, source)
        if isinstance(bottom, Missing):
            return Missing(name, line, bottom.needs_vi, bottom.needs_en, source)
        if not bottom.value:
            return Missing(
                name,
                line,
                f"“{call.args[1]}” bằng 0 nên không tính được tỷ lệ “{name}”.",
                f"'{call.args[1]}' is 0, so the share '{name}' cannot be computed.",
                source,
            )
        return Figure(
            name,
            line,
            source,
            value=100.0 * (top.value or 0.0) / bottom.value,
            numerator=top.value,
            denominator=bottom.value,
            percent=True,
        )

    def _f_text(self, name: str, line: int, call: Call) -> Result:
        return Figure(name, line, Source(kind="text"), text=call.args[0])

    def _f_date(self, name: str, line: int, call: Call) -> Result:
        day = datetime.date.fromisoformat(call.args[0])
        return Figure(name, line, Source(kind="date"), day=day)

    # -- what data a figure needs -----------------------------------------------------

    @cached_property
    def _elements(self) -> dict[str, tuple[str, int, str, str]]:
        """code -> (name, level, numerator code, denominator code)."""
        from vandong.catalog.models import DataElement

        return {
            e.code: (
                e.name_vi,
                e.level,
                e.numerator.code if e.numerator else "",
                e.denominator.code if e.denominator else "",
            )
            for e in DataElement.objects.select_related("numerator", "denominator")
        }

    @cached_property
    def _indicators(self) -> dict[str, tuple[str, str]]:
        """code -> (numerator, denominator) of the active indicators."""
        from vandong.analytics.models import Indicator

        return {
            code: (numerator, denominator)
            for code, numerator, denominator in Indicator.objects.filter(
                is_active=True
            ).values_list("code", "numerator", "denominator")
        }

    def terms_of(self, code: str) -> list[str]:
        """The measures an indicator or element is computed from."""
        indicator = self._indicators.get(code)
        if indicator is not None:
            numerator, denominator = indicator
            terms = list(expressions.parse(numerator).codes)
            if denominator:
                terms += list(expressions.parse(denominator).codes)
            return list(dict.fromkeys(terms))
        element = self._elements.get(code)
        if element is not None and element[2] and element[3]:
            return [element[2], element[3]]
        return [code]

    def elements_of(self, code: str) -> tuple[str, ...]:
        return tuple(t for t in self.terms_of(code) if ":" not in t)

    def needs(self, code: str, period: str) -> tuple[str, str]:
        parts_vi, parts_en = [], []
        for term in self.terms_of(code):
            kind, _, argument = term.partition(":")
            if argument and kind == "units":
                parts_vi.append(f"danh mục đơn vị loại {argument}")
                parts_en.append(f"the unit list ({argument})")
            elif argument and kind in ("met", "evaluated"):
                parts_vi.append(f"kết quả đánh giá theo bộ tiêu chí loại {argument}")
                parts_en.append(f"evaluations against criteria sets of kind {argument}")
            elif argument and kind == "recognized":
                parts_vi.append(f"quyết định công nhận loại {argument}")
                parts_en.append(f"recognition decisions of kind {argument}")
            else:
                name_vi, level, _, _ = self._elements.get(term, (term, 0, "", ""))
                where = LEVEL_NAMES.get(level, "")
                parts_vi.append(
                    f"chỉ tiêu {term} ({name_vi})"
                    + (f" do cấp {where} báo cáo" if where else "")
                )
                parts_en.append(
                    f"data element {term}"
                    + (
                        f" reported by each {LEVEL_NAMES_EN[level]}"
                        if level in LEVEL_NAMES_EN
                        else ""
                    )
                )
        return (
            f"Chưa có số liệu {code} của {self.scope.unit_label}, {period_vi(period)}: "
            f"cần {'; '.join(parts_vi)}.",
            f"No figure {code} for {self.scope.unit_label} in {period}: needs "
            f"{'; '.join(parts_en)}.",
        )

    # -- by child unit ------------------------------------------------------------------

    def children(self, name: str, level: int | None = None) -> list[ChildValue]:
        """The figure for each unit at `level` (default: the next one) below
        the report's unit; [] where the figure does not break down."""
        level = level or self.scope.child_level
        definition = self.definition(name)
        if level is None or definition is None:
            return []
        call = definition.call
        function = call.function
        if function in ("value", "numerator", "denominator"):
            period = self.scope.period(call.args[1] if len(call.args) > 1 else "phase")
            try:
                rows = analytics.rows(
                    call.args[0],
                    unit=self.scope.unit,
                    level=level,
                    periods=[period],
                    tree=self.scope.tree,
                )
            except analytics.AnalyticsError:
                return []
            return [
                ChildValue(
                    r.unit_id,
                    r.unit_code,
                    r.unit_name,
                    r.unit_level,
                    {
                        "value": r.value,
                        "numerator": r.numerator,
                        "denominator": r.denominator,
                    }[function],
                    r.numerator,
                    r.denominator,
                    r.estimate,
                )
                for r in rows
                if r.period == period
            ]
        if function == "units":
            return self._units_children(call, level)
        if function == "share":
            return self._share_children(call, level)
        if function in ("contributions", "ocop", "petitions"):
            return self._registry_children(call, level)
        return []

    def child_units(self, level: int, period: str) -> list[Unit]:
        query = Unit.objects.filter(level=level).valid_on(self._units_day(period))
        if self.scope.unit is not None:
            query = query.within(self.scope.unit)
        return list(query.order_by("code", "valid_from"))

    def _units_children(self, call: Call, level: int) -> list[ChildValue]:
        period = self.scope.period(call.keyword("period", "end"))
        children = self.child_units(level, period)
        depth = {u.pk: u for u in children}
        counts: dict[int, int] = defaultdict(int)
        for path in self._units_query(tuple(call.args), period).values_list(
            "path", flat=True
        ):
            for ancestor in (int(p) for p in path.strip("/").split("/") if p):
                if ancestor in depth:
                    counts[ancestor] += 1
        return [
            ChildValue(u.pk, u.code, u.name, u.level, float(counts.get(u.pk, 0)))
            for u in children
        ]

    def _share_children(self, call: Call, level: int) -> list[ChildValue]:
        top = {c.unit_id: c for c in self.children(call.args[0], level)}
        bottom = {c.unit_id: c for c in self.children(call.args[1], level)}
        result = []
        for unit_id, low in bottom.items():
            high = top.get(unit_id)
            value = (
                100.0 * (high.value or 0.0) / low.value
                if high is not None and low.value
                else None
            )
            result.append(
                ChildValue(
                    unit_id,
                    low.unit_code,
                    low.unit_name,
                    low.unit_level,
                    value,
                    high.value if high else None,
                    low.value,
                )
            )
        return result

    def _registry_children(self, call: Call, level: int) -> list[ChildValue]:
        """The figure for each child unit, read once at the report's unit and
        shared out by path: one grouped query (petitions: one per year)."""
        period = self.scope.period(
            call.args[1]
            if len(call.args) > 1
            else ("end" if call.function == "ocop" else "phase")
        )
        children = self.child_units(level, period)
        if call.function == "contributions":
            values = self._contributions_by_child(call, period, children)
        elif call.function == "ocop":
            values = self._ocop_by_child(call, period, children)
        else:
            values = self._petitions_by_child(call.args[0], period, children)
        return [
            ChildValue(u.pk, u.code, u.name, u.level, values.get(u.pk))
            for u in children
        ]

    def _contributions_by_child(
        self, call: Call, period: str, children: list[Unit]
    ) -> dict[int, float | None]:
        """Per child unit: the amount where it has any record in the period
        (0 when none of the asked kind or purpose), else None."""
        from django.db.models import Count, Q, Sum

        from vandong.registries.contributions.queries import (
            ContributionFilter,
            contribution_list,
        )

        years = years_of(period)
        records = contribution_list(
            actor=self.scope.actor,
            filters=ContributionFilter(
                unit=self.scope.unit,
                start=datetime.date(years[0], 1, 1),
                end=datetime.date(years[-1], 12, 31),
            ),
        )
        kind, purpose = call.keyword("kind"), call.keyword("purpose")
        wanted = Q()
        if kind:
            wanted &= Q(kind=kind)
        if purpose:
            wanted &= Q(purpose=purpose)
        attribute = CONTRIBUTION_FIELDS[call.args[0]][0]
        fields = (
            ("cash_vnd", "materials_vnd") if attribute == "total_vnd" else (attribute,)
        )
        sums = {f: Sum(f, filter=wanted) if kind or purpose else Sum(f) for f in fields}
        rows = (
            records.order_by()
            .values("unit__path")
            .annotate(records=Count("pk"), **sums)
        )
        ids = {u.pk for u in children}
        values: dict[int, float | None] = {}
        for row in rows:
            child = _child_of(str(row["unit__path"]), ids)
            if child is None or not row["records"]:
                continue
            amount = sum(float(row[f] or 0) for f in fields)
            values[child] = (values.get(child) or 0.0) + amount
        return values

    def _ocop_by_child(
        self, call: Call, period: str, children: list[Unit]
    ) -> dict[int, float | None]:
        """Per child unit: its products of that many stars valid on the
        period's last day (0 where none)."""
        from django.db.models import Count

        from vandong.registries.ocop.queries import ocop_product_list

        rows = (
            ocop_product_list(
                actor=self.scope.actor,
                within=self.scope.unit,
                stars=int(call.args[0]),
                on=last_day(period),
            )
            .prefetch_related(None)
            .order_by()
            .values("unit__path")
            .annotate(n=Count("pk"))
        )
        ids = {u.pk for u in children}
        values: dict[int, float | None] = dict.fromkeys(ids, 0.0)
        for row in rows:
            child = _child_of(str(row["unit__path"]), ids)
            if child is not None:
                values[child] = (values[child] or 0.0) + float(row["n"])
        return values

    def _petitions_by_child(
        self, status: str, period: str, children: list[Unit]
    ) -> dict[int, float | None]:
        """Per child unit: the petitions of that status where it received
        any in the period, else None. The summary at the report's unit has a
        row per unit one step below it: one call per year."""
        from vandong.petitions.queries import summary

        unit = self.scope.unit
        direct = (
            all(u.parent_id == unit.pk for u in children)
            if unit is not None
            else self.scope.actor is None and all(u.level == 1 for u in children)
        )
        if not direct:
            # units further down than the summary's rows: one call each
            values: dict[int, float | None] = {}
            for child in children:
                any_received, count = self._petitions(status, period, child)
                values[child.pk] = float(count) if any_received else None
            return values
        received: dict[int, int] = defaultdict(int)
        counted: dict[int, int] = defaultdict(int)
        for year in years_of(period):
            for row in summary(actor=self.scope.actor, root=unit, year=year)[:-1]:
                if row.unit is not None:
                    received[row.unit.pk] += row.petitions.received
                    counted[row.unit.pk] += getattr(row.petitions, status)
        return {
            u.pk: float(counted[u.pk]) if received[u.pk] else None for u in children
        }


def _child_of(path: str, ids: set[int]) -> int | None:
    """The unit among `ids` on a unit's path (itself or an ancestor)."""
    for ancestor in (int(p) for p in path.strip("/").split("/") if p):
        if ancestor in ids:
            return ancestor
    return None
