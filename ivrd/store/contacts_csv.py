"""Contact CSV parsing and validation (spec §4.1): lines in, validated rows and per-row errors out."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Positional columns when the file has no header row (spec §4.1 order).
COLUMNS: tuple[str, ...] = (
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
MAX_LENGTHS: dict[str, int] = {
    "contact": 90,
    "last_name": 120,
    "first_name": 120,
    "email": 254,
    "address": 250,
    "city": 120,
    "state": 120,
    "unit_number": 50,
}
# The value tuple a valid row becomes, in this order.
ROW_FIELDS: tuple[str, ...] = (
    "contact",
    "status",
    "last_name",
    "first_name",
    "email",
    "address",
    "city",
    "state",
    "country",
    "unit_number",
    "additional_vars",
    "description",
)

_PHONE = re.compile(r"[0-9+*#w]+\Z").match
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\Z").match
_COUNTRY = re.compile(r"[A-Za-z]{2}\Z").match

ContactRow = tuple[str, int, str, str, str, str, str, str, str, str, str, str]


@dataclass(frozen=True)
class RowError:
    """One rejected input row: its 1-based line number in the file, the field at fault and why."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


def phone_number_error(number: str) -> str | None:
    """Why `number` is not a dialable contact number, or None if it is."""
    if not number:
        return "required"
    if len(number) > MAX_LENGTHS["contact"]:
        return f"at most {MAX_LENGTHS['contact']} characters"
    if not _PHONE(number):
        return "only digits, +, *, # and w are allowed"
    return None


def _decode(lines: Iterable[bytes | str]) -> Iterator[str]:
    """Text lines from bytes or str lines; bytes are UTF-8 (a leading BOM is dropped)."""
    first = True
    for line in lines:
        text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
        if first:
            text = text.lstrip("\ufeff")
            first = False
        yield text


def _nonblank(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    for record in reader:
        if record and any(value.strip() for value in record):
            yield record


@dataclass
class CsvLayout:
    """How a file's columns map to contact fields; decided from its first line."""

    delimiter: str
    positions: dict[str, int] = field(default_factory=dict)
    has_header: bool = False


def detect_layout(first_line: str) -> tuple[CsvLayout, list[RowError]]:
    """Delimiter (`|` if present, else `,`) and, when the line is a header (it names a `contact`
    column; columns in any order), the column positions."""
    delimiter = "|" if "|" in first_line else ","
    cells = next(csv.reader([first_line], delimiter=delimiter), [])
    names = [cell.strip().lower() for cell in cells]
    if "contact" not in names:
        return CsvLayout(delimiter, {name: i for i, name in enumerate(COLUMNS)}), []
    errors = [RowError(1, name, "unknown column") for name in names if name not in COLUMNS]
    return CsvLayout(delimiter, {name: i for i, name in enumerate(names)}, has_header=True), errors


def _validate(record: list[str], layout: CsvLayout, row: int) -> tuple[int, ContactRow] | RowError:
    """Turns one CSV record into a contact value tuple, or the first problem found."""
    width = len(layout.positions)
    if len(record) > width:
        return RowError(row, "row", f"expected at most {width} fields, got {len(record)}")
    values = {name: (record[i].strip() if i < len(record) else "") for name, i in layout.positions.items()}
    if "\ufffd" in "".join(values.values()):
        return RowError(row, "row", "not valid UTF-8 text")
    problem = phone_number_error(values["contact"])
    if problem:
        return RowError(row, "contact", problem)
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            return RowError(row, name, f"at most {limit} characters")
    status_text = values.get("status", "")
    if status_text not in ("", "0", "1"):
        return RowError(row, "status", "must be 1 (active) or 0 (inactive)")
    email = values.get("email", "")
    if email and not _EMAIL(email):
        return RowError(row, "email", "not an e-mail address")
    country = values.get("country", "")
    if country and not _COUNTRY(country):
        return RowError(row, "country", "must be a 2-letter country code")
    extra = values.get("additional_vars", "") or "{}"
    if extra != "{}":
        try:
            parsed = json.loads(extra)
        except ValueError:
            return RowError(row, "additional_vars", "not valid JSON")
        if not isinstance(parsed, dict):
            return RowError(row, "additional_vars", "must be a JSON object")
    return row, (
        values["contact"],
        0 if status_text == "0" else 1,
        values.get("last_name", ""),
        values.get("first_name", ""),
        email,
        values.get("address", ""),
        values.get("city", ""),
        values.get("state", ""),
        country.upper(),
        values.get("unit_number", ""),
        extra,
        values.get("description", ""),
    )


def parse_contacts(lines: Iterable[bytes | str]) -> Iterator[tuple[int, ContactRow] | RowError]:
    """Streams (row number, contact tuple in ROW_FIELDS order) or a RowError per non-blank record."""
    text = _decode(lines)
    first_line = next(text, None)
    if first_line is None:
        return
    layout, header_errors = detect_layout(first_line)
    if header_errors:
        yield from header_errors
        return

    def all_lines() -> Iterator[str]:
        if not layout.has_header:
            yield first_line
        yield from text

    reader = csv.reader(all_lines(), delimiter=layout.delimiter)
    first_row = 2 if layout.has_header else 1
    for record in _nonblank(reader):
        # line_num counts physical lines read so far, including the header line already consumed.
        row = reader.line_num + first_row - 1
        yield _validate(record, layout, row)
