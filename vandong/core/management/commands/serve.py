"""`vandong serve`: a production-grade WSGI server (waitress), static files by WhiteNoise."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve vandong with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=os.environ.get("VANDONG_HOST", "127.0.0.1")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("VANDONG_PORT", "8000"))
        )
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from vandong.wsgi import application

        host, port = options["host"], options["port"]
        shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104 - only a display name
        self.stdout.write(
            f"vandong đang chạy tại / is running at http://{shown}:{port}/"
        )
        self.stdout.flush()
        serve(
            application,
            host=host,
            port=port,
            threads=options["threads"],
            ident="vandong",
        )
