"""`vandong units load|import-villages`."""

import argparse
import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.core.errors import DomainError
from vandong.geo.loader import units_load


class Command(BaseCommand):
    help = "Load the official administrative units; import villages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Load the legacy and current trees and their 2025 lineage from the packages.",
        )
        load.add_argument(
            "--province",
            help="Only this province (GSO code or name) and the provinces merged with it.",
        )
        villages = sub.add_parser(
            "import-villages",
            help="Import villages (thôn, bản, tổ dân phố) from CSV or XLSX.",
        )
        villages.add_argument("file", type=Path)
        villages.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date on which the commune codes are read (default: today).",
        )
        villages.add_argument(
            "--sample",
            action="store_true",
            help="Mark the villages as sample data (constructed, not official).",
        )
        # Subparsers made by argparse do not inherit Django's formatter.
        for p in (load, villages):
            p.formatter_class = argparse.ArgumentDefaultsHelpFormatter

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options["province"])
        else:
            self._import_villages(options["file"], options["on"], options["sample"])

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _load(self, province: str | None) -> None:
        try:
            report = units_load(province=province, progress=self._say)
        except LookupError as exc:
            raise CommandError(
                f"Không tìm thấy tỉnh / no such province: {province}"
            ) from exc
        self._say(
            f"Xong / done in {report.seconds:.1f} s: "
            f"{report.units_created:,} units created, {report.units_updated:,} updated, "
            f"{report.units_unchanged:,} unchanged; {report.edges_created:,} lineage edges "
            f"created, {report.edges_updated:,} updated, {report.edges_unchanged:,} unchanged."
        )
        if report.units_not_in_source:
            self._say(
                f"{report.units_not_in_source:,} units in the database are not in the "
                "packages any more; they were left as they are."
            )

    def _import_villages(
        self, path: Path, on: datetime.date | None, sample: bool
    ) -> None:
        from vandong.geo.villages import villages_import

        if not path.exists():
            raise CommandError(f"Không có tệp / no such file: {path}")
        try:
            result = villages_import(
                actor=None, path=path, on=on, is_sample=sample, channel="cli"
            )
        except DomainError as exc:
            lines = [f"{exc.message_vi} / {exc.message_en}"]
            lines += [
                f"  dòng / row {r.row}, {r.field}: {r.message_vi} / {r.message_en}"
                for r in exc.rows
            ]
            raise CommandError("\n".join(lines)) from exc
        self._say(
            f"Đã nhập / imported {result.created:,} villages "
            f"({result.updated:,} updated, {result.unchanged:,} unchanged)."
        )
