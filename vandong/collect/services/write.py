"""`data_values_write`: the one way data values are created, changed and deleted.

A web cell, an API call and a million-row file all pass here. The rows become
columns (a polars frame) and every check runs per column or per distinct code,
never per row in Python:

1. codes are resolved by joins: data elements and periods by code, units by
   code on the period's last day (codes were reused at the 2025 reform);
2. scope: every unit must be within the actor's ENTER_DATA scope, else the
   rows are refused with "out_of_scope" (403) and named;
3. checks: unknown codes, an element of another level than the unit, values
   that do not fit the value type (`values.type_column`), comments too long,
   keys given twice: "invalid_rows" (400) naming every row (1,000 listed);
4. locks: a row that would change a value of an approved (data set, unit,
   period) is refused with "locked" (409);
5. the rows are staged in a temporary table (executemany on SQLite, COPY on
   PostgreSQL) and SQL does the rest: counts, one audit row per change, the
   updates, inserts and deletes (`store.apply`).

All of it runs in one transaction with an `ImportBatch` row: it commits whole
or not at all; a process killed half-way leaves the database as it was. A dry
run does everything, then rolls back, and records only a "dry_run" batch; a
refused write records a "rejected" batch with its errors.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.catalog.models import DataElement, DataSet, DataSetElement, Period
from vandong.collect import locks
from vandong.collect.errors import CollectErrorCode
from vandong.collect.models import Approval, ApprovalState, DataValue, ImportBatch
from vandong.collect.rows import ValueRow
from vandong.collect.services import store
from vandong.collect.signals import values_changed
from vandong.collect.validation import Violation, violations_for
from vandong.collect.values import MAX_COMMENT, ValueColumns, type_column
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi
from vandong.geo.models import Level, Unit

logger = logging.getLogger(__name__)

MAX_LISTED = 1000
CHUNK = 5000

Progress = Callable[[int, int], None]

LEVEL_VI: dict[int, str] = {
    Level.PROVINCE: "cấp tỉnh",
    Level.DISTRICT: "cấp huyện",
    Level.COMMUNE: "cấp xã",
    Level.VILLAGE: "cấp thôn",
}
LEVEL_EN: dict[int, str] = {
    Level.PROVINCE: "province",
    Level.DISTRICT: "district",
    Level.COMMUNE: "commune",
    Level.VILLAGE: "village",
}


@dataclass
class WriteResult:
    created: int
    updated: int
    unchanged: int
    deleted: int
    batch_id: int | None
    dry_run: bool
    violations: list[Violation] = field(default_factory=list)


class _DryRun(Exception):  # noqa: N818 - a control-flow signal, not an error
    def __init__(self, counts: store.Counts, violations: list[Violation]) -> None:
        super().__init__("dry run")
        self.counts = counts
        self.violations = violations


class _Report:
    """progress(done, total) over both halves: checking, then writing."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total

    def checked(self, share: float) -> None:
        self._say(int(self.total * share / 2))

    def written(self, share: float) -> None:
        self._say(self.total // 2 + int((self.total - self.total // 2) * share))

    def _say(self, done: int) -> None:
        if self.progress is not None:
            self.progress(min(done, self.total), self.total)


# Registries that keep data elements (DataElement.registry), as named in errors.
REGISTRY_NAMES: dict[str, tuple[str, str]] = {
    "contributions": ("sổ theo dõi đóng góp", "contributions registry"),
    "ocop": ("sổ sản phẩm OCOP", "OCOP products registry"),
    "teams": ("sổ mô hình, tổ, đội", "models and teams registry"),
    "conferences": ("sổ hội nghị đối thoại", "dialogue conferences registry"),
}


def _max_id(series: pl.Series) -> int:
    top = series.max()
    return int(top) if isinstance(top, int) else 0


def _day(day: datetime.date) -> tuple[str, str]:
    return day.strftime("%d/%m/%Y"), day.isoformat()


def _row_error(
    row: dict[str, object], field_name: str, message_vi: str, message_en: str
) -> RowError:
    return RowError(
        row=int(row["row"] or 0),  # type: ignore[call-overload]
        field=field_name,
        message_vi=message_vi,
        message_en=message_en,
        sheet=str(row["sheet"] or ""),
        column=str(row["column"] or ""),
        unit=str(row["unit_code"] or ""),
        element=str(row["data_element"] or ""),
    )


def _refuse(
    code: str, errors: list[RowError], total: int, what_vi: str, what_en: str
) -> DomainError:
    listed = errors[:MAX_LISTED]
    more_vi = more_en = ""
    if total > len(listed):
        more_vi = f" (liệt kê {number_vi(len(listed))} dòng đầu)"
        more_en = f" (the first {len(listed):,} are listed)"
    return DomainError(
        code,
        f"{number_vi(total)} dòng {what_vi}{more_vi}; không có số liệu nào được lưu.",
        f"{total:,} {'row' if total == 1 else 'rows'} {what_en}{more_en}; nothing was saved.",
        rows=listed,
    )


@dataclass
class _Plan:
    frame: pl.DataFrame  # k, value, text_value, comment, delete: sorted by k
    radix: store.Radix
    unit_ids: list[int]
    period_ids: list[int]


class _Checker:
    """Resolves, scopes and types a frame of rows; raises DomainError on the first
    class of problems found (out of scope, then invalid, then locked)."""

    def __init__(self, actor: Actor, columns: ValueColumns, report: _Report) -> None:
        self.actor = actor
        self.frame = columns.frame.with_row_index("i")
        self.report = report
        self.units: dict[
            int, tuple[str, str, int, str]
        ] = {}  # id: code, name, level, path

    def run(self) -> _Plan:
        frame = self._resolve()
        self.report.checked(0.3)
        self._check_scope(frame)
        frame = self._check_rows(frame)
        self.report.checked(0.8)
        unit_ids = sorted(int(u) for u in frame["u"].unique().to_list())
        period_ids = sorted(int(p) for p in frame["p"].unique().to_list())
        locks.lock_units(unit_ids)
        self._check_locks(frame, unit_ids, period_ids)
        self.report.checked(1.0)
        plan = frame.select(
            "k",
            "value",
            "text_value",
            pl.when(pl.col("comment") == "")
            .then(None)
            .otherwise(pl.col("comment"))
            .alias("comment"),
            "delete",
        ).sort("k")
        return _Plan(
            frame=plan, radix=self.radix, unit_ids=unit_ids, period_ids=period_ids
        )

    # -- 1. codes ---------------------------------------------------------------

    def _resolve(self) -> pl.DataFrame:
        frame = self.frame
        codes = [c for c in frame["data_element"].unique().to_list() if c]
        elements = list(
            DataElement.objects.filter(code__in=codes).values_list(
                "code",
                "pk",
                "value_type",
                "level",
                "min_value",
                "max_value",
                "is_active",
                "numerator_id",
                "denominator_id",
                "registry",
            )
        )
        element_frame = pl.DataFrame(
            {
                "data_element": [e[0] for e in elements],
                "e": [e[1] for e in elements],
                "value_type": [e[2] for e in elements],
                "e_level": [e[3] for e in elements],
                "lo": [e[4] for e in elements],
                "hi": [e[5] for e in elements],
                "active": [e[6] for e in elements],
                "computed": [e[7] is not None and e[8] is not None for e in elements],
                # Kept by a registry: only the registry's own sync (the
                # system, no actor) writes it.
                "kept": [bool(e[9]) and self.actor is not None for e in elements],
                "registry": [e[9] for e in elements],
            },
            schema={
                "data_element": pl.String,
                "e": pl.Int64,
                "value_type": pl.String,
                "e_level": pl.Int64,
                "lo": pl.Float64,
                "hi": pl.Float64,
                "active": pl.Boolean,
                "computed": pl.Boolean,
                "kept": pl.Boolean,
                "registry": pl.String,
            },
        )
        period_codes = [c for c in frame["period"].unique().to_list() if c]
        periods = list(
            Period.objects.filter(code__in=period_codes).values_list(
                "code", "pk", "end"
            )
        )
        self.period_end = {pk: end for _, pk, end in periods}
        self.period_code = {pk: code for code, pk, _ in periods}
        period_frame = pl.DataFrame(
            {"period": [p[0] for p in periods], "p": [p[1] for p in periods]},
            schema={"period": pl.String, "p": pl.Int64},
        )
        frame = frame.join(element_frame, on="data_element", how="left").join(
            period_frame, on="period", how="left"
        )
        pairs = (
            frame.filter(pl.col("p").is_not_null() & (pl.col("unit_code") != ""))
            .select("unit_code", "p")
            .unique()
        )
        unit_codes = sorted(set(pairs["unit_code"].to_list()))
        self.candidates: dict[
            str, list[tuple[int, datetime.date | None, datetime.date | None]]
        ] = defaultdict(list)
        for start in range(0, len(unit_codes), CHUNK):
            for (
                pk,
                code,
                name,
                level,
                path,
                valid_from,
                valid_to,
            ) in Unit.objects.filter(
                code__in=unit_codes[start : start + CHUNK]
            ).values_list(
                "pk", "code", "name", "level", "path", "valid_from", "valid_to"
            ):
                self.units[pk] = (code, name, level, path)
                self.candidates[code].append((pk, valid_from, valid_to))
        resolved_codes: list[str] = []
        resolved_periods: list[int] = []
        resolved_units: list[int] = []
        for code, period_id in pairs.iter_rows():
            end = self.period_end[period_id]
            for pk, valid_from, valid_to in self.candidates.get(code, ()):
                if (valid_from is None or valid_from <= end) and (
                    valid_to is None or valid_to >= end
                ):
                    resolved_codes.append(code)
                    resolved_periods.append(period_id)
                    resolved_units.append(pk)
                    break
        unit_frame = pl.DataFrame(
            {
                "unit_code": resolved_codes,
                "p": resolved_periods,
                "u": resolved_units,
                "u_level": [self.units[u][2] for u in resolved_units],
            },
            schema={
                "unit_code": pl.String,
                "p": pl.Int64,
                "u": pl.Int64,
                "u_level": pl.Int64,
            },
        )
        return frame.join(unit_frame, on=["unit_code", "p"], how="left")

    # -- 2. scope ---------------------------------------------------------------

    def _check_scope(self, frame: pl.DataFrame) -> None:
        if self.actor is None:
            return
        touched = sorted(int(u) for u in frame["u"].drop_nulls().unique().to_list())
        allowed: set[int] = set()
        scope = scope_q(actor=self.actor, action=Action.ENTER_DATA)
        for start in range(0, len(touched), CHUNK):
            allowed.update(
                Unit.objects.filter(scope, pk__in=touched[start : start + CHUNK])
                .order_by()
                .values_list("pk", flat=True)
            )
        refused = set(touched) - allowed
        if not refused:
            return
        bad = frame.filter(pl.col("u").is_in(sorted(refused))).sort("i")
        errors = []
        for row in bad.head(MAX_LISTED).iter_rows(named=True):
            code, name, _level, _path = self.units[row["u"]]
            errors.append(
                _row_error(
                    row,
                    "unit_code",
                    f"{name} ({code}) nằm ngoài phạm vi bạn được nhập số liệu.",
                    f"{name} ({code}) is outside the units you may enter data for.",
                )
            )
        names = ", ".join(
            f"{self.units[u][0]} {self.units[u][1]}" for u in sorted(refused)[:10]
        )
        raise _refuse(
            CollectErrorCode.OUT_OF_SCOPE,
            errors,
            bad.height,
            f"thuộc đơn vị ngoài phạm vi nhập liệu của bạn ({names})",
            f"belong to units outside your data-entry scope ({names})",
        )

    # -- 3. rows ----------------------------------------------------------------

    def _check_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        known = (
            pl.col("e").is_not_null()
            & pl.col("p").is_not_null()
            & pl.col("u").is_not_null()
        )
        good_key = (
            known
            & pl.col("active")
            & ~pl.col("computed")
            & ~pl.col("kept")
            & (pl.col("e_level") == pl.col("u_level"))
        )
        frame = frame.with_columns(good_key=good_key.fill_null(False))
        typed = type_column(
            frame.filter(pl.col("good_key")).select(
                "i", "text", "number", "flag", "value_type", "lo", "hi"
            )
        ).select("i", "value", "text_value", "delete", "error_vi", "error_en")
        frame = frame.join(typed, on="i", how="left", maintain_order="left")
        self.radix = store.Radix(
            periods=_max_id(frame["p"]) + 1,
            elements=_max_id(frame["e"]) + 1,
        )
        frame = frame.with_columns(
            k=pl.when(pl.col("good_key")).then(self.radix.key())
        ).with_columns(repeated=pl.col("k").is_not_null() & pl.col("k").is_duplicated())
        first = (
            frame.filter(pl.col("repeated"))
            .group_by("k")
            .agg(first=pl.col("row").min(), first_i=pl.col("i").min())
        )
        frame = frame.join(first, on="k", how="left", maintain_order="left")
        problem = (
            ~pl.col("good_key")
            | pl.col("error_vi").is_not_null()
            | (pl.col("comment").str.len_chars() > MAX_COMMENT)
            | (pl.col("repeated") & (pl.col("first_i") != pl.col("i")))
        )
        bad = frame.filter(problem.fill_null(False)).sort("i")
        if bad.height:
            errors = [
                self._explain(row) for row in bad.head(MAX_LISTED).iter_rows(named=True)
            ]
            raise _refuse(
                CollectErrorCode.INVALID_ROWS,
                errors,
                bad.height,
                "có lỗi",
                "have errors",
            )
        return frame

    def _explain(self, row: dict[str, object]) -> RowError:
        element = str(row["data_element"] or "")
        unit_code = str(row["unit_code"] or "")
        period = str(row["period"] or "")
        if not element:
            return _row_error(
                row,
                "data_element",
                "Thiếu mã chỉ tiêu.",
                "The data element code is missing.",
            )
        if row["e"] is None:
            return _row_error(
                row,
                "data_element",
                f"Không có chỉ tiêu mã “{element}”.",
                f"No data element has the code '{element}'.",
            )
        if not row["active"]:
            return _row_error(
                row,
                "data_element",
                f"Chỉ tiêu “{element}” đã ngừng sử dụng.",
                f"The data element '{element}' is no longer in use.",
            )
        if row["computed"]:
            return _row_error(
                row,
                "data_element",
                f"Chỉ tiêu “{element}” được tính từ tử số và mẫu số, không nhập trực tiếp.",
                f"The data element '{element}' is computed from its numerator and "
                "denominator; it is not entered.",
            )
        if row["kept"]:
            registry = str(row["registry"])
            name_vi, name_en = REGISTRY_NAMES.get(registry, (registry, registry))
            return _row_error(
                row,
                "data_element",
                f"Chỉ tiêu “{element}” được tổng hợp từ {name_vi}; hãy ghi vào sổ, "
                "không nhập trực tiếp.",
                f"The data element '{element}' is totalled from the {name_en}; record "
                "it there, it is not entered.",
            )
        if not period:
            return _row_error(
                row, "period", "Thiếu kỳ báo cáo.", "The period is missing."
            )
        if row["p"] is None:
            return _row_error(
                row,
                "period",
                f"Không có kỳ báo cáo “{period}”.",
                f"No period has the code '{period}'.",
            )
        if not unit_code:
            return _row_error(
                row, "unit_code", "Thiếu mã đơn vị.", "The unit code is missing."
            )
        if row["u"] is None:
            return self._unknown_unit(row, unit_code, int(row["p"]))  # type: ignore[call-overload]
        if row["e_level"] != row["u_level"]:
            code, name, level, _path = self.units[int(row["u"])]  # type: ignore[call-overload]
            e_level = int(row["e_level"])  # type: ignore[call-overload]
            return _row_error(
                row,
                "unit_code",
                f"Chỉ tiêu “{element}” thu thập ở {LEVEL_VI[e_level]}, còn {name} ({code}) "
                f"là đơn vị {LEVEL_VI[level]}.",
                f"The data element '{element}' is collected at {LEVEL_EN[e_level]} "
                f"level, but {name} ({code}) is a {LEVEL_EN[level]}-level unit.",
            )
        if row["error_vi"] is not None:
            return _row_error(row, "value", str(row["error_vi"]), str(row["error_en"]))
        comment = str(row["comment"] or "")
        if len(comment) > MAX_COMMENT:
            return _row_error(
                row,
                "comment",
                f"Ghi chú dài {number_vi(len(comment))} ký tự, tối đa {MAX_COMMENT}.",
                f"The comment is {len(comment):,} characters long; at most {MAX_COMMENT}.",
            )
        first = row["first"]
        return _row_error(
            row,
            "data_element",
            f"Trùng với dòng {first}: cùng chỉ tiêu “{element}”, đơn vị {unit_code}, kỳ {period}.",
            f"Repeats row {first}: the same data element '{element}', unit {unit_code} "
            f"and period {period}.",
        )

    def _unknown_unit(
        self, row: dict[str, object], code: str, period_id: int
    ) -> RowError:
        end_vi, end_en = _day(self.period_end[period_id])
        spans = self.candidates.get(code, [])
        if not spans:
            return _row_error(
                row,
                "unit_code",
                f"Không có đơn vị hành chính mã “{code}”.",
                f"No administrative unit has the code '{code}'.",
            )
        when_vi = "; ".join(
            f"từ {_day(f)[0] if f else '…'} đến {_day(t)[0] if t else 'nay'}"
            for _, f, t in spans
        )
        when_en = "; ".join(
            f"from {f.isoformat() if f else '…'} to {t.isoformat() if t else 'now'}"
            for _, f, t in spans
        )
        return _row_error(
            row,
            "unit_code",
            f"Mã “{code}” không chỉ đơn vị nào vào ngày {end_vi} (cuối kỳ "
            f"{row['period']}); mã này dùng {when_vi}.",
            f"The code '{code}' names no unit on {end_en} (the end of period "
            f"{row['period']}); it was in use {when_en}.",
        )

    # -- 4. locks ---------------------------------------------------------------

    def _check_locks(
        self, frame: pl.DataFrame, unit_ids: list[int], period_ids: list[int]
    ) -> None:
        approved: list[tuple[int, int, int]] = []
        for start in range(0, len(unit_ids), CHUNK):
            approved.extend(
                Approval.objects.filter(
                    state=ApprovalState.APPROVED,
                    unit_id__in=unit_ids[start : start + CHUNK],
                    period_id__in=period_ids,
                ).values_list("data_set_id", "unit_id", "period_id")
            )
        if not approved:
            return
        members = defaultdict(list)
        for ds, e in DataSetElement.objects.filter(
            data_set_id__in={a[0] for a in approved}
        ).values_list("data_set_id", "data_element_id"):
            members[ds].append(e)
        keys: dict[tuple[int, int, int], int] = {}
        for ds, u, p in approved:
            for e in members[ds]:
                keys.setdefault((u, p, e), ds)
        locked_frame = pl.DataFrame(
            {
                "u": [k[0] for k in keys],
                "p": [k[1] for k in keys],
                "e": [k[2] for k in keys],
                "ds": list(keys.values()),
            },
            schema={"u": pl.Int64, "p": pl.Int64, "e": pl.Int64, "ds": pl.Int64},
        )
        touched = frame.join(locked_frame, on=["u", "p", "e"], how="inner")
        if not touched.height:
            return
        stored = {
            (u, p, e): (v, t, c)
            for u, p, e, v, t, c in DataValue.objects.filter(
                unit_id__in=sorted(set(touched["u"].to_list())),
                period_id__in=sorted(set(touched["p"].to_list())),
            ).values_list(
                "unit_id",
                "period_id",
                "data_element_id",
                "value",
                "text_value",
                "comment",
            )
        }
        names = dict(
            DataSet.objects.filter(pk__in=set(keys.values())).values_list(
                "pk", "name_vi"
            )
        )
        codes = dict(
            DataSet.objects.filter(pk__in=set(keys.values())).values_list("pk", "code")
        )
        errors = []
        for row in touched.sort("i").iter_rows(named=True):
            now = stored.get((row["u"], row["p"], row["e"]))
            if row["delete"]:
                changes = now is not None
            else:
                changes = now is None or (
                    now[0] != row["value"]
                    or now[1] != row["text_value"]
                    or (row["comment"] not in ("", now[2]))
                )
            if not changes:
                continue
            code, name, _level, _path = self.units[row["u"]]
            period = self.period_code[row["p"]]
            errors.append(
                _row_error(
                    row,
                    "value",
                    f"Biểu “{names[row['ds']]}” của {name} ({code}) kỳ {period} đã được phê "
                    "duyệt; cần cấp trên mở lại trước khi sửa.",
                    f"The data set '{codes[row['ds']]}' of {name} ({code}) for {period} "
                    "is approved; an approver above must reopen it before it changes.",
                )
            )
        if errors:
            raise _refuse(
                CollectErrorCode.LOCKED,
                errors,
                len(errors),
                "thuộc biểu đã được phê duyệt",
                "belong to approved data sets",
            )


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor if isinstance(actor, AbstractBaseUser) else None


def _record_outcome(
    *,
    actor: Actor,
    channel: str,
    fmt: str,
    filename: str,
    total: int,
    status: str,
    counts: store.Counts | None = None,
    error: DomainError | None = None,
) -> ImportBatch:
    errors: list[dict[str, object]] = []
    if error is not None:
        errors = [{**r.as_dict(), "code": error.code} for r in error.rows]
        if not errors:
            errors = [
                {
                    "row": error.row or 0,
                    "field": error.field or "",
                    "message_vi": error.message_vi,
                    "message_en": error.message_en,
                    "code": error.code,
                }
            ]
    user = _user(actor)
    return ImportBatch.objects.create(
        actor_id=user.pk if user is not None else None,
        channel=channel,
        format=fmt[:20],
        filename=filename[:255],
        status=status,
        total=total,
        done=total if counts is not None else 0,
        created=counts.created if counts else 0,
        updated=counts.updated if counts else 0,
        unchanged=counts.unchanged if counts else 0,
        deleted=counts.deleted if counts else 0,
        errors=errors,
        finished_at=timezone.now(),
    )


def _announce(plan: _Plan) -> None:
    """Tell what follows values (criteria evaluations) once the write commits."""
    element_ids = (plan.frame["k"] % plan.radix.elements).unique().to_list()
    unit_ids, period_ids = plan.unit_ids, plan.period_ids
    transaction.on_commit(
        lambda: values_changed.send(
            sender=DataValue,
            unit_ids=unit_ids,
            period_ids=period_ids,
            element_ids=element_ids,
        )
    )


def data_values_write(
    *,
    actor: Actor,
    rows: Iterable[ValueRow] | ValueColumns,
    channel: str,
    dry_run: bool = False,
    filename: str = "",
    fmt: str = "",
    progress: Progress | None = None,
) -> WriteResult:
    """Check and store `rows` all or nothing (see the module docstring).

    `actor` None is the system (no scope check). A value None or "" deletes.
    An empty comment leaves the stored comment as it is. Raises DomainError
    "out_of_scope" (403), "invalid_rows" (400) or "locked" (409), each listing
    the rows; returns the counts, the batch and the rule violations of the
    units and periods written.
    """
    columns = rows if isinstance(rows, ValueColumns) else ValueColumns.from_rows(rows)
    total = len(columns)
    fmt = fmt or "rows"
    if total == 0:
        return WriteResult(0, 0, 0, 0, batch_id=None, dry_run=dry_run, violations=[])
    report = _Report(progress, total)
    report.checked(0)
    user = _user(actor)
    try:
        with transaction.atomic():
            plan = _Checker(actor, columns, report).run()
            batch = ImportBatch.objects.create(
                actor_id=user.pk if user is not None else None,
                channel=channel,
                format=fmt[:20],
                filename=filename[:255],
                status=ImportBatch.Status.RUNNING,
                total=total,
            )
            counts = store.apply(
                frame=plan.frame,
                radix=plan.radix,
                at=timezone.now(),
                actor_id=user.pk if user is not None else None,
                channel=channel,
                batch_id=batch.pk,
                report=report.written,
            )
            violations = violations_for(
                unit_ids=plan.unit_ids, period_ids=plan.period_ids
            )
            if dry_run:
                raise _DryRun(counts, violations)
            _announce(plan)
            batch.status = ImportBatch.Status.DONE
            batch.done = total
            batch.created = counts.created
            batch.updated = counts.updated
            batch.unchanged = counts.unchanged
            batch.deleted = counts.deleted
            batch.finished_at = timezone.now()
            batch.save(
                update_fields=[
                    "status",
                    "done",
                    "created",
                    "updated",
                    "unchanged",
                    "deleted",
                    "finished_at",
                ]
            )
    except _DryRun as outcome:
        checked = _record_outcome(
            actor=actor,
            channel=channel,
            fmt=fmt,
            filename=filename,
            total=total,
            status=ImportBatch.Status.DRY_RUN,
            counts=outcome.counts,
        )
        report.written(1.0)
        return WriteResult(
            created=outcome.counts.created,
            updated=outcome.counts.updated,
            unchanged=outcome.counts.unchanged,
            deleted=outcome.counts.deleted,
            batch_id=checked.pk,
            dry_run=True,
            violations=outcome.violations,
        )
    except DomainError as error:
        _record_outcome(
            actor=actor,
            channel=channel,
            fmt=fmt,
            filename=filename,
            total=total,
            status=ImportBatch.Status.REJECTED,
            error=error,
        )
        raise
    report.written(1.0)
    return WriteResult(
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        deleted=counts.deleted,
        batch_id=batch.pk,
        dry_run=False,
        violations=violations,
    )


def data_values_import(
    *,
    actor: Actor,
    data: bytes,
    filename: str,
    channel: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> WriteResult:
    """Read a file and write its rows. `formats.read_upload` checks the file
    (size, extension against content) and hands a long-format CSV over as
    columns, so a million-row file never becomes a million row objects."""
    from vandong.collect import formats

    fmt, columns = formats.read_upload(data, filename=filename)
    return data_values_write(
        actor=actor,
        rows=columns,
        channel=channel,
        dry_run=dry_run,
        filename=filename,
        fmt=fmt,
        progress=progress,
    )
