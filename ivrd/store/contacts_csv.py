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


def _decode(lines: Iterable[bytes | str], bad_lines: set[int]) -> Iterator[str]:
    """Text lines from bytes or str lines; bytes are UTF-8 (a leading BOM is dropped).

    Lines that are not valid UTF-8 are decoded with replacement characters and their 1-based
    numbers added to `bad_lines`.
    """
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("utf-8", errors="replace")
                bad_lines.add(number)
        else:
            text = line
        if number == 1:
            text = text.lstrip("\ufeff")
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

    @property
    def width(self) -> int:
        return len(self.positions)

    @property
    def indexes(self) -> tuple[int, ...]:
        """For each name of COLUMNS, its position in a record, or -1 when the file lacks it."""
        return tuple(self.positions.get(name, -1) for name in COLUMNS)


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


def _length_error(values: list[str], row: int) -> RowError:
    for name, limit in MAX_LENGTHS.items():
        if len(values[COLUMNS.index(name)]) > limit:
            return RowError(row, name, f"at most {limit} characters")
    raise AssertionError("no field is too long")


def _validate(values: list[str], row: int) -> tuple[int, ContactRow] | RowError:
    """Checks one record's stripped values (COLUMNS order); returns the contact tuple or the first problem."""
    contact, last, first, email, description, status, address, city, state, country, unit, extra = values
    if not contact or len(contact) > 90 or not _PHONE(contact):
        return RowError(row, "contact", phone_number_error(contact) or "invalid")
    if (
        len(last) > 120 or len(first) > 120 or len(email) > 254 or len(address) > 250
        or len(city) > 120 or len(state) > 120 or len(unit) > 50
    ):
        return _length_error(values, row)
    if status and status != "1" and status != "0":
        return RowError(row, "status", "must be 1 (active) or 0 (inactive)")
    if email and not _EMAIL(email):
        return RowError(row, "email", "not an e-mail address")
    if country and not _COUNTRY(country):
        return RowError(row, "country", "must be a 2-letter country code")
    if not extra:
        extra = "{}"
    elif extra != "{}":
        try:
            parsed = json.loads(extra)
        except ValueError:
            return RowError(row, "additional_vars", "not valid JSON")
        if not isinstance(parsed, dict):
            return RowError(row, "additional_vars", "must be a JSON object")
    active = 0 if status == "0" else 1
    country = country.upper()
    return row, (contact, active, last, first, email, address, city, state, country, unit, extra, description)


def parse_contacts(lines: Iterable[bytes | str]) -> Iterator[tuple[int, ContactRow] | RowError]:
    """Streams (row number, contact tuple in ROW_FIELDS order) or a RowError per non-blank record."""
    bad_lines: set[int] = set()
    text = _decode(lines, bad_lines)
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
    width = layout.width
    indexes = layout.indexes
    identity = indexes == tuple(range(len(COLUMNS)))
    for record in _nonblank(reader):
        # line_num counts physical lines read so far, not counting the header line consumed above.
        row = reader.line_num + first_row - 1
        size = len(record)
        if size > width:
            yield RowError(row, "row", f"expected at most {width} fields, got {size}")
            continue
        if bad_lines and row in bad_lines:
            yield RowError(row, "row", "not valid UTF-8 text")
            continue
        if size < width:
            record += [""] * (width - size)
        if identity:
            values = [value.strip() for value in record]
        else:
            values = [record[i].strip() if i >= 0 else "" for i in indexes]
        yield _validate(values, row)
