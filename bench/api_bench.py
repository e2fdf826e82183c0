"""REST API benchmark: authenticated GET latency in-process (with and without the password cache),
GET /rest-api/campaigns/ throughput under `ivrd serve` (gunicorn, 2 workers), and the CSV import rate
through the API next to the store's importer called directly.

    .venv/bin/python bench/api_bench.py [--requests 2000] [--rows 200000] [--database-url URL]

Not a test: it prints figures (copy them into bench/RESULTS-api.md).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import falcon.testing

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.app import create_app
from ivrd.config import Settings
from ivrd.store import accounts
from ivrd.store.contacts_import import import_contacts_csv
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate
from ivrd.store.models import Campaign, Gateway, Phonebook, SurveyTemplate, User

PASSWORD = "bench-password"


def prepare(url: str) -> tuple[Any, User]:
    database = open_database(url)
    database.connect()
    bind(database)
    migrate(database)
    user = User.get_or_none(User.username == "bench") or accounts.create_user("bench", PASSWORD)  # real cost
    gateway = Gateway.get_or_none(Gateway.name == "bench") or Gateway.create(name="bench")
    template = SurveyTemplate.create(user=user, name="s")
    for n in range(10):
        Campaign.create(
            user=user, name=f"bench-{n}-{time.time_ns()}", aleg_gateway=gateway, survey_template=template
        )
    return database, user


def wsgi_get(app: Any, path: str, headers: dict[str, str]) -> int:
    environ = falcon.testing.create_environ(path=path, headers=headers)
    status: list[str] = []
    body = app(environ, lambda s, h, exc=None: status.append(s))
    b"".join(body)
    return int(status[0].split()[0])


def latencies_ms(call: Callable[[], int], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        assert call() == 200
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process(database: Any, settings: Settings, requests: int, backend: str) -> None:
    auth = {"Authorization": "Basic " + base64.b64encode(f"bench:{PASSWORD}".encode()).decode()}
    cached = create_app(settings, database)
    baseline = create_app(settings, database, cache_passwords=False)
    wsgi_get(cached, "/rest-api/campaigns/", auth)  # warm up (first check fills the cache)
    with_cache = latencies_ms(lambda: wsgi_get(cached, "/rest-api/campaigns/", auth), requests)
    without = latencies_ms(lambda: wsgi_get(baseline, "/rest-api/campaigns/", auth), max(20, requests // 50))
    print(
        f"\n== authenticated GET /rest-api/campaigns/ in-process (direct WSGI call, 10 campaigns, {backend})"
    )
    print(f"{'variant':28} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'ratio p50':>10}")
    base_p50 = percentile(without, 0.5)
    for name, values in (("no cache (baseline)", without), ("verification cache", with_cache)):
        p50 = percentile(values, 0.5)
        print(f"{name:28} {len(values):6d} {p50:8.2f} {percentile(values, 0.99):8.2f} {base_p50 / p50:10.1f}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, media: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVRD_")}
    env.update(IVRD_DATABASE_URL=url, IVRD_API_BIND=f"127.0.0.1:{port}", IVRD_MEDIA_ROOT=str(media))
    ivrd = Path(sys.executable).with_name("ivrd")
    process = subprocess.Popen([str(ivrd), "serve", "--workers", "2"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            try:
                process.wait(timeout=0.05)
                raise SystemExit("ivrd serve exited")
            except subprocess.TimeoutExpired:
                pass
    raise SystemExit("ivrd serve did not start")


def rate(port: int, path: str, expected: int, requests: int, threads: int) -> float:
    """Requests per second of GET `path` from `threads` client threads (http.client, reconnecting)."""
    auth = {"Authorization": "Basic " + base64.b64encode(f"bench:{PASSWORD}".encode()).decode()}

    def worker(count: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ok = 0
        for _ in range(count):
            connection.request("GET", path, headers=auth)
            response = connection.getresponse()
            response.read()
            ok += response.status == expected
        connection.close()
        return ok

    worker(20)  # warm both workers' caches and connections
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        ok = sum(pool.map(worker, [requests // threads] * threads))
    assert ok == requests // threads * threads, f"{path}: {ok} good answers"
    return ok / (time.perf_counter() - start)


def throughput(port: int, requests: int, threads: int = 8) -> None:
    floor = rate(port, "/rest-api/no-such-route/", 404, requests, threads)
    campaigns = rate(port, "/rest-api/campaigns/", 200, requests, threads)
    print(f"\n== under ivrd serve (gunicorn sync, 2 workers), {threads} client threads, {requests} requests")
    print(f"{'request':46} {'requests/s':>10} {'ratio':>6}")
    print(f"{'GET unknown route, 404 (floor: HTTP + routing)':46} {floor:10.0f} {1.0:6.2f}")
    print(f"{'GET /rest-api/campaigns/ (Basic auth, 10 rows)':46} {campaigns:10.0f} {campaigns / floor:6.2f}")


def csv_body(rows: int) -> bytes:
    out = io.StringIO()
    out.write("contact|last_name|first_name|email|description|status|address|city|state|country|unit_number|"
              "additional_vars\n")  # fmt: skip
    for n in range(rows):
        out.write(f"{33100000000 + n}|Doe|Jane|jane{n}@example.com||1|1 Main St|Paris||FR||\n")
    return out.getvalue().encode()


def csv_import(port: int, database: Any, user: User, rows: int) -> None:
    body = csv_body(rows)
    direct_book = Phonebook.create(user=user, name="direct")
    start = time.perf_counter()
    report = import_contacts_csv(database, direct_book.id, body.splitlines(keepends=True), max_contacts=0)
    direct_s = time.perf_counter() - start
    api_book = Phonebook.create(user=user, name="api")
    auth = {"Authorization": "Basic " + base64.b64encode(f"bench:{PASSWORD}".encode()).decode()}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    connection.request(
        "POST",
        f"/rest-api/phonebook/{api_book.id}/import/",
        body=body,
        headers={**auth, "Content-Type": "text/csv"},
    )
    response = connection.getresponse()
    answer = response.read()
    api_s = time.perf_counter() - start
    assert response.status == 200, answer[:300]
    print(f"\n== CSV import of {rows} rows ({len(body) / 1e6:.1f} MB)")
    print(f"{'path':34} {'s':>7} {'rows/s':>9} {'ratio':>6}")
    print(
        f"{'store importer direct (baseline)':34} {direct_s:7.2f} {report.created / direct_s:9.0f} {1.0:6.2f}"
    )
    print(f"{'POST .../phonebook/N/import/':34} {api_s:7.2f} {rows / api_s:9.0f} {direct_s / api_s:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        database, user = prepare(url)
        base = Settings()
        settings = replace(base, media=replace(base.media, root=f"{tmp}/media"))
        backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        in_process(database, settings, args.requests, backend)
        process, port = start_server(url, Path(tmp) / "media")
        try:
            throughput(port, args.requests)
            csv_import(port, database, user, args.rows)
        finally:
            process.terminate()
            process.wait(timeout=15)
        print(f"\n{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
