"""Versioned schema migrations: an ordered list of steps, each applied once in its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import peewee

from ivrd.store.db import execute_sql, is_postgres, is_sqlite
from ivrd.store.models import ALL_MODELS, Campaign, SchemaVersion, Subscriber

# Serialises concurrent `ivrd migrate` runs on one PostgreSQL database.
_PG_LOCK_KEY = 0x1BD_5C4E


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[peewee.Database], None]


def _create_initial_tables(database: peewee.Database) -> None:
    database.create_tables(list(ALL_MODELS), safe=True)


def _column_names(database: peewee.Database, table: str) -> set[str]:
    return {column.name for column in database.get_columns(table)}


def _add_column_if_missing(database: peewee.Database, model: type[peewee.Model], field_name: str) -> None:
    """Adds one model field as a column, unless a newer initial schema already created it."""
    field = model._meta.fields[field_name]
    if field.column_name in _column_names(database, model._meta.table_name):
        return
    ctx = database.get_sql_context()
    ctx.literal("ALTER TABLE ").sql(peewee.Entity(model._meta.table_name))  # type: ignore[no-untyped-call]
    ctx.literal(" ADD COLUMN ").sql(field.ddl(ctx))  # type: ignore[no-untyped-call]
    sql, params = ctx.query()
    execute_sql(database, sql, params)


def _claim_columns_and_call_indexes(database: peewee.Database) -> None:
    _add_column_if_missing(database, Subscriber, "claimed_at")
    for name, table, columns in (
        ("call_request_campaign_id_status", "call_request", '"campaign_id", "status"'),
        ("subscriber_claimed_by_status", "subscriber", '"claimed_by", "status"'),
    ):
        execute_sql(database, f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


def _import_cursor(database: peewee.Database) -> None:
    _add_column_if_missing(database, Campaign, "import_cursor")
    execute_sql(
        database, 'CREATE INDEX IF NOT EXISTS "contact_phonebook_id_id" ON "contact" ("phonebook_id", "id")'
    )


def _double_precision_pace(database: peewee.Database) -> None:
    """campaign.next_call_at was REAL: 4 bytes on PostgreSQL (about 128 s steps for today's epoch
    seconds); SQLite's REAL is already 8 bytes."""
    if is_postgres(database):
        execute_sql(database, 'ALTER TABLE "campaign" ALTER COLUMN "next_call_at" TYPE double precision')


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _create_initial_tables),
    Migration(2, "subscriber claim time, call request and claim indexes", _claim_columns_and_call_indexes),
    Migration(3, "incremental phonebook import cursor", _import_cursor),
    Migration(4, "campaign pace time in double precision", _double_precision_pace),
)


def current_version(database: peewee.Database) -> int:
    """The highest applied migration, 0 for an empty database."""
    if not database.table_exists(SchemaVersion._meta.table_name):
        return 0
    with database.bind_ctx([SchemaVersion]):
        value = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(value or 0)


def _applied_versions(database: peewee.Database) -> set[int]:
    return {row.version for row in SchemaVersion.select(SchemaVersion.version)}


def _apply_one(database: peewee.Database, migration: Migration) -> bool:
    """Applies `migration` unless another process did; True when this call applied it."""
    with database.atomic("IMMEDIATE") if is_sqlite(database) else database.atomic():
        if is_postgres(database):
            execute_sql(database, "SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))
        if migration.version in _applied_versions(database):
            return False
        migration.apply(database)
        SchemaVersion.create(version=migration.version)
    return True


def migrate(database: peewee.Database, target: int | None = None) -> list[int]:
    """Applies every pending migration (up to `target`), oldest first; returns the versions applied."""
    applied: list[int] = []
    with database.bind_ctx(list(ALL_MODELS)):
        database.create_tables([SchemaVersion], safe=True)
        for migration in sorted(MIGRATIONS, key=lambda m: m.version):
            if target is not None and migration.version > target:
                break
            if _apply_one(database, migration):
                applied.append(migration.version)
    return applied


def latest_version() -> int:
    return max(m.version for m in MIGRATIONS)


__all__ = ["MIGRATIONS", "Migration", "current_version", "latest_version", "migrate"]
