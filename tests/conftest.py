"""Shared database fixtures: every test that asks for `database` runs on SQLite and on PostgreSQL.

PostgreSQL: the server at $IVRD_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test).
Each test session works inside its own schema `ivrd_t_<pid>_<random>`, created at session start and
dropped at the end, so concurrent runs on the same server never see each other's rows. If the server
does not answer, the postgres-parametrised tests FAIL with the reason; set IVRD_TEST_POSTGRES=0 to
skip them instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import peewee
import psycopg2
import pytest

from ivrd.store import accounts
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate
from ivrd.store.models import ALL_MODELS, SchemaVersion, User

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_ENABLED = os.environ.get("IVRD_TEST_POSTGRES", "1") != "0"

# Cheap scrypt cost for test users; the stored hash still verifies through verify_password.
TEST_SCRYPT_N = 2**4

DB_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def postgres_server_url() -> str:
    return os.environ.get("IVRD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def with_search_path(url: str, schema: str) -> str:
    """`url` with libpq options that make `schema` the only schema on the search path."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def _admin_connection(url: str) -> psycopg2.extensions.connection:
    connection = psycopg2.connect(url, connect_timeout=5)
    connection.autocommit = True
    return connection


class PostgresSchemas:
    """Creates uniquely named schemas on the test server and drops them all at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.created: list[str] = []
        self.error: str | None = None
        self._connection: psycopg2.extensions.connection | None = None
        try:
            self._connection = _admin_connection(server_url)
        except psycopg2.Error as exc:
            self.error = str(exc).strip()

    def new_url(self) -> str:
        """A URL whose search_path is a new, empty schema of this session."""
        if self._connection is None:
            pytest.fail(
                f"PostgreSQL at {self.server_url} (IVRD_TEST_POSTGRES_URL) did not answer: {self.error}. "
                "Start it, or set IVRD_TEST_POSTGRES=0 to skip the PostgreSQL tests.",
                pytrace=False,
            )
        schema = f"ivrd_t_{os.getpid()}_{secrets.token_hex(4)}"
        with self._connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        self.created.append(schema)
        return with_search_path(self.server_url, schema)

    def drop(self, url: str) -> None:
        schema = url.rsplit("search_path%3D", 1)[-1]
        if self._connection is not None and schema in self.created:
            with self._connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            self.created.remove(schema)

    def close(self) -> None:
        if self._connection is None:
            return
        with self._connection.cursor() as cursor:
            for schema in self.created:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        self.created.clear()
        self._connection.close()


@pytest.fixture(scope="session")
def postgres_schemas() -> Iterator[PostgresSchemas]:
    """Session-wide factory of private PostgreSQL schemas (all dropped when the session ends)."""
    schemas = PostgresSchemas(postgres_server_url())
    yield schemas
    schemas.close()


@pytest.fixture(scope="session")
def _postgres_session_url(postgres_schemas: PostgresSchemas) -> str:
    """The session's migrated PostgreSQL schema; tests share it and truncate it before each use."""
    url = postgres_schemas.new_url()
    database = open_database(url)
    try:
        migrate(database)
    finally:
        database.close()
    return url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "ivrd.db"
    database = open_database(f"sqlite:///{path}")
    try:
        migrate(database)
    finally:
        database.close()
    return path


def _empty_all_tables(url: str) -> None:
    """Deletes every row (children first) and restarts every id sequence at 1.

    DELETE on small tables is ~100x faster than TRUNCATE, which rewrites each table's files.
    """
    database = open_database(url)
    try:
        existing = set(database.get_tables())
        names = [m._meta.table_name for m in reversed(ALL_MODELS) if m is not SchemaVersion]
        names = [n for n in names if n in existing]
        statements = [f'DELETE FROM "{n}"' for n in names]
        statements += [f"SELECT setval(pg_get_serial_sequence('\"{n}\"', 'id'), 1, false)" for n in names]
        database.execute_sql("; ".join(statements))
    finally:
        database.close()


def _require_postgres() -> None:
    if not POSTGRES_ENABLED:
        pytest.skip("PostgreSQL tests disabled by IVRD_TEST_POSTGRES=0")


@pytest.fixture(params=DB_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a clean database, schema at the latest migration, no rows; ids "sqlite" and "postgres".

    sqlite: `sqlite:///<tmp_path>/ivrd.db`, a fresh file per test.
    postgres: the session's private schema (search_path in the URL's `options`), emptied before the
    test with every id sequence restarted, so ids start at 1 as on SQLite.
    """
    if request.param == "sqlite":
        path = tmp_path / "ivrd.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    _require_postgres()
    url: str = request.getfixturevalue("_postgres_session_url")
    _empty_all_tables(url)
    return url


@pytest.fixture(params=DB_PARAMS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an EMPTY database (no tables at all), for migration tests; sqlite and postgres."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    _require_postgres()
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    url = schemas.new_url()
    yield url
    schemas.drop(url)


@pytest.fixture
def database(db_url: str) -> Iterator[peewee.Database]:
    """The database at `db_url`: connected, bound to `ivrd.store.db.database_proxy`, migrated.

    Every model works directly (User.create(...)). Closed after the test. Other threads open
    their own connections through the same object (peewee keeps one per thread).
    """
    db = open_database(db_url)
    db.connect()
    bind(db)
    migrate(db)
    yield db
    if not db.is_closed():
        db.close()


@pytest.fixture
def make_user(database: peewee.Database) -> Callable[..., User]:
    """Factory: make_user(username, password, superuser=False, **fields) -> saved active User.

    The password is hashed with a cheap scrypt cost (verify_password accepts it as usual).
    Extra keyword arguments set User fields (e.g. max_contacts=10).
    """

    def factory(username: str, password: str, superuser: bool = False, **fields: object) -> User:
        user = accounts.create_user(username, password, superuser=superuser, scrypt_n=TEST_SCRYPT_N)
        if fields:
            for name, value in fields.items():
                setattr(user, name, value)
            user.save()
        return user

    return factory
