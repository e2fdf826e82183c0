"""Streaming CSV contact import with a per-row error report, and bulk creation from a number list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from api.coerce import CoerceError, to_json_text, to_phone, to_str
from ivrd.store.models import Contact, Phonebook, utc_now

# Newfies' column order when the file has no header row.
COLUMNS = (
    "contact",
    "last_name",
    "first_name",
    "email",
    "description",
    "status",
    "address",
    "city",
    "state",
    "country",
    "unit_number",
    "additional_vars",
)
MAX_LENGTHS = {
    "last_name": 120,
    "first_name": 120,
    "email": 254,
    "address": 250,
    "city": 120,
    "state": 120,
    "country": 2,
    "unit_number": 50,
    "description": 10000,
}
BATCH_ROWS = 1000
MAX_REPORTED_ERRORS = 1000
MAX_LINE_CHARS = 64 * 1024


@dataclass
class ImportReport:
    created: int = 0
    rejected: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)

    def reject(self, row: int, name: str, message: str) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": name, "message": message})

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "rejected": self.rejected,
            "errors": self.errors,
            "errors_truncated": self.rejected > len(self.errors),
        }


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("|", ",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _bounded_lines(text: IO[str]) -> Iterator[str]:
    for line in text:
        yield line[:MAX_LINE_CHARS]


def parse_row(cells: list[str], columns: tuple[str, ...]) -> dict[str, object]:
    """One CSV row → Contact column values; CoerceError names the bad column via `args[1]`."""
    row = dict(zip(columns, (cell.strip() for cell in cells), strict=False))
    values: dict[str, object] = {}
    try:
        values["contact"] = to_phone(row.get("contact", ""))
    except CoerceError as exc:
        raise CoerceError(str(exc), "contact") from None
    status = row.get("status") or "1"
    if status not in ("0", "1"):
        raise CoerceError("Must be 0 (inactive) or 1 (active).", "status")
    values["status"] = int(status)
    for name, limit in MAX_LENGTHS.items():
        try:
            values[name] = to_str(row.get(name, ""), limit)
        except CoerceError as exc:
            raise CoerceError(str(exc), name) from None
    try:
        values["additional_vars"] = to_json_text(row.get("additional_vars", ""))
    except CoerceError as exc:
        raise CoerceError(str(exc), "additional_vars") from None
    return values


def import_csv(stream: IO[bytes], phonebook: Phonebook, limit_left: int | None) -> ImportReport:
    """Reads CSV rows from `stream` into `phonebook` in batches; `limit_left` None = unlimited."""
    report = ImportReport()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    lines = _bounded_lines(text)
    first = next(lines, "")
    reader = csv.reader(_chain(first, lines), delimiter=_sniff_delimiter(first))
    columns: tuple[str, ...] = COLUMNS
    batch: list[dict[str, object]] = []
    for number, cells in enumerate(reader, start=1):
        if number == 1 and cells and cells[0].strip().lower() == "contact":
            columns = tuple(cell.strip().lower() for cell in cells)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        try:
            values = parse_row(cells, columns)
        except CoerceError as exc:
            report.reject(number, str(exc.args[1]) if len(exc.args) > 1 else "contact", str(exc.args[0]))
            continue
        if limit_left is not None and report.created + len(batch) >= limit_left:
            report.reject(number, "contact", "Contact limit reached (max_contacts).")
            continue
        batch.append(values)
        if len(batch) >= BATCH_ROWS:
            report.created += insert_contacts(phonebook.id, batch)
            batch = []
    report.created += insert_contacts(phonebook.id, batch)
    return report


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def insert_contacts(phonebook_id: int, rows: list[dict[str, object]]) -> int:
    if not rows:
        return 0
    now = utc_now()
    Contact.insert_many(
        [{**row, "phonebook": phonebook_id, "created_date": now, "updated_date": now} for row in rows]
    ).execute()
    return len(rows)


def existing_numbers(owner_id: int, numbers: list[str]) -> set[str]:
    """Which of `numbers` already exist in any phonebook of the owner."""
    found: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        query = (
            Contact.select(Contact.contact)
            .join(Phonebook)
            .where((Phonebook.user == owner_id) & (Contact.contact.in_(chunk)))
        )
        found.update(row.contact for row in query)
    return found
