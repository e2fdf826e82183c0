"""Contacts: phone number rules, bulk creation (all or nothing, 4xx errors), streaming CSV import report."""

from __future__ import annotations

import pytest

from ivrd.store.models import Contact, Phonebook
from tests.integration.api.helpers import Caller


@pytest.fixture
def phonebook(alice: Caller) -> int:
    return int(alice.post("/rest-api/phonebook/", {"name": "pb"}).json["id"])


def test_phone_numbers_accept_digits_plus_star_hash_and_w(alice: Caller, phonebook: int) -> None:
    for number in ("+33123456789", "123*45#", "5551234w1234"):
        assert (
            alice.post("/rest-api/contact/", {"phonebook": str(phonebook), "contact": number}).status_code
            == 201
        )
    for number in ("12 34", "abc", "123;rm", ""):
        result = alice.post("/rest-api/contact/", {"phonebook": phonebook, "contact": number})
        assert result.status_code == 400 and "contact" in result.json, number


def test_contact_fields_round_trip(alice: Caller, phonebook: int) -> None:
    body = {"phonebook": phonebook, "contact": "555", "additional_vars": '{"company": "ACME"}', "status": "0"}
    created = alice.post("/rest-api/contact/", body).json
    assert created["additional_vars"] == {"company": "ACME"} and created["status"] == 0
    bad = alice.post("/rest-api/contact/", {**body, "additional_vars": "[1, 2]", "country": "FRA"})
    assert bad.status_code == 400 and {"additional_vars", "country"} <= set(bad.json)
    assert alice.get("/rest-api/contact/", params={"phonebook": str(phonebook)}).json["count"] == 1


def test_bulkcontact_creates_all_or_reports_the_field(alice: Caller, phonebook: int) -> None:
    ok = alice.post("/rest-api/bulkcontact/", {"phonebook_id": str(phonebook), "phoneno_list": "12345,54344"})
    assert ok.status_code == 200 and ok.json["result"] == "Bulk contacts are created"
    assert Contact.select().count() == 2
    duplicate = alice.post("/rest-api/bulkcontact/", {"phonebook_id": phonebook, "phoneno_list": "999,12345"})
    assert duplicate.status_code == 400 and "12345" in duplicate.json["phoneno_list"][0]
    bad = alice.post("/rest-api/bulkcontact/", {"phonebook_id": phonebook, "phoneno_list": "777,12x"})
    assert bad.status_code == 400 and "phoneno_list" in bad.json
    missing = alice.post("/rest-api/bulkcontact/", {})
    assert missing.status_code == 400 and {"phonebook_id", "phoneno_list"} <= set(missing.json)
    assert Contact.select().count() == 2
    alice.user.max_contacts = 3
    alice.user.save()
    over = alice.post("/rest-api/bulkcontact/", {"phonebook_id": phonebook, "phoneno_list": "1,2"})
    assert over.status_code == 400 and "limit" in over.json["phoneno_list"][0]


def test_csv_import_streams_rows_and_reports_bad_ones(alice: Caller, phonebook: int) -> None:
    csv_text = (
        "contact|last_name|first_name|email|description|status|address|city|state|country|unit_number|"
        "additional_vars\n"
        '5550001|Doe|Jane|jane@example.com||1|||||| {"a": 1}\n'
        "not-a-number|X|Y|||1||||||\n"
        "5550002|Roe|Rick|||7||||||\n"
        "5550003|Poe|Ed|||||||FRA||\n"
        "\n"
        "5550004\n"
    )
    result = alice.post(
        f"/rest-api/phonebook/{phonebook}/import/",
        body=csv_text.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert result.status_code == 200, result.text
    assert result.json["created"] == 2 and result.json["rejected"] == 3
    assert [(e["row"], e["field"]) for e in result.json["errors"]] == [
        (3, "contact"),
        (4, "status"),
        (5, "country"),
    ]
    jane = Contact.get(Contact.contact == "5550001")
    assert (jane.first_name, jane.phonebook_id) == ("Jane", phonebook)
    plain = alice.post(
        f"/rest-api/phonebook/{phonebook}/import/",
        body=b"111,A,B\n222,C,D\n",
        headers={"Content-Type": "text/csv"},
    )
    assert plain.json["created"] == 2
    wrong_type = alice.post(f"/rest-api/phonebook/{phonebook}/import/", {"rows": []})
    assert wrong_type.status_code == 415


def test_csv_import_respects_the_contact_limit(alice: Caller, phonebook: int) -> None:
    alice.user.max_contacts = 2
    alice.user.save()
    body = "\n".join(str(1000 + n) for n in range(5)).encode()
    report = alice.post(
        f"/rest-api/phonebook/{phonebook}/import/", body=body, headers={"Content-Type": "text/csv"}
    ).json
    assert report["created"] == 2 and report["rejected"] == 3
    assert Contact.select().join(Phonebook).where(Phonebook.user == alice.user.id).count() == 2


def test_new_contacts_reach_running_campaigns(alice: Caller) -> None:
    from ivrd.store.models import Campaign, Subscriber
    from tests.integration.api.helpers import campaign_body, id_of, seed_objects

    refs = seed_objects(alice.user)
    template = id_of(alice.post("/rest-api/survey-template/", {"name": "s"}))
    alice.post("/rest-api/section-template/", {"question": "q", "survey": template})
    campaign = alice.post("/rest-api/campaigns/", campaign_body(alice.user.id, template, refs, status=1)).json
    Campaign.update(imported_phonebook=str(refs["phonebook"])).where(Campaign.id == campaign["id"]).execute()

    contact = alice.post("/rest-api/contact/", {"phonebook": refs["phonebook"], "contact": "5551"}).json
    assert Subscriber.select().where(Subscriber.contact == contact["id"]).count() == 1

    bulk = {"phonebook_id": refs["phonebook"], "phoneno_list": "5552,5553"}
    assert alice.post("/rest-api/bulkcontact/", bulk).status_code == 200
    assert Campaign.get_by_id(campaign["id"]).imported_phonebook == ""
