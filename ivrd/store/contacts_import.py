"""Bulk contact creation: streaming CSV import (COPY on PostgreSQL, executemany on SQLite), bulk numbers."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import peewee

from ivrd.store.contacts_csv import ROW_FIELDS, ContactRow, RowError, parse_contacts, phone_number_error
from ivrd.store.db import is_postgres
from ivrd.store.models import Contact, Phonebook, User, utc_now

# Rows per transaction; small enough that the daemon's writes never wait long for the lock.
SQLITE_CHUNK_ROWS = 5_000
POSTGRES_CHUNK_ROWS = 100_000
MAX_REPORTED_ERRORS = 1_000

_COLUMNS: tuple[str, ...] = ("phonebook_id", *ROW_FIELDS, "created_date", "updated_date")


class ContactImportError(ValueError):
    """The whole request is refused; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class ImportReport:
    """What a CSV import did: counts, and the rejected rows (the first MAX_REPORTED_ERRORS of them)."""

    rows: int = 0
    created: int = 0
    rejected: int = 0
    limit_reached: bool = False
    errors: list[RowError] = field(default_factory=list)

    def reject(self, error: RowError) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "created": self.created,
            "rejected": self.rejected,
            "limit_reached": self.limit_reached,
            "errors": [e.as_dict() for e in self.errors],
            "errors_truncated": self.rejected > len(self.errors),
        }


def _owner_contact_count(user_id: int) -> int:
    query = Contact.select().join(Phonebook).where(Phonebook.user == user_id)
    return int(query.count())


def _room(phonebook: Phonebook, max_contacts: int) -> int | None:
    """How many more contacts the phonebook's owner may have; None = unlimited."""
    if max_contacts <= 0:
        return None
    return max(max_contacts - _owner_contact_count(phonebook.user_id), 0)


def _accepted(
    items: Iterator[tuple[int, ContactRow] | RowError], room: int | None, report: ImportReport
) -> Iterator[ContactRow]:
    """The valid rows, recording errors and refusing rows beyond the contact limit."""
    accepted = 0
    for item in items:
        report.rows += 1
        if isinstance(item, RowError):
            report.reject(item)
        elif room is not None and accepted >= room:
            report.limit_reached = True
            report.reject(RowError(item[0], "contact", "contact limit reached (max_contacts)"))
        else:
            accepted += 1
            yield item[1]


def _chunks(rows: Iterator[ContactRow], size: int) -> Iterator[Iterator[ContactRow]]:
    """Consecutive lazy slices of at most `size` rows (each must be consumed before the next)."""
    for first in rows:
        yield itertools.chain((first,), itertools.islice(rows, size - 1))


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def through(self, rows: Iterable[ContactRow], phonebook_id: int, now: str) -> Iterator[tuple[Any, ...]]:
        for row in rows:
            self.count += 1
            yield (phonebook_id, *row, now, now)


class _CopySource(io.TextIOBase):
    """A file whose read() renders rows as COPY CSV text on demand, so parsing overlaps the server's work."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        want = size if size is not None and size > 0 else 1 << 30
        while self._buffer.tell() < want:
            batch = list(itertools.islice(self._rows, 256))
            if not batch:
                break
            self._writer.writerows(batch)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def _insert_sqlite(database: peewee.Database, phonebook_id: int, rows: Iterable[ContactRow], now: str) -> int:
    sql = 'INSERT INTO "contact" ({}) VALUES ({})'.format(
        ", ".join(f'"{c}"' for c in _COLUMNS), ", ".join("?" * len(_COLUMNS))
    )
    counter = _Counter()
    with database.atomic("IMMEDIATE"):
        cursor = database.cursor()  # type: ignore[no-untyped-call]
        cursor.executemany(sql, counter.through(rows, phonebook_id, now))
    return counter.count


def _insert_postgres(
    database: peewee.Database, phonebook_id: int, rows: Iterable[ContactRow], now: str
) -> int:
    counter = _Counter()
    source = _CopySource(counter.through(rows, phonebook_id, now))
    columns = ", ".join(f'"{c}"' for c in _COLUMNS)
    with database.atomic():
        cursor = database.cursor()  # type: ignore[no-untyped-call]
        cursor.copy_expert(f'COPY "contact" ({columns}) FROM STDIN WITH (FORMAT csv)', source, size=1 << 16)
    return counter.count


def import_contacts_csv(
    database: peewee.Database,
    phonebook_id: int,
    lines: Iterable[bytes | str],
    *,
    max_contacts: int,
) -> ImportReport:
    """Streams CSV lines into the phonebook; valid rows are stored, invalid ones reported by row number.

    Columns as spec §4.1 (`|` or `,` separated, optional header row naming the columns). Rows are
    written in chunks, each in its own transaction. `max_contacts` is the owner's limit over all their
    phonebooks (0 = unlimited); rows beyond it are rejected with `limit_reached` set.
    """
    phonebook = Phonebook.get_or_none(Phonebook.id == phonebook_id)
    if phonebook is None:
        raise ContactImportError("phonebook", f"no phonebook with id {phonebook_id}")
    report = ImportReport()
    now = str(Contact.created_date.db_value(utc_now()))
    postgres = is_postgres(database)
    size = POSTGRES_CHUNK_ROWS if postgres else SQLITE_CHUNK_ROWS
    insert = _insert_postgres if postgres else _insert_sqlite
    accepted = _accepted(parse_contacts(lines), _room(phonebook, max_contacts), report)
    for chunk in _chunks(accepted, size):
        report.created += insert(database, phonebook.id, chunk, now)
    return report


def _existing_numbers(user_id: int, numbers: Sequence[str]) -> dict[str, str]:
    """number -> phonebook name, for the numbers already in any of the user's phonebooks."""
    found: dict[str, str] = {}
    for start in range(0, len(numbers), 500):
        batch = list(numbers[start : start + 500])
        query = (
            Contact.select(Contact.contact, Phonebook.name)
            .join(Phonebook)
            .where((Phonebook.user == user_id) & (Contact.contact.in_(batch)))
            .order_by(Contact.id)
        )
        for row in query:
            found.setdefault(row.contact, row.phonebook.name)
    return found


def _validated_numbers(numbers: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in numbers:
        number = raw.strip()
        if not number:
            continue
        problem = phone_number_error(number)
        if problem:
            raise ContactImportError("phoneno_list", f"{number!r}: {problem}")
        if number in seen:
            raise ContactImportError("phoneno_list", f"{number} is listed twice")
        seen.add(number)
        cleaned.append(number)
    if not cleaned:
        raise ContactImportError("phoneno_list", "no phone numbers given")
    return cleaned


def bulk_create_contacts(phonebook_id: int, numbers: Iterable[str]) -> int:
    """Creates one active contact per number, all or nothing; returns how many were created.

    Refused (ContactImportError naming the field) when the phonebook is missing, a number is not
    dialable or repeated, a number already exists in any phonebook of the same user (the message
    names the number), or the owner's max_contacts would be exceeded.
    """
    phonebook = Phonebook.get_or_none(Phonebook.id == phonebook_id)
    if phonebook is None:
        raise ContactImportError("phonebook_id", f"no phonebook with id {phonebook_id}")
    cleaned = _validated_numbers(numbers)
    database: Any = Phonebook._meta.database
    with database.atomic():
        existing = _existing_numbers(phonebook.user_id, cleaned)
        if existing:
            number, name = next(iter(existing.items()))
            raise ContactImportError("phoneno_list", f"{number} already exists in phonebook {name!r}")
        limit = int(User.select(User.max_contacts).where(User.id == phonebook.user_id).scalar())
        room = _room(phonebook, limit)
        if room is not None and len(cleaned) > room:
            raise ContactImportError("phoneno_list", f"contact limit reached: room for {room} more contacts")
        now = utc_now()
        book = phonebook.id
        rows = [{"phonebook": book, "contact": n, "created_date": now, "updated_date": now} for n in cleaned]
        for start in range(0, len(rows), 500):
            Contact.insert_many(rows[start : start + 500]).execute()
    return len(cleaned)
