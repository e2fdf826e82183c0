"""`ivrd check-config`: validates a configuration and names every problem at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ivrd.config import DEFAULT_CONFIG_PATH, ConfigError, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help=f"configuration file (default {DEFAULT_CONFIG_PATH})")
    parser.add_argument(
        "--daemon", action="store_true", help="also require what `ivrd run` needs (ESL password)"
    )


def run(args: argparse.Namespace) -> int:
    chosen = args.file or args.config
    path = Path(chosen) if chosen else None
    try:
        settings = load_settings(path, require_esl=args.daemon)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    print(f"ok: database {settings.database.url}, ESL {settings.esl.host}:{settings.esl.port}")
    return 0
