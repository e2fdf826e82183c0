"""Shared plumbing for the store's commands: settings loading and opening the configured database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import peewee

from ivrd.config import ConfigError, Settings, load_settings
from ivrd.store.db import DatabaseUrlError, bind, open_database
from ivrd.store.migrations import current_version, latest_version


def load_or_report(args: argparse.Namespace) -> Settings | None:
    """Loads settings from --config / environment; prints each problem on its own line on failure."""
    config = getattr(args, "config", None)
    try:
        return load_settings(Path(config) if config else None)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None


def connect(settings: Settings) -> peewee.Database | None:
    """Opens, connects and binds the configured database; prints why not and returns None on failure."""
    try:
        database = open_database(settings.database.url)
        database.connect()
    except DatabaseUrlError as exc:
        print(str(exc), file=sys.stderr)
        return None
    except peewee.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"database.url: cannot connect: {first_line}", file=sys.stderr)
        return None
    return bind(database)


def require_current_schema(database: peewee.Database) -> bool:
    """True when the schema is fully migrated; otherwise says to run `ivrd migrate` (and closes)."""
    version = current_version(database)
    if version >= latest_version():
        return True
    print(
        f"database.url: schema is at version {version}, expected {latest_version()};"
        " run `ivrd migrate` first",
        file=sys.stderr,
    )
    database.close()
    return False
