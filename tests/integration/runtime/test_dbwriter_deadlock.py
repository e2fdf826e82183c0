"""Two database writers (two daemons) deadlocking on PostgreSQL: the losing write runs again, none is lost."""

from __future__ import annotations

import threading

import pytest

from ivrd.runtime.dbwriter import DbWriter
from ivrd.store.db import open_database

WAIT_S = 10.0


@pytest.mark.parametrize("empty_db_url", ["postgres"], indirect=True)
def test_crossed_row_locks_are_resolved_without_losing_a_write(empty_db_url: str) -> None:
    database = open_database(empty_db_url)
    database.execute_sql("CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL)")
    database.execute_sql("INSERT INTO counter VALUES (1, 0), (2, 0)")
    database.close()
    locked = {"a": threading.Event(), "b": threading.Event()}

    def bump(row: int, mine: str | None = None, other: str | None = None) -> int:
        database.execute_sql("UPDATE counter SET n = n + 1 WHERE id = %s", (row,))
        if mine and other:  # hold this row until the other writer holds the other one
            locked[mine].set()
            assert locked[other].wait(WAIT_S)
        return row

    first, second = DbWriter(database), DbWriter(database)
    # each writer's two jobs share one transaction and take the rows in opposite orders
    futures = [first.submit(lambda: bump(1, "a", "b")), first.submit(lambda: bump(2)),
               second.submit(lambda: bump(2, "b", "a")), second.submit(lambda: bump(1))]
    first.start()
    second.start()
    try:
        assert [f.result(timeout=WAIT_S * 3) for f in futures] == [1, 2, 2, 1]
    finally:
        first.stop()
        second.stop()
    assert first.batches_committed + second.batches_committed == 3  # the loser committed in two steps
    with database.connection_context():
        rows = database.execute_sql("SELECT id, n FROM counter ORDER BY id").fetchall()
    assert rows == [(1, 2), (2, 2)]
    database.close()
