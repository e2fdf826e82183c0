"""CSV contact import and bulk contact creation on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable

import peewee
import pytest

from ivrd.store import contacts_import
from ivrd.store.contacts_import import ContactImportError, bulk_create_contacts, import_contacts_csv
from ivrd.store.models import Contact, Phonebook, User


def lines(text: str) -> list[bytes]:
    return text.encode().splitlines(keepends=True)


def test_imports_valid_rows_and_reports_bad_ones(
    database: peewee.Database, make_user: Callable[..., User]
) -> None:
    book = Phonebook.create(user=make_user("u", "pw"), name="pb")
    csv_text = (
        "contact|last_name|first_name|email|description|status|address|city|state|country|unit_number|"
        "additional_vars\n"
        '+4420123|Smith|Ann|ann@example.org|"quoted | pipe"|1|1 Main St|London||gb|2|'
        '{"sms_phonenumber": "+447"}\n'
        "07 12|Bad|Number\n"
        "4420999|Jones|Bob||||||||\n"
        "4420777|X|Y||||||||us|[1]\n"
    )
    report = import_contacts_csv(database, book.id, lines(csv_text), max_contacts=0)
    assert (report.rows, report.created, report.rejected, report.limit_reached) == (4, 2, 2, False)
    assert [(e.row, e.field) for e in report.errors] == [(3, "contact"), (5, "additional_vars")]
    ann = Contact.get(Contact.contact == "+4420123")
    assert (ann.first_name, ann.country, ann.status, ann.description) == ("Ann", "GB", 1, "quoted | pipe")
    assert json.loads(ann.additional_vars) == {"sms_phonenumber": "+447"}
    assert ann.created_date.tzinfo is not None and ann.timezone is None
    assert Contact.get(Contact.contact == "4420999").additional_vars == "{}"
    first_error = report.as_dict()["errors"][0]  # type: ignore[index]
    assert first_error == {"row": 3, "field": "contact", "message": report.errors[0].message}


def test_large_import_spans_several_chunks(
    database: peewee.Database, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contacts_import, "SQLITE_CHUNK_ROWS", 100)
    monkeypatch.setattr(contacts_import, "POSTGRES_CHUNK_ROWS", 100)
    book = Phonebook.create(user=make_user("u", "pw"), name="pb")
    rows = (f"{1000 + i},Last{i},First{i}\n" for i in range(1050))
    report = import_contacts_csv(database, book.id, rows, max_contacts=0)
    assert report.created == 1050 and report.rejected == 0
    assert Contact.select().where(Contact.phonebook == book).count() == 1050


def test_max_contacts_counts_all_the_owners_phonebooks(
    database: peewee.Database, make_user: Callable[..., User]
) -> None:
    user = make_user("u", "pw")
    first = Phonebook.create(user=user, name="a")
    second = Phonebook.create(user=user, name="b")
    Contact.insert_many([{"phonebook": first.id, "contact": str(i)} for i in range(3)]).execute()
    report = import_contacts_csv(database, second.id, (f"9{i}\n" for i in range(5)), max_contacts=5)
    assert (report.created, report.rejected, report.limit_reached) == (2, 3, True)
    assert [e.row for e in report.errors] == [3, 4, 5]
    assert Contact.select().count() == 5


def test_unknown_phonebook_is_refused(database: peewee.Database) -> None:
    with pytest.raises(ContactImportError, match="phonebook"):
        import_contacts_csv(database, 999, ["1\n"], max_contacts=0)


def test_bulk_create_is_all_or_nothing(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    other_user = make_user("v", "pw")
    mine = Phonebook.create(user=user, name="mine")
    other = Phonebook.create(user=user, name="older")
    Contact.create(phonebook=other, contact="54344")
    Contact.create(phonebook=Phonebook.create(user=other_user, name="theirs"), contact="777")

    with pytest.raises(ContactImportError, match="54344 already exists in phonebook 'older'"):
        bulk_create_contacts(mine.id, ["12345", "54344"])
    with pytest.raises(ContactImportError, match="phoneno_list"):
        bulk_create_contacts(mine.id, ["12345", "12-34"])
    with pytest.raises(ContactImportError, match="listed twice"):
        bulk_create_contacts(mine.id, ["12345", "12345"])
    assert Contact.select().where(Contact.phonebook == mine).count() == 0

    assert bulk_create_contacts(mine.id, [" 12345", "777", ""]) == 2
    assert sorted(c.contact for c in mine.contacts) == ["12345", "777"]


def test_bulk_create_respects_max_contacts(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw", max_contacts=2)
    book = Phonebook.create(user=user, name="pb")
    with pytest.raises(ContactImportError, match="contact limit"):
        bulk_create_contacts(book.id, ["1", "2", "3"])
    assert bulk_create_contacts(book.id, ["1", "2"]) == 2
    with pytest.raises(ContactImportError, match="phonebook_id"):
        bulk_create_contacts(12345, ["9"])
