"""Versioned migrations: fresh install, idempotence, upgrade of an older schema, `ivrd migrate`."""

from __future__ import annotations

from collections.abc import Callable

import peewee
import pytest

from ivrd.cli import main
from ivrd.store.db import bind, execute_sql, is_postgres, open_database
from ivrd.store.migrations import MIGRATIONS, current_version, latest_version, migrate
from ivrd.store.models import Campaign, User

from . import builders

# An epoch time with microseconds: a 4-byte REAL would round it to a multiple of 128 s.
PACE_S = 1_795_000_000.123456


def test_fresh_database_gets_every_migration_once(empty_db_url: str) -> None:
    database = open_database(empty_db_url)
    try:
        assert current_version(database) == 0
        assert migrate(database) == [m.version for m in MIGRATIONS]
        assert migrate(database) == []
        assert current_version(database) == latest_version()
        assert "campaign" in database.get_tables()
    finally:
        database.close()


def test_database_at_version_1_is_upgraded(empty_db_url: str) -> None:
    database = open_database(empty_db_url)
    try:
        assert migrate(database, target=1) == [1]
        # A version-1 database predates the claim time column.
        execute_sql(database, 'ALTER TABLE "subscriber" DROP COLUMN "claimed_at"')
        assert migrate(database) == [m.version for m in MIGRATIONS if m.version > 1]
        columns = {c.name for c in database.get_columns("subscriber")}
        assert "claimed_at" in columns
        indexes = {i.name for i in database.get_indexes("call_request")}
        assert "call_request_campaign_id_status" in indexes
        assert current_version(database) == latest_version()
    finally:
        database.close()


def _pace_column_type(database: peewee.Database) -> str:
    if is_postgres(database):
        cursor = execute_sql(database, "SELECT data_type FROM information_schema.columns WHERE "
                             "table_schema = current_schema() AND table_name = 'campaign' "
                             "AND column_name = 'next_call_at'")
    else:
        cursor = execute_sql(database, "SELECT type FROM pragma_table_info('campaign') "
                             "WHERE name = 'next_call_at'")
    return str(cursor.fetchone()[0]).lower()


def test_campaign_pace_time_keeps_microseconds(make_user: Callable[..., User]) -> None:
    camp = builders.campaign(make_user("alice", "secret"), next_call_at=PACE_S)
    stored = Campaign.get_by_id(camp.id).next_call_at
    assert stored is not None and abs(stored - PACE_S) < 1e-6


def test_database_at_version_3_gets_a_double_precision_pace_time(empty_db_url: str) -> None:
    database = bind(open_database(empty_db_url))
    try:
        assert migrate(database, target=3) == [1, 2, 3]
        if is_postgres(database):  # a version-3 PostgreSQL schema had a 4-byte REAL here
            execute_sql(database, 'ALTER TABLE "campaign" ALTER COLUMN "next_call_at" TYPE real')
            assert _pace_column_type(database) == "real"
        user = User.create(username="alice")
        kept = builders.campaign(user, name="kept", next_call_at=1000.5)
        assert migrate(database) == [4]
        # SQLite's REAL is already 8 bytes: its column is left as it was.
        assert _pace_column_type(database) == ("double precision" if is_postgres(database) else "real")
        assert Campaign.get_by_id(kept.id).next_call_at == 1000.5
        Campaign.update(next_call_at=PACE_S).where(Campaign.id == kept.id).execute()
        stored = Campaign.get_by_id(kept.id).next_call_at
        assert stored is not None and abs(stored - PACE_S) < 1e-6
    finally:
        database.close()


def test_ivrd_migrate_prints_applied_versions(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("IVRD_CONFIG", raising=False)
    monkeypatch.setenv("IVRD_DATABASE_URL", empty_db_url)
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert "applied migration 1: initial schema" in out
    assert main(["migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert main(["migrate", "--show"]) == 0
    assert capsys.readouterr().out.strip() == f"schema version {latest_version()} (latest {latest_version()})"


def test_ivrd_migrate_reports_bad_configuration(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("IVRD_CONFIG", raising=False)
    monkeypatch.setenv("IVRD_DATABASE_URL", "mysql://nowhere/db")
    monkeypatch.setenv("IVRD_ESL_PORT", "99999")
    assert main(["migrate"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("database.url:") for line in lines)
    assert any(line.startswith("esl.port:") for line in lines)
