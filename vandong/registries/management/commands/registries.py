"""`vandong registries <subcommand>`: one entry per registry action.

Each subcommand is a (add_arguments, run) pair in SUBCOMMANDS; adding one is
a new pair and one line in the table.
"""

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vandong.core.errors import DomainError
from vandong.core.models import Channel

Say = Callable[[str], None]


def _user(username: str | None) -> Any:
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không có người dùng / no such user: {username}")
    return user


def _fail(error: DomainError, say: Say) -> None:
    for row in error.rows:
        say(f"dòng/row {row.row}: {row.field}: {row.message_vi} / {row.message_en}")
    raise CommandError(f"{error.message_vi} / {error.message_en}")


def _contributions_args(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path, help="CSV or XLSX, one contribution a row")
    parser.add_argument(
        "--dry-run", action="store_true", help="Check and count; record nothing."
    )
    parser.add_argument(
        "--user",
        default=None,
        help="Record as this user (its scope applies); default: the system.",
    )


def _contributions_run(options: dict[str, Any], say: Say) -> None:
    from vandong.core.formatting import money_vi, number_vi
    from vandong.registries.contributions.imports import contributions_import

    path: Path = options["file"]
    if not path.is_file():
        raise CommandError(f"Không có tệp / no such file: {path}")
    try:
        result = contributions_import(
            actor=_user(options["user"]),
            data=path.read_bytes(),
            filename=path.name,
            dry_run=options["dry_run"],
            channel=Channel.CLI,
        )
    except DomainError as error:
        _fail(error, say)
        return
    verb = "Sẽ ghi / would record" if result.dry_run else "Đã ghi / recorded"
    say(
        f"{verb} {number_vi(result.created)} đóng góp / contributions: "
        f"{money_vi(result.cash_vnd)}, {number_vi(result.land_m2)} m², "
        f"{number_vi(result.labour_days)} ngày công, "
        f"{money_vi(result.materials_vnd)} vật liệu."
    )


SUBCOMMANDS: dict[
    str,
    tuple[str, Callable[[CommandParser], None], Callable[[dict[str, Any], Say], None]],
] = {
    "import-contributions": (
        "Import contributions from CSV or XLSX, all rows or none.",
        _contributions_args,
        _contributions_run,
    ),
}


class Command(BaseCommand):
    help = "Registries: import contributions (and more subcommands)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (text, add, _run) in SUBCOMMANDS.items():
            child = sub.add_parser(name, help=text)
            add(child)
            child.formatter_class = argparse.ArgumentDefaultsHelpFormatter

    def handle(self, *args: Any, **options: Any) -> None:
        _text, _add, run = SUBCOMMANDS[options["action"]]
        run(options, self._say)

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
