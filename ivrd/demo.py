"""`ivrd demo`: prepares a local SQLite system and runs its processes in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ivrd.store.accounts import hash_password
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate
from ivrd.store.models import User

ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoSite:
    data_dir: Path
    api_url: str
    username: str
    password: str

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'ivrd.db'}"

    @property
    def media_root(self) -> Path:
        return self.data_dir / "media"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"),
                        help="where the demo keeps its database, media and credentials (default var/demo)")
    parser.add_argument("--bind", default="127.0.0.1:8000", metavar="HOST:PORT",
                        help="address of the REST API (default 127.0.0.1:8000)")


def _credentials(data_dir: Path) -> str:
    """The admin password kept in DATA_DIR/credentials (mode 0600), made on first use."""
    path = data_dir / "credentials"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password


def prepare_site(data_dir: Path, bind_address: str) -> DemoSite:
    """Migrates the demo database and makes sure the superuser has the recorded password."""
    data_dir.mkdir(parents=True, exist_ok=True)
    password = _credentials(data_dir)
    site = DemoSite(data_dir.resolve(), f"http://{bind_address}", ADMIN_USERNAME, password)
    site.media_root.mkdir(exist_ok=True)
    database = bind(open_database(site.database_url))
    with database.connection_context():
        migrate(database)
        user = User.get_or_none(User.username == ADMIN_USERNAME)
        if user is None:
            User.create(username=ADMIN_USERNAME, password_hash=hash_password(password), is_superuser=True)
        else:
            user.password_hash = hash_password(password)
            user.is_superuser = user.is_active = True
            user.save()
    database.close()
    return site


def _environment(site: DemoSite) -> dict[str, str]:
    env = dict(os.environ)
    env.update(IVRD_DATABASE_URL=site.database_url, IVRD_MEDIA_ROOT=str(site.media_root))
    env.pop("IVRD_CONFIG", None)
    return env


def _port_is_free(bind_address: str) -> bool:
    host, _, port = bind_address.rpartition(":")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            return False
    return True


def _print_banner(site: DemoSite) -> None:
    print(f"ivrd demo: REST API at {site.api_url}/rest-api/", flush=True)
    print(f"  superuser: {site.username}  password: {site.password}", flush=True)
    print(f"  OpenAPI:   {site.api_url}/rest-api/openapi.json", flush=True)
    print(f"  data:      {site.data_dir}  (Ctrl-C stops everything)", flush=True)


def _commands(site: DemoSite, bind_address: str) -> list[list[str]]:
    ivrd = [sys.executable, "-m", "ivrd.cli"]
    return [[*ivrd, "serve", "--bind", bind_address]]


def _accepts_connections(bind_address: str) -> bool:
    host, _, port = bind_address.rpartition(":")
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, int(port))) == 0


def supervise(commands: Sequence[Sequence[str]], env: dict[str, str], ready_address: str) -> int:
    """Runs the processes until one exits or SIGINT/SIGTERM arrives, then stops them all.

    Prints "ivrd demo: ready" once `ready_address` accepts connections.
    """
    children = [subprocess.Popen(list(command), env=env) for command in commands]
    stopping = False
    ready = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping and all(child.poll() is None for child in children):
            if not ready and _accepts_connections(ready_address):
                ready = True
                print("ivrd demo: ready", flush=True)
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    failed = [child.returncode for child in children if child.returncode not in (0, -signal.SIGTERM)]
    return 0 if stopping or not failed else 1


def run(args: argparse.Namespace) -> int:
    if not _port_is_free(args.bind):
        print(f"--bind: {args.bind} is already in use; pass another address", file=sys.stderr)
        return 2
    site = prepare_site(args.data_dir, args.bind)
    _print_banner(site)
    return supervise(_commands(site, args.bind), _environment(site), args.bind)
