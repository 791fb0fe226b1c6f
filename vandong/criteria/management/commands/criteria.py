"""`vandong criteria check FILE… | load [FILE…] | evaluate [--set ID] [--period P]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.catalog.criteria.reader import CriteriaFileError, criteria_sets_read
from vandong.catalog.criteria.store import (
    criteria_sets_load,
    known_elements,
    stored_specs,
)
from vandong.catalog.models import CriteriaSet
from vandong.core.models import Channel
from vandong.criteria import services


class Command(BaseCommand):
    help = "Check, load and evaluate criteria sets (bộ tiêu chí)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="Check criteria-set files without storing anything; every "
            "problem on its own line.",
        )
        check.add_argument("files", nargs="+", type=Path)
        load = sub.add_parser(
            "load",
            help="Store criteria-set files (default: the shipped sets). A file "
            "with a higher version replaces the stored set.",
        )
        load.add_argument("files", nargs="*", type=Path)
        evaluate = sub.add_parser(
            "evaluate", help="Evaluate units against criteria sets and store results."
        )
        evaluate.add_argument(
            "--set", dest="sets", action="append", help="Set code (repeatable)."
        )
        evaluate.add_argument(
            "--period", action="append", help="Year, e.g. 2024 (repeatable)."
        )

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "evaluate":
            self._evaluate(options)
            return
        files: list[Path] = options["files"]
        for path in files:
            if not path.is_file():
                raise CommandError(f"Không có tệp / no such file: {path}")
        try:
            if action == "check":
                specs = criteria_sets_read(
                    files, elements=known_elements(), known_sets=stored_specs()
                )
                for spec in specs:
                    self._say(
                        f"{spec.code} v{spec.version}: hợp lệ / valid — "
                        f"{len(spec.criteria)} tiêu chí / criteria, "
                        f"{len(spec.indicators)} chỉ tiêu / indicators"
                    )
                return
            report = criteria_sets_load(files or None, channel=Channel.CLI)
        except CriteriaFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem.line_text())
            raise CommandError(
                f"{len(exc.problems)} lỗi, không lưu gì / problems, nothing stored"
            ) from exc
        for code in report.created:
            self._say(f"{code}: tạo mới / created")
        for code in report.replaced:
            self._say(f"{code}: thay bằng phiên bản mới / replaced by a newer version")
        for code in report.unchanged:
            self._say(f"{code}: không đổi / unchanged")
        if report.changed:
            evaluated = services.evaluate(
                sets=CriteriaSet.objects.filter(code__in=report.changed),
                progress=self._say,
            )
            self._say(f"Đã đánh giá / evaluated: {evaluated.total}")

    def _evaluate(self, options: dict[str, Any]) -> None:
        codes: list[str] | None = options["sets"]
        sets = services.active_sets(codes)
        if codes:
            missing = sorted(set(codes) - {s.code for s in sets})
            if missing:
                raise CommandError(
                    f"Không có bộ tiêu chí / unknown criteria set: {', '.join(missing)}"
                )
        years: list[int] | None = None
        if options["period"]:
            try:
                years = [int(p) for p in options["period"]]
            except ValueError as exc:
                raise CommandError(
                    "Kỳ phải là năm, ví dụ 2024 / the period must be a year, e.g. 2024"
                ) from exc
        report = services.evaluate(sets=sets, years=years, progress=self._say)
        self._say(
            f"Đã đánh giá / evaluated {report.total} đơn vị-năm / unit-years "
            f"trong / in {report.seconds:.2f} s."
        )
