"""Bulk contact creation from a number list and streaming CSV import into a phonebook."""

from __future__ import annotations

from typing import IO, Any, cast

import falcon
import peewee

from api.body import media_type, read_body
from api.coerce import CoerceError, to_phone
from api.contacts_import import existing_numbers, import_csv, insert_contacts
from api.errors import ErrorBag, ValidationFailed, not_found
from api.links import parse_link
from api.resources.contacts import contact_limit_problem
from ivrd.config import Settings
from ivrd.store.models import Contact, Phonebook, User

CSV_TYPES = ("text/csv", "text/plain", "application/csv", "text/x-csv", "application/octet-stream")
MAX_BULK_NUMBERS = 100_000


def owned_phonebook(user: User, object_id: int) -> Any:
    query = Phonebook.select().where(Phonebook.id == object_id)
    if not user.is_superuser:
        query = query.where(Phonebook.user == user.id)
    return query.first()


def limit_left(owner_id: int) -> int | None:
    owner = User.get_by_id(owner_id)
    if int(owner.max_contacts) == 0:
        return None
    have = Contact.select().join(Phonebook).where(Phonebook.user == owner_id).count()
    return max(0, int(owner.max_contacts) - have)


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
        assert phonebook is not None
        problem = contact_limit_problem(phonebook.user_id, len(numbers))
        if problem:
            raise ValidationFailed({"phoneno_list": problem})
        taken = existing_numbers(phonebook.user_id, numbers)
        if taken:
            shown = ", ".join(sorted(taken)[:20])
            raise ValidationFailed({"phoneno_list": f"Already in your phonebooks: {shown}."})
        rows: list[dict[str, object]] = [{"contact": number} for number in numbers]
        with self.database.atomic():
            created = insert_contacts(phonebook.id, rows)
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
        if not isinstance(items, list) or not any(str(item).strip() for item in items):
            errors.add("phoneno_list", 'Give a comma-separated list of phone numbers, e.g. "12345,54344".')
            return []
        if len(items) > MAX_BULK_NUMBERS:
            errors.add("phoneno_list", f"At most {MAX_BULK_NUMBERS} numbers per request.")
            return []
        numbers: list[str] = []
        for item in items:
            if isinstance(item, str) and not item.strip():
                continue
            try:
                number = to_phone(item)
            except CoerceError as exc:
                errors.add("phoneno_list", f"{str(item)[:40]!r}: {exc}")
                return []
            if number not in numbers:
                numbers.append(number)
        return numbers


class PhonebookImport:
    """POST /rest-api/phonebook/<id>/import/ with a text/csv body → per-row report."""

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
        with self.database.atomic():
            report = import_csv(cast(IO[bytes], req.bounded_stream), phonebook, limit_left(phonebook.user_id))
        resp.media = report.as_dict()
