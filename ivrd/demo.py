"""`ivrd demo`: runs API, daemon and a simulated FreeSWITCH in the foreground until Ctrl-C.

With a configuration file (`--config FILE` or IVRD_CONFIG) it runs production-style instead:
`ivrd serve` and `ivrd run` against the configured database and FreeSWITCH, no simulator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ivrd.config import ConfigError, load_settings
from ivrd.demo_site import DemoSite, prepare_site, prompt_file, walkthrough
from ivrd.sounds import SOURCE_SOUNDS_ROOT
from ivrd.store.db import open_database
from ivrd.store.migrations import migrate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=Path("var/demo"),
                        help="where the demo keeps its database, media and credentials (default var/demo)")
    parser.add_argument("--bind", default=None, metavar="HOST:PORT",
                        help="address of the REST API (default 127.0.0.1:8000, or api.bind with --config)")
    parser.add_argument("--config", dest="production_config", type=Path, default=None, metavar="FILE",
                        help="run production-style on this configuration instead of the demo")


def _environment(site: DemoSite, esl_port: int, esl_password: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(IVRD_DATABASE_URL=site.database_url, IVRD_MEDIA_ROOT=str(site.media_root),
               IVRD_ESL_HOST="127.0.0.1", IVRD_ESL_PORT=str(esl_port), IVRD_ESL_PASSWORD=esl_password)
    env.pop("IVRD_CONFIG", None)
    return env


def _start_simulator(site: DemoSite, password: str) -> tuple[subprocess.Popen[bytes], int]:
    """Starts `ivrd simulate` on a free port with the demo scenario and returns it with its port."""
    port_file = site.data_dir / "simulator.port"
    port_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "ivrd.cli", "simulate", "--listen", "127.0.0.1:0",
               "--password", password, "--media-root", str(site.media_root), "--port-file", str(port_file)]
    simulator = subprocess.Popen(command)
    deadline = time.monotonic() + 30
    while not port_file.exists():
        if simulator.poll() is not None or time.monotonic() > deadline:
            simulator.kill()
            raise RuntimeError("the simulated FreeSWITCH did not start")
        time.sleep(0.05)
    return simulator, int(port_file.read_text())


def _port_is_free(bind_address: str) -> bool:
    host, _, port = bind_address.rpartition(":")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            return False
    return True


def _print_banner(site: DemoSite, esl_port: int, script: str) -> None:
    print(f"ivrd demo: REST API at {site.api_url}/rest-api/", flush=True)
    print(f"  superuser: {site.username}  password: {site.password}", flush=True)
    print(f"  OpenAPI:   {site.api_url}/rest-api/openapi.json", flush=True)
    print(f"  simulated FreeSWITCH: 127.0.0.1:{esl_port}; daemon: ivrd run", flush=True)
    print(f"  data:      {site.data_dir}  (Ctrl-C stops everything)", flush=True)
    print("Paste these commands into a shell to run a survey campaign on the demo callees", flush=True)
    print(f"(also saved as {site.data_dir / 'walkthrough.sh'}):", flush=True)
    print("----- walkthrough -----", flush=True)
    print(script, end="", flush=True)
    print("----- end -----", flush=True)


def _commands(bind_address: str) -> list[list[str]]:
    ivrd = [sys.executable, "-m", "ivrd.cli"]
    return [[*ivrd, "run"], [*ivrd, "serve", "--bind", bind_address]]


def _accepts_connections(bind_address: str) -> bool:
    host, _, port = bind_address.rpartition(":")
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, int(port))) == 0


def supervise(
    commands: Sequence[Sequence[str]],
    env: dict[str, str],
    ready_address: str,
    started: Sequence[subprocess.Popen[bytes]] = (),
) -> int:
    """Runs the processes until one exits or SIGINT/SIGTERM arrives, then stops them all.

    `started` are processes already running that are stopped last. Prints "ivrd demo: ready"
    once `ready_address` accepts connections.
    """
    children = [subprocess.Popen(list(command), env=env) for command in commands] + list(started)
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


def _run_production(config: Path, bind: str | None) -> int:
    """`ivrd serve` and `ivrd run` on a real configuration, supervised like the demo."""
    try:
        settings = load_settings(config, require_esl=True)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    bind = bind or settings.api.bind
    database = open_database(settings.database.url)
    with database.connection_context():
        migrate(database)
    env = dict(os.environ, IVRD_CONFIG=str(config.resolve()))
    print(f"ivrd: REST API at http://{bind}/rest-api/, FreeSWITCH at {settings.esl.host}:{settings.esl.port}",
          flush=True)
    return supervise(_commands(bind), env, bind)


def run(args: argparse.Namespace) -> int:
    config = args.production_config or args.config or os.environ.get("IVRD_CONFIG")
    if config:
        return _run_production(Path(config), args.bind)
    args.bind = args.bind or "127.0.0.1:8000"
    if not _port_is_free(args.bind):
        print(f"--bind: {args.bind} is already in use; pass another address", file=sys.stderr)
        return 2
    site = prepare_site(args.data_dir, args.bind)
    esl_password = secrets.token_hex(12)
    simulator, esl_port = _start_simulator(site, esl_password)
    sounds_root = SOURCE_SOUNDS_ROOT if SOURCE_SOUNDS_ROOT.is_dir() else Path("/usr/share/ivrd/sounds")
    script = walkthrough(site, prompt_file(sounds_root), dt.datetime.now(dt.UTC))
    (site.data_dir / "walkthrough.sh").write_text(script, encoding="utf-8")
    _print_banner(site, esl_port, script)
    env = _environment(site, esl_port, esl_password)
    return supervise(_commands(args.bind), env, args.bind, started=[simulator])
