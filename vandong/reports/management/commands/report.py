"""`vandong report`: write a report, check or load templates.

vandong report --province "Lai Châu" --phase 2016-2020 --format docx,pdf,xlsx --output DIR
vandong report --unit 105 --phase 2016-2020 --issuer state --number 12 --signer "Nguyễn Văn A"
vandong report check FILE…       every problem of each template, with its line
vandong report load              store the shipped templates
vandong report templates         the templates in force
"""

import datetime
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.core.errors import DomainError
from vandong.reports import queries, services
from vandong.reports import spec as specs
from vandong.reports.compose import compose
from vandong.reports.writers import FORMATS, write


class Command(BaseCommand):
    help = "Write the campaign report (báo cáo) as DOCX, PDF and XLSX; check or load templates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            default="write",
            choices=["write", "check", "load", "templates"],
        )
        parser.add_argument("files", nargs="*", help="template files (check)")
        parser.add_argument("--province", help="province name or code (Lai Châu, 12)")
        parser.add_argument("--unit", help="any unit by code (instead of --province)")
        parser.add_argument("--country", action="store_true", help="the whole country")
        parser.add_argument("--phase", default="2016-2020", help="2016-2020, or a year")
        parser.add_argument("--format", default="docx,pdf,xlsx", help="docx,pdf,xlsx")
        parser.add_argument("--output", default=".", help="folder to write into")
        parser.add_argument("--template", default=queries.DEFAULT_TEMPLATE)
        parser.add_argument(
            "--template-file", help="a template file to use as it is (checked first)"
        )
        parser.add_argument(
            "--issuer", choices=specs.ISSUERS, help="state, front or party"
        )
        parser.add_argument("--tree", choices=["legacy", "current"])
        parser.add_argument("--number", default="", help="the document's number")
        parser.add_argument(
            "--date", help="the document's date (YYYY-MM-DD; default today)"
        )
        parser.add_argument("--signer", default="", help="the signer's full name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "check":
                self._check(options["files"])
            elif action == "load":
                counts = services.templates_load()
                self.stdout.write(
                    "Mẫu báo cáo / templates: "
                    + ", ".join(f"{n} {k}" for k, n in counts.items())
                )
            elif action == "templates":
                for info in queries.template_list():
                    self.stdout.write(
                        f"{info.code} v{info.version} ({info.origin}): {info.name}"
                    )
            else:
                self._write(options)
        except DomainError as error:
            for row in error.rows:
                self.stderr.write(f"{row.row}: {row.message_vi} / {row.message_en}")
            raise CommandError(f"{error.message_vi} / {error.message_en}") from error

    def _check(self, files: list[str]) -> None:
        if not files:
            raise CommandError(
                "Cần ít nhất một tệp mẫu / give at least one template file"
            )
        catalog = queries.catalog()
        bad = 0
        for name in files:
            try:
                specs.read(Path(name).read_text(encoding="utf-8"), catalog)
            except specs.TemplateError as error:
                for problem in error.problems:
                    bad += 1
                    self.stderr.write(
                        f"{name}:{problem.line}: {problem.message_vi} / {problem.message_en}"
                    )
            except OSError as error:
                bad += 1
                self.stderr.write(f"{name}: {error}")
            else:
                self.stdout.write(f"{name}: OK")
        if bad:
            raise CommandError(f"{bad} lỗi / problems")

    def _write(self, options: dict[str, Any]) -> None:
        formats = [f.strip() for f in options["format"].split(",") if f.strip()]
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise CommandError(f"Định dạng / formats: {', '.join(FORMATS)}")
        started = time.perf_counter()
        _, end = queries.phase_bounds(options["phase"])
        tree = options["tree"] or queries.default_tree(end)
        if options["country"]:
            unit = None
        elif options["unit"]:
            unit = queries.unit_find(options["unit"], tree=tree)
        elif options["province"]:
            unit = queries.unit_find(options["province"], level=1, tree=tree)
        else:
            raise CommandError("Cần --province, --unit hoặc --country")
        day = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        if options["template_file"]:
            text = Path(options["template_file"]).read_text(encoding="utf-8")
            spec = services.template_check(text)
        else:
            spec = queries.template_spec(options["template"])
        scope = queries.scope_for(
            actor=None, unit=unit, phase=options["phase"], tree=tree
        )
        report = compose(
            spec,
            scope,
            issuer=options["issuer"],
            number=options["number"],
            day=day,
            signer=options["signer"],
        )
        paths = write(report, formats, Path(options["output"]))
        for path in paths:
            self.stdout.write(str(path))
        for item in report.missing:
            for figure in item.missing:
                self.stderr.write(
                    f"thiếu số liệu / missing (dòng {item.line}, {figure.name}): {figure.needs_vi}"
                )
        self.stdout.write(f"{time.perf_counter() - started:.2f} s")
