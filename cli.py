"""The `territoires` command: database setup and scenario files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from settings import Settings, SettingsError


def _db_setup(args: argparse.Namespace, settings: Settings) -> int:
    from models.seed import setup_database

    report = asyncio.run(setup_database(settings))
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="territoires",
        description="Territoires d'industrie fund simulator: database and scenario tools.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="create, migrate and seed the database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    setup = db_commands.add_parser(
        "setup", help="create or migrate the schema and seed it (idempotent)"
    )
    setup.set_defaults(handler=_db_setup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"territoires: setting {error}", file=sys.stderr)
        return 2
    return int(args.handler(args, settings))


if __name__ == "__main__":
    sys.exit(main())
