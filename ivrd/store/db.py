"""Database binding: turns a database URL into a peewee database and binds the shared proxy."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee

database_proxy = peewee.DatabaseProxy()

SQLITE_PRAGMAS: dict[str, Any] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}

_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresext://")


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used; the message names `database.url`."""


def _open_sqlite(url: str) -> peewee.SqliteDatabase:
    path = url[len("sqlite:///") :]
    if not path:
        raise DatabaseUrlError(f"database.url: missing file path in {url!r}")
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False: peewee keeps one connection per thread already.
    return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=5.0, check_same_thread=False)


def postgres_connect_kwargs(url: str) -> tuple[str, dict[str, Any]]:
    """Splits a postgresql:// URL into (database name, psycopg2 keyword arguments)."""
    parts = urlsplit(url)
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname:
        raise DatabaseUrlError(f"database.url: missing database name in {url!r}")
    kwargs: dict[str, Any] = {}
    if parts.hostname:
        kwargs["host"] = unquote(parts.hostname)
    if parts.port:
        kwargs["port"] = parts.port
    if parts.username:
        kwargs["user"] = unquote(parts.username)
    if parts.password:
        kwargs["password"] = unquote(parts.password)
    kwargs.update(parse_qsl(parts.query))
    return dbname, kwargs


def open_database(url: str) -> peewee.Database:
    """Returns an unconnected database for `sqlite:///PATH` or `postgresql://...` (query = libpq options)."""
    if url.startswith("sqlite:///"):
        return _open_sqlite(url)
    if url.startswith(_POSTGRES_SCHEMES):
        dbname, kwargs = postgres_connect_kwargs(url)
        return peewee.PostgresqlDatabase(dbname, **kwargs)
    raise DatabaseUrlError(f"database.url: must start with sqlite:/// or postgresql://, got {url!r}")


def bind(database: peewee.Database) -> peewee.Database:
    """Points every model (through the shared proxy) at `database` and returns it."""
    database_proxy.initialize(database)
    return database


def is_postgres(database: peewee.Database | peewee.DatabaseProxy) -> bool:
    """True when `database` (or the database behind a proxy) is PostgreSQL."""
    target = database.obj if isinstance(database, peewee.DatabaseProxy) else database
    return isinstance(target, peewee.PostgresqlDatabase)


def execute_sql(database: peewee.Database, sql: str, params: Any = None) -> Any:
    """Runs raw SQL on `database` and returns its cursor (a typed front for peewee's method)."""
    return database.execute_sql(sql, params)  # type: ignore[no-untyped-call]


def is_sqlite(database: peewee.Database | peewee.DatabaseProxy) -> bool:
    """True when `database` (or the database behind a proxy) is SQLite."""
    target = database.obj if isinstance(database, peewee.DatabaseProxy) else database
    return isinstance(target, peewee.SqliteDatabase)
