"""`vandong catalog load|check [--dir DIR]`: the shipped catalog fixtures."""

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.catalog.loader import FIXTURES_DIR, catalog_load, catalog_read
from vandong.core.errors import DomainError
from vandong.core.models import Channel


class Command(BaseCommand):
    help = "Load or check the catalog (periods, data elements, data sets, rules)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Create or update the catalog from its YAML files; a second run "
            "changes nothing.",
        )
        check = sub.add_parser(
            "check", help="Read and check the YAML files without writing anything."
        )
        for p in (load, check):
            p.add_argument(
                "--dir",
                type=Path,
                default=FIXTURES_DIR,
                help="Folder of *.yaml catalog files.",
            )
            p.formatter_class = argparse.ArgumentDefaultsHelpFormatter

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["dir"]
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục / no such folder: {directory}")
        try:
            if options["action"] == "check":
                spec = catalog_read(directory)
                self._say(
                    f"Danh mục hợp lệ / the catalog is valid: {len(spec.files)} tệp / "
                    f"files, {len(spec.periods)} kỳ / periods, {len(spec.elements)} "
                    f"chỉ tiêu / data elements, {len(spec.data_sets)} biểu / data "
                    f"sets, {len(spec.rules)} quy tắc / rules."
                )
                return
            report = catalog_load(self._say, directory=directory, channel=Channel.CLI)
        except DomainError as exc:
            lines = [f"{exc.message_vi}", f"{exc.message_en}"]
            lines += [f"  {r.message_vi}\n    {r.message_en}" for r in exc.rows]
            raise CommandError("\n".join(lines)) from exc
        done = "Đã cập nhật / updated" if report.changed else "Không đổi / unchanged"
        self._say(f"{done} ({report.seconds:.2f} s).")
