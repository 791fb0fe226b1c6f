"""`vandong data import|export`: data values in and out of files.

`import FILE` reads .xlsx, .csv (long format or DHIS2), .json (DHIS2
dataValueSet) or .xml (DHIS2 or ADX), judged by the extension and checked
against the content, and writes every row through `data_values_write`: all or
nothing, audited with channel "cli". Refused rows are printed one per line on
stderr and the exit status is 1. `--user NAME` imports with that user's scope;
without it the import runs as the system.

`export --format csv|json|xml|adx --unit CODE --period P [--children] FILE`
writes the values of a unit (or its subtree) for a period; the unit code is
read on the period's last day. FILE "-" is standard output.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.accounts.queries import user_get
from vandong.collect import formats
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi
from vandong.core.models import Channel
from vandong.geo.models import Unit
from vandong.geo.queries import unit_get

# Progress is shown on stderr for files with at least this many rows.
PROGRESS_FROM_ROWS = 10_000
# ... and for files of at least this size, while they are read.
PROGRESS_FROM_BYTES = 5 * 1024 * 1024


def row_error_line(error: RowError) -> str:
    """`sheet/row/column unit element: reason (vi) / reason (en)`, leaving out
    what is not known."""
    where = "/".join(
        part
        for part in (error.sheet, str(error.row) if error.row else "", error.column)
        if part
    )
    subject = " ".join(part for part in (where, error.unit, error.element) if part)
    reason = f"{error.message_vi} / {error.message_en}"
    return f"{subject}: {reason}" if subject else reason


def _failure(error: DomainError) -> CommandError:
    return CommandError(f"{error.message_vi}\n{error.message_en}", returncode=1)


class Command(BaseCommand):
    help = "Import data values from a file (all or nothing), or export them to one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{import,export}"
        )
        imp = sub.add_parser(
            "import",
            help="Import .xlsx, .csv, .json (DHIS2) or .xml (DHIS2/ADX) values; "
            "exit status 1 if any row is refused (nothing is stored then).",
        )
        imp.add_argument(
            "file",
            type=Path,
            help="The file; its extension (.xlsx, .csv, .json, .xml) names the format.",
        )
        imp.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count what would change; store nothing.",
        )
        imp.add_argument(
            "--user",
            default="",
            help="Import with this user's scope (default: the system, unrestricted).",
        )
        exp = sub.add_parser(
            "export", help="Export the values of a unit (or subtree) for a period."
        )
        exp.add_argument(
            "--format",
            choices=formats.EXPORT_FORMATS,
            default=None,
            help="csv (long format), json or xml (DHIS2 dataValueSet), adx; "
            "default: from the file's extension.",
        )
        exp.add_argument(
            "--unit",
            required=True,
            help="GSO code of the unit, read on the period's last day.",
        )
        exp.add_argument("--period", required=True, help='Period code: "2020".')
        exp.add_argument(
            "--children",
            action="store_true",
            help="Include every unit below (villages of a commune, …).",
        )
        exp.add_argument(
            "--user",
            default="",
            help="Export only what this user may view (default: everything).",
        )
        exp.add_argument("file", help='File to write; "-" for standard output.')

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                self._import(options)
            else:
                self._export(options)
        except DomainError as error:
            for row in error.rows:
                self.stderr.write(row_error_line(row))
            raise _failure(error) from None

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()

    def _user(self, username: str) -> AbstractBaseUser | None:
        if not username:
            return None
        return user_get(actor=None, username=username)

    def _import(self, options: dict[str, Any]) -> None:
        from vandong.collect.services import data_values_write

        path: Path = options["file"]
        dry_run: bool = options["dry_run"]
        actor = self._user(options["user"])
        try:
            size = path.stat().st_size
        except OSError as error:
            raise CommandError(
                f"Không mở được tệp {path}: {error.strerror}.\n"
                f"Cannot open {path}: {error.strerror}.",
                returncode=2,
            ) from None
        formats.check_size(size, filename=path.name)
        big = size >= PROGRESS_FROM_BYTES
        if big:
            self._progress(
                f"Đang đọc {path.name} ({formats.size_text(size)})… / "
                f"Reading {path.name}…"
            )
        data = path.read_bytes()
        fmt, rows = formats.read_upload(data, filename=path.name)
        del data
        total = len(rows)
        if big or total >= PROGRESS_FROM_ROWS:
            self._progress(
                f"Đã đọc {number_vi(total)} dòng; đang kiểm tra và ghi… / "
                f"Read {total:,} rows; checking and writing…"
            )
        result = data_values_write(
            actor=actor,
            rows=rows,
            channel=Channel.CLI,
            dry_run=dry_run,
            filename=path.name,
            fmt=fmt,
            progress=self._progress_printer() if total >= PROGRESS_FROM_ROWS else None,
        )
        counts_vi = (
            f"thêm {number_vi(result.created)}, sửa {number_vi(result.updated)}, "
            f"không đổi {number_vi(result.unchanged)}, xóa {number_vi(result.deleted)}"
        )
        counts_en = (
            f"created {result.created:,}, updated {result.updated:,}, "
            f"unchanged {result.unchanged:,}, deleted {result.deleted:,}"
        )
        if dry_run:
            self.stdout.write(
                f"Chạy thử {path.name}: sẽ {counts_vi}; chưa lưu gì. / "
                f"Dry run of {path.name}: would have {counts_en}; nothing stored."
            )
        else:
            batch = f" (lô #{result.batch_id})" if result.batch_id else ""
            batch_en = f" (batch #{result.batch_id})" if result.batch_id else ""
            self.stdout.write(
                f"Đã nhập {path.name}: {counts_vi}{batch}. / "
                f"Imported {path.name}: {counts_en}{batch_en}."
            )
        for violation in result.violations:
            self.stdout.write(
                f"{violation.severity} {violation.rule_code}: "
                f"{violation.message_vi} / {violation.message_en}"
            )

    def _progress_printer(self) -> Any:
        last_shown = -1

        def show(done: int, total: int) -> None:
            nonlocal last_shown
            if total <= 0:
                return
            tenth = done * 10 // total
            if tenth != last_shown:
                last_shown = tenth
                self._progress(f"{number_vi(done)}/{number_vi(total)} ({tenth * 10}%)")

        return show

    def _export(self, options: dict[str, Any]) -> None:
        from vandong.catalog.queries import period_get
        from vandong.collect.queries import data_value_list

        target: str = options["file"]
        fmt = options["format"] or (
            "csv" if target == "-" else Path(target).suffix.lower().lstrip(".")
        )
        if fmt not in formats.EXPORT_FORMATS:
            raise CommandError(
                "Chọn định dạng bằng --format csv|json|xml|adx.\n"
                "Choose the format with --format csv|json|xml|adx.",
                returncode=2,
            )
        actor = self._user(options["user"])
        period = period_get(options["period"])
        if period is None:
            raise CommandError(
                f"Không có kỳ báo cáo mã “{options['period']}”.\n"
                f"No period has the code '{options['period']}'.",
                returncode=2,
            )
        unit = unit_get(code=options["unit"], on=period.end)
        if unit is None:
            raise CommandError(
                f"Không có đơn vị hành chính mã {options['unit']} vào ngày "
                f"{period.end:%d/%m/%Y}.\n"
                f"No administrative unit has code {options['unit']} on "
                f"{period.end.isoformat()}.",
                returncode=2,
            )
        units = Unit.objects.within(unit) if options["children"] else [unit]
        values = data_value_list(actor=actor, units=units, periods=[period])
        count = values.count()
        content = formats.write_file(values, fmt=fmt)
        if target == "-":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        Path(target).write_bytes(content)
        self.stdout.write(
            f"Đã xuất {number_vi(count)} giá trị của {unit.name} ({unit.code}), "
            f"kỳ {period.code} vào {target}. / Exported {count:,} values of "
            f"{unit.name} ({unit.code}), period {period.code}, to {target}."
        )
