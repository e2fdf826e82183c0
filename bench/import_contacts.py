"""Benchmark: streaming CSV import of contacts on SQLite and PostgreSQL, against naive baselines.

Usage:
    .venv/bin/python bench/import_contacts.py [--rows 1000000] [--backends sqlite,postgres]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/test] [--sample 20000]

For each backend it imports the generated CSV through ivrd.store.contacts_import.import_contacts_csv
(validation included) and, in the same run, two baselines on the same data:
  * naive: one peewee Contact.create per row (what a straightforward endpoint does), timed on
    --sample rows and extrapolated to --rows;
  * raw: the same rows already split, inserted without validation (executemany / COPY), the
    ceiling a validating importer can approach.
PostgreSQL runs inside a temporary schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import peewee
import psycopg2

from ivrd.store import contacts_import
from ivrd.store.contacts_csv import ContactRow
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate
from ivrd.store.models import Contact, Phonebook, User, utc_now

FIRST_NAMES = ("Ann", "Bob", "Chloé", "Dmitri", "Eve", "Farid", "Grace", "Hugo")
CITIES = ("Paris", "London", "Berlin", "Madrid", "Lisbon", "Rome")


def generate_csv(rows: int, seed: int = 7) -> list[bytes]:
    """`rows` pipe-separated contact lines (header first), as bytes lines like an HTTP body stream."""
    rng = random.Random(seed)
    lines = [b"contact|last_name|first_name|email|description|status|address|city|state|country|"
             b"unit_number|additional_vars\n"]
    for i in range(rows):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        extra = f'{{"customer_id": {i}}}' if i % 4 == 0 else ""
        line = (
            f"+3361{rng.randrange(10**7):07d}|Name{i}|{first}|user{i}@example.org||1|"
            f"{i} rue de la Paix|{CITIES[i % len(CITIES)]}||fr||{extra}\n"
        )
        lines.append(line.encode())
    return lines


@contextlib.contextmanager
def backend(name: str, postgres_url: str, workdir: Path) -> Iterator[peewee.Database]:
    """A migrated, bound database for `name`; temporary (file or schema) and removed afterwards."""
    if name == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        schema = None
    else:
        schema = f"ivrd_bench_{os.getpid()}_{secrets.token_hex(3)}"
        admin = psycopg2.connect(postgres_url)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE SCHEMA "{schema}"')
        url = f"{postgres_url}?options=-csearch_path%3D{schema}"
    database = open_database(url)
    database.connect()
    bind(database)
    migrate(database)
    try:
        yield database
    finally:
        database.close()
        if schema is not None:
            admin.cursor().execute(f'DROP SCHEMA "{schema}" CASCADE')
            admin.close()


def fresh_phonebook(label: str) -> int:
    user = User.get_or_none(User.username == "bench") or User.create(username="bench", max_contacts=0)
    return int(Phonebook.create(user=user, name=label).id)


def time_import(database: peewee.Database, lines: list[bytes]) -> tuple[float, int]:
    book = fresh_phonebook("ivrd")
    start = time.perf_counter()
    report = contacts_import.import_contacts_csv(database, book, iter(lines), max_contacts=0)
    elapsed = time.perf_counter() - start
    if report.rejected:
        print(f"  unexpected rejections: {report.rejected} (first: {report.errors[:1]})", file=sys.stderr)
    return elapsed, report.created


def split_rows(lines: list[bytes]) -> list[ContactRow]:
    """Rows pre-split for the raw baseline (no validation, no JSON parsing)."""
    rows: list[ContactRow] = []
    for line in lines[1:]:
        f = line.decode().rstrip("\n").split("|")
        rows.append((f[0], 1, f[1], f[2], f[3], f[6], f[7], f[8], f[9].upper(), f[10], f[11] or "{}", f[4]))
    return rows


def time_raw(database: peewee.Database, rows: list[ContactRow]) -> float:
    book = fresh_phonebook("raw")
    now = str(Contact.created_date.db_value(utc_now()))
    insert = (
        contacts_import._insert_postgres
        if isinstance(database, peewee.PostgresqlDatabase)
        else contacts_import._insert_sqlite
    )
    start = time.perf_counter()
    insert(database, book, iter(rows), now)
    return time.perf_counter() - start


def time_naive(rows: list[ContactRow]) -> float:
    book = fresh_phonebook("naive")
    start = time.perf_counter()
    for row in rows:
        Contact.create(
            phonebook=book, contact=row[0], status=row[1], last_name=row[2], first_name=row[3],
            email=row[4], address=row[5], city=row[6], state=row[7], country=row[8],
            unit_number=row[9], additional_vars=row[10], description=row[11],
        )
    return time.perf_counter() - start


def run_backend(name: str, lines: list[bytes], rows: list[ContactRow], args: argparse.Namespace) -> None:
    count = len(rows)
    with tempfile.TemporaryDirectory() as tmp, backend(name, args.postgres_url, Path(tmp)) as database:
        ivrd_s, created = time_import(database, lines)
        raw_s = time_raw(database, rows)
        sample = rows[: args.sample]
        naive_sample_s = time_naive(sample)
        naive_s = naive_sample_s * count / max(len(sample), 1)
    print(f"[{name}] {count:,} rows")
    print(f"  import_contacts_csv : {ivrd_s:8.2f} s  {created / ivrd_s:12,.0f} rows/s  (created {created:,})")
    print(f"  raw, no validation  : {raw_s:8.2f} s  {count / raw_s:12,.0f} rows/s  ratio ivrd/raw = "
          f"{ivrd_s / raw_s:.2f}")
    print(f"  naive per-row create: {naive_s:8.2f} s  {count / naive_s:12,.0f} rows/s  (extrapolated from "
          f"{len(sample):,} rows in {naive_sample_s:.2f} s)  speed-up = {naive_s / ivrd_s:.1f}x")
    verdict = "meets" if ivrd_s <= 60 * count / 1_000_000 else "MISSES"
    print(f"  target 1,000,000 rows in <= 60 s: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the naive baseline")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("IVRD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    start = time.perf_counter()
    lines = generate_csv(args.rows)
    rows = split_rows(lines)
    print(f"generated {args.rows:,} CSV rows ({sum(map(len, lines)) / 1e6:.0f} MB) in "
          f"{time.perf_counter() - start:.1f} s")
    for name in args.backends.split(","):
        run_backend(name.strip(), lines, rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
