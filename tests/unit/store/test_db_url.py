"""Database URLs: SQLite paths and pragmas, PostgreSQL connection arguments, clear errors."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from ivrd.store.db import DatabaseUrlError, is_postgres, is_sqlite, open_database, postgres_connect_kwargs


def test_sqlite_url_creates_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "ivrd.db"
    database = open_database(f"sqlite:///{path}")
    assert is_sqlite(database) and not is_postgres(database)
    assert path.parent.is_dir()
    database.connect()
    try:
        journal = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        foreign_keys = database.execute_sql("PRAGMA foreign_keys").fetchone()[0]
    finally:
        database.close()
    assert journal == "wal" and foreign_keys == 1


def test_postgres_url_arguments_and_search_path_option() -> None:
    dbname, kwargs = postgres_connect_kwargs(
        "postgresql://ivrd:p%40ss@db.example:6543/dialer?options=-csearch_path%3Dtenant&sslmode=require"
    )
    assert dbname == "dialer"
    assert kwargs == {
        "host": "db.example",
        "port": 6543,
        "user": "ivrd",
        "password": "p@ss",
        "options": "-csearch_path=tenant",
        "sslmode": "require",
    }
    assert isinstance(open_database("postgresql://u@h/d"), peewee.PostgresqlDatabase)


@pytest.mark.parametrize("url", ["mysql://h/d", "sqlite:///", "postgresql://host/"])
def test_unusable_urls_name_the_setting(url: str) -> None:
    with pytest.raises(DatabaseUrlError, match=r"database\.url"):
        open_database(url)
