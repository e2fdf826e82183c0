"""`ivrd serve`: migrate the database, then serve the REST API under gunicorn (api.bind, api.workers)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import peewee
from gunicorn.app.base import BaseApplication

from ivrd.config import ConfigError, Settings, load_settings
from ivrd.store.db import DatabaseUrlError, open_database
from ivrd.store.migrations import migrate


class ApiServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn application whose workers each build their own app and database connection."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from api.app import create_app

        return create_app(self.settings, open_database(self.settings.database.url))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bind", help="HOST:PORT to listen on (default: api.bind)")
    parser.add_argument("--workers", type=int, help="number of worker processes (default: api.workers)")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")


def _migrate(settings: Settings) -> str | None:
    try:
        database = open_database(settings.database.url)
        database.connect()
    except (DatabaseUrlError, peewee.OperationalError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"database.url: cannot open: {first}"
    try:
        migrate(database)
    finally:
        database.close()
    return None


def run(args: argparse.Namespace) -> int:
    config = getattr(args, "config", None)
    try:
        settings = load_settings(Path(config) if config else None)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    workers = settings.api.workers if args.workers is None else args.workers
    if workers < 1:
        source = "api.workers" if args.workers is None else "--workers"
        print(f"{source}: must be at least 1, got {workers}", file=sys.stderr)
        return 2
    failure = _migrate(settings)
    if failure is not None:
        print(failure, file=sys.stderr)
        return 1
    Path(settings.media.root, settings.media.uploads_dir).mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "bind": args.bind or settings.api.bind,
        "workers": workers,
        "worker_class": "sync",
        "timeout": 120,
        "errorlog": "-",
        "accesslog": "-" if args.access_log else None,
        "proc_name": "ivrd-api",
        # One control socket path per machine would be shared by every instance; ivrd does not use it.
        "control_socket_disable": True,
    }
    ApiServer(settings, options).run()
    return 0
