"""`vandong analytics rebuild [--cold] | load | status`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.analytics import queries, services
from vandong.analytics.loader import load_indicators
from vandong.core.errors import DomainError


class Command(BaseCommand):
    help = "Build the analytics tables and load indicators and targets (phân tích)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rebuild",
            help="Roll every figure up both trees for every year. From the "
            "analytics store's own facts; with --cold, re-read from the database.",
        )
        rebuild.add_argument("--cold", action="store_true")
        sub.add_parser("load", help="Load the shipped indicators and targets.")
        sub.add_parser("status", help="When the store was built, and how big it is.")

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            report = services.rebuild(cold=options["cold"], progress=self._say)
            self._say(
                f"Xong / done: {report.facts:,} dữ kiện / facts, "
                f"{sum(report.rows.values()):,} dòng tổng hợp / rolled-up rows, "
                f"{report.seconds:.2f} s{' (cold)' if report.cold else ''}"
            )
            return
        if action == "load":
            try:
                count = load_indicators()
                self._say(f"{count} chỉ số / indicators")
                from vandong.analytics.targets.loader import load_targets

                self._say(f"{load_targets()} mục tiêu / targets")
            except DomainError as error:
                for row in error.rows:
                    self.stderr.write(
                        f"{row.row}: {row.field}: {row.message_vi} / {row.message_en}"
                    )
                raise CommandError(
                    f"{error.message_vi} / {error.message_en}"
                ) from error
            return
        state = queries.store_state()
        for key, value in state.items():
            self._say(f"{key}: {value}")
