"""Locks taken up front: the SQLite write lock at a transaction's start, a campaign row on PostgreSQL."""

from __future__ import annotations

from typing import Any

from ivrd.store.db import database_proxy, is_postgres, is_sqlite
from ivrd.store.models import Campaign


def write_transaction() -> Any:
    """A transaction holding the write lock from its start on SQLite (so readers never upgrade); a plain
    one on PostgreSQL."""
    return database_proxy.atomic("IMMEDIATE") if is_sqlite(database_proxy) else database_proxy.atomic()


def lock_campaign(campaign_id: int) -> Campaign:
    """The campaign row, locked until the transaction ends (SELECT … FOR UPDATE on PostgreSQL; SQLite's
    write transaction already excludes other writers)."""
    query = Campaign.select().where(Campaign.id == campaign_id)
    if is_postgres(database_proxy):
        query = query.for_update()
    campaign: Campaign = query.get()
    return campaign
