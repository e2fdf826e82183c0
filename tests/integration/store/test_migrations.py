"""Versioned migrations: fresh install, idempotence, upgrade of an older schema, `ivrd migrate`."""

from __future__ import annotations

import pytest

from ivrd.cli import main
from ivrd.store.db import execute_sql, open_database
from ivrd.store.migrations import MIGRATIONS, current_version, latest_version, migrate


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
