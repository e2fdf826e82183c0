"""Phonebooks, contacts, do-not-call lists and their numbers."""

from __future__ import annotations

from typing import Any

import falcon

from api.errors import ErrorBag
from api.fields import Field
from api.resources.base import Family, owned_by
from api.resources.common import CREATED, ID, OWNER, UPDATED, url_field
from ivrd.store.models import Contact, DncContact, DncList, Phonebook, User
from ivrd.store.queries_dialer import subscribe_contact


class Phonebooks(Family):
    name = "phonebook"
    model = Phonebook
    summary = "Phonebooks: named sets of contacts attached to campaigns."
    fields = (
        url_field("phonebook"),
        ID,
        Field("name", required=True),
        Field("description", max_length=10000),
        OWNER,
        CREATED,
        UPDATED,
    )


def contact_limit_problem(owner_id: int, adding: int) -> str | None:
    """Why `adding` more contacts would exceed the phonebook owner's max_contacts (0 = unlimited)."""
    owner = User.get_by_id(owner_id)
    limit = int(owner.max_contacts)
    if limit == 0:
        return None
    have = Contact.select().join(Phonebook).where(Phonebook.user == owner_id).count()
    if have + adding > limit:
        return f"Contact limit reached: max_contacts = {limit}, you have {have}."
    return None


class Contacts(Family):
    name = "contact"
    model = Contact
    summary = "Contacts (phone numbers with data usable as TTS tags) inside a phonebook."
    fields = (
        url_field("contact"),
        ID,
        Field(
            "phonebook", "link", family="phonebook", required=True, filter=True, description='Link or id "1".'
        ),
        Field(
            "contact", "phone", required=True, filter=True, description="Phone number: digits, +, *, # and w."
        ),
        Field("status", "int", choices=(0, 1), description="1 active, 0 inactive."),
        Field("last_name"),
        Field("first_name"),
        Field("email"),
        Field("address"),
        Field("city"),
        Field("state"),
        Field("country", description="Two-letter country code."),
        Field("unit_number"),
        Field("additional_vars", "json", description="JSON object (or its text); keys become TTS tags."),
        Field("description", max_length=10000),
        Field("timezone", "tz", nullable=True, description="IANA time zone of the contact."),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        return owned_by(Contact.select().join(Phonebook), Phonebook.user, user)

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        phonebook_id = values.get("phonebook")
        if phonebook_id is None or (obj is not None and phonebook_id == obj.phonebook_id):
            return
        phonebook = Phonebook.get_or_none(Phonebook.id == phonebook_id)
        if phonebook is not None:
            problem = contact_limit_problem(phonebook.user_id, 1)
            if problem:
                errors.add("contact", problem)


    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        obj = super().create(req, values, owner)
        subscribe_contact(obj)  # running campaigns that already imported this phonebook call it too
        return obj

    def update(self, req: falcon.Request, obj: Any, values: dict[str, object], owner: User) -> Any:
        obj = super().update(req, obj, values, owner)
        if "status" in values or "phonebook" in values:
            subscribe_contact(obj)
        return obj


class DncLists(Family):
    name = "dnc-list"
    model = DncList
    summary = "Do-not-call lists; a campaign skips every number of its list."
    fields = (
        url_field("dnc-list"),
        ID,
        Field("name", required=True),
        Field("description", max_length=10000),
        OWNER,
        CREATED,
        UPDATED,
    )


class DncContacts(Family):
    name = "dnc-contact"
    model = DncContact
    summary = "Numbers of a do-not-call list (exact match against the contact's number)."
    fields = (
        url_field("dnc-contact"),
        ID,
        Field("dnc", "link", family="dnc-list", required=True, filter=True, description='Link or id "1".'),
        Field("phone_number", "phone", required=True, filter=True),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        return owned_by(DncContact.select().join(DncList), DncList.user, user)

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        dnc_id = values.get("dnc", obj.dnc_id if obj is not None else None)
        number = values.get("phone_number", obj.phone_number if obj is not None else None)
        same = DncContact.select().where((DncContact.dnc == dnc_id) & (DncContact.phone_number == number))
        if obj is not None:
            same = same.where(DncContact.id != obj.id)
        if same.exists():
            errors.add("phone_number", "This number is already in the list.")
