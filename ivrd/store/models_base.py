"""Base model, UTC datetime field and shared helpers for every ivrd table."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any

import peewee

from ivrd.store.db import database_proxy

UTC = dt.UTC


def utc_now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(UTC)


def random_code(length: int = 5) -> str:
    """A random code of upper-case letters (campaign codes)."""
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(length))


class UtcDateTimeField(peewee.DateTimeField):
    """Stores naive UTC in the database; returns timezone-aware UTC datetimes.

    Naive input is taken as UTC; aware input is converted to UTC first.
    """

    def db_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]

    def python_value(self, value: Any) -> Any:
        value = super().python_value(value)  # type: ignore[no-untyped-call]
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                return value.replace(tzinfo=UTC)
            return value.astimezone(UTC)
        return value


class BaseModel(peewee.Model):
    """Every table: snake_case name, created/updated timestamps kept by save()."""

    id = peewee.AutoField()
    created_date = UtcDateTimeField(default=utc_now)
    updated_date = UtcDateTimeField(default=utc_now)

    class Meta:
        database = database_proxy
        legacy_table_names = False

    def save(self, *args: Any, **kwargs: Any) -> int:
        self.updated_date = utc_now()
        result: int = super().save(*args, **kwargs)
        return result
