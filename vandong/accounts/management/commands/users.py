"""`vandong users create|token|list`: scripted setup of users, roles and tokens.

Everything goes through the accounts services with actor=None (the system)
and channel "cli", so it is checked and audited like any other write.
"""

import argparse
import datetime
import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vandong.accounts.models import Role
from vandong.accounts.queries import user_get, user_list
from vandong.accounts.services import api_token_create, user_create
from vandong.core.errors import DomainError
from vandong.core.models import Channel
from vandong.geo.models import Unit


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ngày không hợp lệ / not a date (YYYY-MM-DD): {value!r}"
        ) from None


def _failure(error: DomainError) -> CommandError:
    return CommandError(f"{error.message_vi}\n{error.message_en}")


def resolve_unit(code: str, day: datetime.date) -> Unit:
    """The unit with `code` valid on `day` (codes were reused at the 2025 reform)."""
    units = list(Unit.objects.valid_on(day).filter(code=code)[:2])
    if not units:
        raise CommandError(
            f"Không có đơn vị hành chính mã {code} vào ngày {day:%d/%m/%Y}.\n"
            f"No administrative unit with code {code} on {day.isoformat()}."
        )
    if len(units) > 1:
        raise CommandError(
            f"Có nhiều đơn vị mã {code} vào ngày {day:%d/%m/%Y}.\n"
            f"Several units have the code {code} on {day.isoformat()}."
        )
    return units[0]


class Command(BaseCommand):
    help = "Create users holding a role on a unit, issue API tokens, list users."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{create,token,list}"
        )

        create = commands.add_parser("create", help="Create a user with one role.")
        create.add_argument("--username", required=True)
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument(
            "--unit",
            default="",
            help="GSO code of the unit the role is held on; omit for an "
            "administrator of the whole country.",
        )
        create.add_argument(
            "--on",
            type=_date,
            default=None,
            help="Date on which --unit names the unit (YYYY-MM-DD; default today). "
            "Codes were reused at the 2025 reform.",
        )
        password = create.add_mutually_exclusive_group()
        password.add_argument(
            "--password", help="Visible to other local users; prefer --password-env."
        )
        password.add_argument(
            "--password-env", metavar="VAR", help="Read the password from $VAR."
        )
        create.add_argument("--email", default="")
        create.add_argument("--full-name", default="")

        token = commands.add_parser(
            "token", help="Create an API token for a user and print it once."
        )
        token.add_argument("--username", required=True)
        token.add_argument("--name", required=True, help="What the token is for.")

        commands.add_parser("list", help="List users and their roles.")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "create":
            self._create(options)
        elif subcommand == "token":
            self._token(options)
        else:
            self._list()

    def _create(self, options: dict[str, Any]) -> None:
        day: datetime.date = options["on"] or timezone.localdate()
        unit = resolve_unit(options["unit"], day) if options["unit"] else None
        password, generated = self._password(options)
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=password,
                role=options["role"],
                unit=unit,
                email=options["email"],
                full_name=options["full_name"],
                channel=Channel.CLI,
            )
        except DomainError as error:
            raise _failure(error) from None
        where = str(unit) if unit is not None else "the whole country"
        self.stdout.write(f"Created {user.username}: {options['role']} on {where}.")
        if generated:
            self.stdout.write(f"Password (shown once): {password}")

    def _password(self, options: dict[str, Any]) -> tuple[str, bool]:
        if options["password"]:
            return str(options["password"]), False
        if variable := options["password_env"]:
            if not (value := os.environ.get(variable)):
                raise CommandError(
                    f"Biến môi trường {variable} trống hoặc chưa đặt.\n"
                    f"The environment variable {variable} is empty or not set."
                )
            return value, False
        return secrets.token_urlsafe(12), True

    def _token(self, options: dict[str, Any]) -> None:
        try:
            user = user_get(actor=None, username=options["username"])
            token = api_token_create(
                actor=None, user=user, name=options["name"], channel=Channel.CLI
            )
        except DomainError as error:
            raise _failure(error) from None
        self.stdout.write(token)

    def _list(self) -> None:
        for user in user_list(actor=None):
            roles = ", ".join(
                f"{a.role}@{a.unit.code if a.unit else '*'}"
                + (f" ({a.unit.name})" if a.unit else "")
                for a in user.role_assignments.all()
            )
            state = "" if user.is_active else " [inactive]"
            name = f" {user.first_name}" if user.first_name else ""
            self.stdout.write(f"{user.username}{state}{name}: {roles or '-'}")
