"""Bulk contact creation from a number list and streaming CSV import into a phonebook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import falcon
import peewee

from api.body import body_stream, media_type, read_body
from api.coerce import CoerceError
from api.errors import ErrorBag, ValidationFailed, not_found
from api.links import parse_link
from ivrd.config import Settings
from ivrd.store.contacts_import import ContactImportError, bulk_create_contacts, import_contacts_csv
from ivrd.store.models import Phonebook, User
from ivrd.store.queries_dialer import reopen_phonebook

CSV_TYPES = ("text/csv", "text/plain", "application/csv", "text/x-csv", "application/octet-stream")
MAX_BULK_NUMBERS = 100_000
MAX_LINE_BYTES = 64 * 1024
READ_BLOCK_BYTES = 64 * 1024


def owned_phonebook(user: User, object_id: int) -> Any:
    query = Phonebook.select().where(Phonebook.id == object_id)
    if not user.is_superuser:
        query = query.where(Phonebook.user == user.id)
    return query.first()


class BulkContacts:
    """POST {"phonebook_id": "1", "phoneno_list": "12345,54344"}: all numbers created, or none (400)."""

    def __init__(self, database: peewee.Database, settings: Settings) -> None:
        self.database = database

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req)
        errors = ErrorBag()
        phonebook = self._phonebook(req.context.user, body, errors)
        numbers = self._numbers(body, errors)
        errors.raise_if_any()
        try:
            created = bulk_create_contacts(phonebook.id, numbers)
        except ContactImportError as exc:
            raise ValidationFailed({exc.field: exc.message}) from None
        reopen_phonebook(phonebook.id)  # campaigns that already imported it pick up the new contacts
        resp.media = {"result": "Bulk contacts are created", "count": created}

    def _phonebook(self, user: User, body: dict[str, object], errors: ErrorBag) -> Any:
        raw = body.get("phonebook_id")
        if raw in (None, ""):
            errors.add("phonebook_id", "This field is required.")
            return None
        try:
            phonebook = owned_phonebook(user, parse_link(raw, "phonebook"))
        except CoerceError as exc:
            errors.add("phonebook_id", str(exc))
            return None
        if phonebook is None:
            errors.add("phonebook_id", "Phonebook does not exist or is not yours.")
        return phonebook

    def _numbers(self, body: dict[str, object], errors: ErrorBag) -> list[str]:
        raw = body.get("phoneno_list")
        items: Any = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items:
            errors.add("phoneno_list", 'Give a comma-separated list of phone numbers, e.g. "12345,54344".')
            return []
        if len(items) > MAX_BULK_NUMBERS:
            errors.add("phoneno_list", f"At most {MAX_BULK_NUMBERS} numbers per request.")
            return []
        numbers = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int):
                errors.add("phoneno_list", "Each phone number must be a string.")
                return []
            numbers.append(str(item))
        return numbers


def csv_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of the request body read in blocks; a line longer than MAX_LINE_BYTES is cut there."""
    pending = b""
    skipping = False  # inside the dropped tail of an overlong line
    while block := stream.read(READ_BLOCK_BYTES):
        if skipping:
            if b"\n" not in block:
                continue
            block = block.split(b"\n", 1)[1]
            skipping = False
        pending += block
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line[:MAX_LINE_BYTES] + b"\n"
        if len(pending) > MAX_LINE_BYTES:
            yield pending[:MAX_LINE_BYTES] + b"\n"
            pending, skipping = b"", True
    if pending and not skipping:
        yield pending


class PhonebookImport:
    """POST /rest-api/phonebook/<id>/import/ with a text/csv body, streamed row by row → per-row report.

    The body is not held in memory, so this route is exempt from api.upload_max_bytes; the owner's
    max_contacts bounds what is stored.
    """

    streams_body = True

    def __init__(self, database: peewee.Database, settings: Settings) -> None:
        self.database = database

    def on_post(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        phonebook = owned_phonebook(req.context.user, object_id)
        if phonebook is None:
            raise not_found()
        kind = media_type(req)
        if kind not in CSV_TYPES:
            raise falcon.HTTPUnsupportedMediaType(
                description=f'Send the CSV as text/csv (got "{kind or "no content type"}").'
            )
        owner = User.get_by_id(phonebook.user_id)
        try:
            report = import_contacts_csv(
                self.database,
                phonebook.id,
                csv_lines(body_stream(req)),
                max_contacts=int(owner.max_contacts),
            )
        except ContactImportError as exc:
            raise ValidationFailed({exc.field: exc.message}) from None
        if report.created:
            reopen_phonebook(phonebook.id)
        resp.media = report.as_dict()
