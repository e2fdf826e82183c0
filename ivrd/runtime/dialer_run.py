"""`python -m ivrd.runtime.dialer_run [--config FILE]`: the daemon with the campaign dialer installed.

The same as `ivrd run` (settings, schema check, SIGTERM/SIGINT) plus `install_dialer`; used by the
dialer's process tests and benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from ivrd.config import ConfigError, load_settings
from ivrd.esl.errors import AuthenticationFailed
from ivrd.runtime.cli import LOG_FORMAT
from ivrd.runtime.daemon import Daemon
from ivrd.runtime.dialer import install_dialer
from ivrd.store.cli_common import connect, require_current_schema


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ivrd.runtime.dialer_run", description=__doc__)
    parser.add_argument("--config", default=None, help="TOML settings file (default: IVRD_CONFIG)")
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format=LOG_FORMAT, stream=sys.stderr)
    try:
        settings = load_settings(Path(args.config) if args.config else None, require_esl=True)
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


if __name__ == "__main__":
    sys.exit(main())
