"""The `territoires` command: database setup and scenario files.

Exit codes: 0 done, 1 a run failed its expectations or the engine failed, 2 bad input.
Tables and progress go to the terminal (progress on stderr); --format csv/json is for programs.

One module per family of commands (`db`, `scenarios`, `curve`, `saved`, `keys`), each adding its
commands to the parser; `render` draws the tables and writes CSV and JSON, `charts` the PNGs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import curve, db, keys, pareto, saved, scenarios, studies
from cli.errors import CliError
from settings import Settings, SettingsError

# In the order of `territoires --help`.
COMMANDS = (
    db.add_db,
    scenarios.add_validate,
    scenarios.add_run,
    scenarios.add_compare,
    curve.add_curve,
    pareto.add_pareto,
    studies.add_sweep,
    studies.add_sensitivity,
    saved.add_export,
    saved.add_import,
    saved.add_list,
    scenarios.add_schema,
    keys.add_api_key,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="territoires",
        description="Territoires d'industrie fund simulator: database and scenario tools.",
        epilog="Exit codes: 0 done, 1 expectations failed or engine error, 2 bad input.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"territoires: setting {error}", file=sys.stderr)
        return 2
    from sqlalchemy.exc import SQLAlchemyError

    from models.scenario import ScenarioExistsError, ScenarioNotFoundError, StaleScenarioError
    from simulation.errors import EngineError
    from simulation.scenario import ScenarioError

    refused = (ScenarioExistsError, ScenarioNotFoundError, StaleScenarioError, EngineError)
    try:
        return int(args.handler(args, settings))
    except CliError as error:
        print(f"territoires: {error}" if "\n" not in str(error) else error, file=sys.stderr)
        return error.code
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 2
    except refused as error:
        print(f"territoires: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"territoires: database error ({settings.database_url}): {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"territoires: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("territoires: interrupted", file=sys.stderr)
        return 130
