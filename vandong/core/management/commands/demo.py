"""`vandong demo [--reset]`: the demo data, without starting the server."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from vandong.demo import demo_load


class Command(BaseCommand):
    help = "Load the demo data (Lai Châu, sample villages, demo users)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Empty the database first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        if options["reset"]:
            self.stdout.write("Xóa dữ liệu cũ / emptying the database…")
            call_command("flush", verbosity=0, interactive=False)

        def say(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        demo_load(say)
        self.stdout.write(
            self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng / demo data ready.")
        )
