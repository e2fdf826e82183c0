"""`ivrd createuser NAME`: creates a user; the password comes from a prompt or the first line of stdin."""

from __future__ import annotations

import argparse
import getpass
import sys

from ivrd.store.accounts import AccountError, create_user
from ivrd.store.cli_common import connect, load_or_report, require_current_schema


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username", help="login name of the new user")
    parser.add_argument("--superuser", action="store_true", help="the user sees and manages every object")
    parser.add_argument("--email", default="", help="e-mail address")


def read_password() -> str | None:
    """Prompts twice on a terminal; otherwise reads the first line of stdin. None when they differ."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    return first if first == second else None


def run(args: argparse.Namespace) -> int:
    settings = load_or_report(args)
    if settings is None:
        return 2
    password = read_password()
    if password is None:
        print("password: the two entries differ", file=sys.stderr)
        return 1
    if not password:
        print("password: must not be empty", file=sys.stderr)
        return 1
    database = connect(settings)
    if database is None or not require_current_schema(database):
        return 1
    try:
        user = create_user(args.username, password, email=args.email, superuser=args.superuser)
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        database.close()
    kind = "superuser" if user.is_superuser else "user"
    print(f"created {kind} {user.username!r} (id {user.id})")
    return 0
