"""`ivrd run`: load settings, check the database schema, run the daemon (IVR legs and the campaign
dialer) until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from ivrd.config import ConfigError, load_settings
from ivrd.esl.errors import AuthenticationFailed
from ivrd.runtime.daemon import Daemon
from ivrd.runtime.dialer import install_dialer
from ivrd.runtime.sms import install_sms_sender
from ivrd.store.cli_common import connect, require_current_schema

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="logging threshold for the stderr log (default INFO)")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=getattr(args, "log_level", "INFO"), format=LOG_FORMAT, stream=sys.stderr)
    config = getattr(args, "config", None)
    try:
        settings = load_settings(Path(config) if config else None, require_esl=True)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    database = connect(settings)
    if database is None:
        return 1
    if not require_current_schema(database):
        return 1
    daemon = Daemon(settings, database)
    install_dialer(daemon)
    install_sms_sender(daemon)
    refused: list[BaseException] = []
    try:
        asyncio.run(daemon.run(handle_signals=True))
    except* AuthenticationFailed as group:
        refused.extend(group.exceptions)
    finally:
        if not database.is_closed():
            database.close()
    if refused:
        print(str(refused[0]), file=sys.stderr)
        return 1
    return 0
