"""The database writer: batched commits, per-job isolation of failures, results back to callers."""

import asyncio
from pathlib import Path

import peewee
import pytest

from ivrd.runtime.dbwriter import DbWriter


class Row(peewee.Model):
    value = peewee.IntegerField(unique=True)


@pytest.fixture
def database(tmp_path: Path) -> peewee.SqliteDatabase:
    db = peewee.SqliteDatabase(tmp_path / "w.db", pragmas={"journal_mode": "wal"})
    db.bind([Row])
    db.create_tables([Row])
    db.close()
    return db


def test_jobs_share_transactions_and_return_results(database: peewee.SqliteDatabase) -> None:
    writer = DbWriter(database, batch_max=50)
    futures = [writer.submit(lambda i=i: Row.create(value=i).id) for i in range(200)]
    writer.start()
    ids = [f.result(timeout=10) for f in futures]
    writer.stop()
    assert sorted(ids) == list(range(1, 201))
    assert writer.jobs_done == 200
    assert writer.batches_committed <= 200 // 50 + 1  # queued jobs were batched


def test_a_failing_job_does_not_lose_its_batch_mates(database: peewee.SqliteDatabase) -> None:
    writer = DbWriter(database)
    runs: list[int] = []

    def create(value: int) -> int:
        runs.append(value)  # in-memory effects of a job must happen once
        return int(Row.create(value=value).id)

    ok_before = writer.submit(lambda: create(1))
    duplicate = writer.submit(lambda: create(1))  # unique violation
    ok_after = writer.submit(lambda: create(2))
    writer.start()
    assert ok_before.result(timeout=10) == 1
    with pytest.raises(peewee.IntegrityError):
        duplicate.result(timeout=10)
    assert ok_after.result(timeout=10) == 2
    writer.stop()
    assert runs == [1, 1, 2]
    assert writer.batches_committed == 1
    with database.connection_context():
        assert sorted(r.value for r in Row.select()) == [1, 2]


def test_awaitable_from_the_event_loop(database: peewee.SqliteDatabase) -> None:
    writer = DbWriter(database)
    writer.start()

    async def main() -> list[int]:
        return list(
            await asyncio.gather(*(writer.run(lambda i=i: Row.create(value=i).value) for i in range(20)))
        )

    assert sorted(asyncio.run(main())) == list(range(20))
    writer.stop()


class Deadlock(Exception):
    """Stands in for psycopg2's DeadlockDetected, which peewee wraps in OperationalError."""

    pgcode = "40P01"


def test_a_job_that_loses_a_lock_conflict_runs_again_after_its_batch_mates_commit(
        database: peewee.SqliteDatabase) -> None:
    writer = DbWriter(database)
    conflicts = [peewee.OperationalError(Deadlock("deadlock detected"))]

    def conflicted() -> int:
        row = Row.create(value=2)  # undone with the savepoint when the conflict strikes
        if conflicts:
            raise conflicts.pop()
        return int(row.value)

    before = writer.submit(lambda: Row.create(value=1).value)
    unlucky = writer.submit(conflicted)
    after = writer.submit(lambda: Row.create(value=3).value)
    writer.start()
    assert [f.result(timeout=10) for f in (before, unlucky, after)] == [1, 2, 3]
    writer.stop()
    assert writer.batches_committed == 2  # the first job committed before the rest ran again
    with database.connection_context():
        assert sorted(r.value for r in Row.select()) == [1, 2, 3]


def test_a_job_that_keeps_losing_lock_conflicts_fails_in_the_end(database: peewee.SqliteDatabase) -> None:
    writer = DbWriter(database)

    def always() -> None:
        raise peewee.OperationalError(Deadlock("deadlock detected"))

    doomed = writer.submit(always)
    writer.start()
    with pytest.raises(peewee.OperationalError):
        doomed.result(timeout=10)
    writer.stop()


def test_a_caller_that_stops_waiting_does_not_stop_the_writer(database: peewee.SqliteDatabase) -> None:
    writer = DbWriter(database)
    abandoned = writer.submit(lambda: Row.create(value=1).value)
    assert abandoned.cancel()  # e.g. the awaiting task was cancelled at shutdown
    later = writer.submit(lambda: Row.create(value=2).value)
    writer.start()
    assert later.result(timeout=10) == 2
    writer.stop()
    with database.connection_context():
        assert sorted(r.value for r in Row.select()) == [1, 2]  # the abandoned write was still made
