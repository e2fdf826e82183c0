"""The `ivrd` command: dispatches each subcommand to the module that implements it."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

# name -> (module, one-line help). Each module defines add_arguments(parser) and
# run(args) -> int; modules are imported only when their command is used.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("ivrd.runtime.cli", "run the dialer and IVR daemon against FreeSWITCH"),
    "serve": ("api.cli", "serve the REST API under gunicorn"),
    "demo": ("ivrd.demo", "run API, daemon and a simulated FreeSWITCH together"),
    "migrate": ("ivrd.store.cli_migrate", "create or upgrade the database schema"),
    "createuser": ("ivrd.store.cli_createuser", "create a user (password from prompt/stdin)"),
    "check-config": ("ivrd.cli_check_config", "validate a configuration file"),
    "simulate": ("ivrd.sim.cli", "run a simulated FreeSWITCH Event Socket server"),
    "amd": ("ivrd.amd_cli", "classify recordings and evaluate answering-machine detection"),
}


class _CommandModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _load(module_name: str) -> _CommandModule | None:
    try:
        return cast(_CommandModule, importlib.import_module(module_name))
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ivrd", description="FreeSWITCH IVR and survey dialer")
    parser.add_argument("--config", help="TOML configuration file (default: $IVRD_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = next((a for a in argv if a in COMMANDS), None)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == wanted:
            module = _load(module_name)
            if module is not None:
                module.add_arguments(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    module = _load(COMMANDS[args.command][0])
    if module is None:
        print(f"ivrd {args.command}: not available in this build", file=sys.stderr)
        return 2
    return module.run(args)


if __name__ == "__main__":
    sys.exit(main())
