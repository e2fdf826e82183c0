"""`ivrd migrate`: creates or upgrades the database schema and prints the versions it applied."""

from __future__ import annotations

import argparse

from ivrd.store.cli_common import connect, load_or_report
from ivrd.store.migrations import MIGRATIONS, current_version, migrate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show", action="store_true", help="print the current and latest schema versions and exit"
    )


def run(args: argparse.Namespace) -> int:
    settings = load_or_report(args)
    if settings is None:
        return 2
    database = connect(settings)
    if database is None:
        return 1
    try:
        if args.show:
            latest = max(m.version for m in MIGRATIONS)
            print(f"schema version {current_version(database)} (latest {latest})")
            return 0
        applied = migrate(database)
        descriptions = {m.version: m.description for m in MIGRATIONS}
        for version in applied:
            print(f"applied migration {version}: {descriptions[version]}")
        print(f"schema is at version {current_version(database)}" + ("" if applied else " (nothing to do)"))
        return 0
    finally:
        database.close()
