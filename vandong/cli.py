"""`vandong`: the one command. Its own subcommands (serve, demo, units, users)
are management commands, so every Django command works through it too."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vandong", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
