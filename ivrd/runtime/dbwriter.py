"""One database writer thread: jobs from the event loop are batched into shared transactions."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import peewee

log = logging.getLogger(__name__)

T = TypeVar("T")

_STOP = object()
LOCK_CONFLICT_CODES = ("40P01", "40001")  # PostgreSQL: deadlock detected, serialization failure
LOCK_CONFLICT_RETRIES = 5


def is_lock_conflict(exc: BaseException) -> bool:
    """A deadlock or serialization failure PostgreSQL resolved by undoing this statement (peewee
    keeps the driver's error in `orig`)."""
    return getattr(getattr(exc, "orig", exc), "pgcode", None) in LOCK_CONFLICT_CODES


@dataclass
class _Job(Generic[T]):
    work: Callable[[], T]
    future: concurrent.futures.Future[T]
    conflicts: int = 0


class DbWriter:
    """Runs write jobs on one thread; up to `batch_max` queued jobs share one transaction.

    Thousands of call legs must not serialize on the database: each leg submits a small job
    and awaits its future, while the writer commits whatever has queued up in one go. Each
    job runs under its own savepoint, so one bad write never takes its batch-mates down with
    it. When another writer (a second daemon on the same PostgreSQL) deadlocks with the batch,
    the database undoes the job's statement: what ran before it is committed, releasing its
    locks, and the job and the rest of the batch run again in a new transaction.
    """

    def __init__(self, database: peewee.Database, *, batch_max: int = 500) -> None:
        self._database = database
        self._batch_max = batch_max
        self._queue: queue.SimpleQueue[_Job[Any] | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.batches_committed = 0
        self.jobs_done = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="ivrd-dbwriter", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finishes every job queued so far, then ends the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout_s)
            self._thread = None

    def submit(self, work: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put(_Job(work, future))
        return future

    async def run(self, work: Callable[[], T]) -> T:
        """Submits a job and waits for it without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(work))

    def _loop(self) -> None:
        with self._database.connection_context():
            while True:
                first = self._queue.get()
                if first is _STOP:
                    return
                batch: list[_Job[Any]] = [first]  # type: ignore[list-item]
                stopping = self._drain_into(batch)
                self._commit(batch)
                if stopping:
                    return

    def _drain_into(self, batch: list[_Job[Any]]) -> bool:
        while len(batch) < self._batch_max:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return False
            if item is _STOP:
                return True
            batch.append(item)  # type: ignore[arg-type]
        return False

    def _commit(self, batch: list[_Job[Any]]) -> None:
        while batch:
            batch = self._commit_some(batch)

    def _commit_some(self, batch: list[_Job[Any]]) -> list[_Job[Any]]:
        """One transaction for the batch, one savepoint per job: a failing job rolls back alone.
        Returns the jobs to run again (from a job that lost a lock conflict on)."""
        outcomes: list[tuple[_Job[Any], Any, BaseException | None]] = []
        again: list[_Job[Any]] = []
        try:
            with self._database.atomic():
                for index, job in enumerate(batch):
                    try:
                        with self._database.atomic():
                            outcomes.append((job, job.work(), None))
                    except Exception as exc:
                        if is_lock_conflict(exc) and job.conflicts < LOCK_CONFLICT_RETRIES:
                            job.conflicts += 1
                            again = batch[index:]
                            break
                        outcomes.append((job, None, exc))
        except Exception as exc:  # the commit itself failed: nothing of the batch is stored
            log.exception("database commit of %d writes failed", len(batch))
            for job in batch:
                _settle(job.future, None, exc)
            return []
        self.batches_committed += 1
        for job, result, error in outcomes:
            if error is None:
                self.jobs_done += 1
            else:
                log.error("database write failed: %s", error, exc_info=error)
            _settle(job.future, result, error)
        if again:
            log.info("database lock conflict with another writer; %d writes run again", len(again))
        return again


def _settle(future: concurrent.futures.Future[Any], result: Any, error: BaseException | None) -> None:
    """Hands a job's outcome to its caller, unless the caller stopped waiting (cancelled its
    future): the write is done all the same, and the writer thread must not die of it."""
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
