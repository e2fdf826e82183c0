"""Section and branching templates: per-type validation, default branchings, keys and goto rules."""

from __future__ import annotations

import pytest

from ivrd.store.models import BranchingTemplate
from tests.integration.api.helpers import Caller, id_of


@pytest.fixture
def template(alice: Caller) -> int:
    return id_of(alice.post("/rest-api/survey-template/", {"name": "s"}))


def keys_of(section_id: int) -> list[str]:
    rows = BranchingTemplate.select().where(BranchingTemplate.section == section_id)
    return sorted(b.keys for b in rows)


@pytest.mark.parametrize(
    ("section_type", "extra", "keys"),
    [
        ("1", {}, ["0"]),
        ("2", {"key_1": "Orange"}, ["timeout"]),
        ("3", {}, ["timeout"]),
        ("4", {}, ["timeout"]),
        ("6", {"phonenumber": "12345"}, ["0"]),
        ("7", {}, []),
        ("9", {}, []),
        ("10", {"sms_text": "hi"}, ["0"]),
    ],
)
def test_default_branchings_per_type(
    alice: Caller, template: int, section_type: str, extra: dict[str, str], keys: list[str]
) -> None:
    created = alice.post(
        "/rest-api/section-template/", {"type": section_type, "question": "q", "survey": template, **extra}
    )
    assert created.status_code == 201, created.text
    assert keys_of(created.json["id"]) == keys


def test_per_type_validation_names_the_field(alice: Caller, template: int) -> None:
    base = {"question": "q", "survey": template}
    cases = [
        ({"type": 2}, "key_0"),
        ({"type": 6}, "phonenumber"),
        ({"type": 10}, "sms_text"),
        ({"type": 4, "min_number": 10, "max_number": 5}, "min_number"),
        ({"type": 11}, "type"),
        ({"question": ""}, "question"),
    ]
    for extra, field in cases:
        result = alice.post("/rest-api/section-template/", {**base, **extra})
        assert result.status_code == 400, (extra, result.text)
        assert field in result.json, (extra, result.json)


def test_order_is_automatic_and_read_only(alice: Caller, template: int) -> None:
    first = alice.post("/rest-api/section-template/", {"question": "a", "survey": template, "order": 99}).json
    second = alice.post("/rest-api/section-template/", {"question": "b", "survey": template}).json
    assert second["order"] == first["order"] + 1
    changed = alice.patch(f"/rest-api/section-template/{first['id']}/", {"order": 50, "script": "hello"})
    assert changed.json["order"] == first["order"] and changed.json["script"] == "hello"


def test_branching_keys_and_goto(alice: Caller, template: int) -> None:
    choice = alice.post(
        "/rest-api/section-template/",
        {"type": 2, "key_1": "Yes", "key_2": "No", "question": "q", "survey": template},
    ).json
    target = alice.post("/rest-api/section-template/", {"question": "t", "survey": template}).json
    ok = alice.post(
        "/rest-api/branching-template/", {"keys": "1", "section": choice["url"], "goto": target["url"]}
    )
    assert ok.status_code == 201, ok.text
    assert ok.json["goto"] == target["url"]
    assert (
        alice.post("/rest-api/branching-template/", {"keys": "3", "section": choice["id"]}).status_code == 400
    )
    again = alice.post("/rest-api/branching-template/", {"keys": "1", "section": choice["id"]})
    assert again.status_code == 400 and "keys" in again.json
    other = id_of(alice.post("/rest-api/survey-template/", {"name": "other"}))
    foreign = alice.post("/rest-api/section-template/", {"question": "x", "survey": other}).json
    wrong = alice.post(
        "/rest-api/branching-template/", {"keys": "2", "section": choice["id"], "goto": foreign["id"]}
    )
    assert wrong.status_code == 400 and "goto" in wrong.json
    hangup = alice.post(
        "/rest-api/section-template/", {"type": 7, "question": "bye", "survey": template}
    ).json
    assert (
        alice.post("/rest-api/branching-template/", {"keys": "0", "section": hangup["id"]}).status_code == 400
    )


def test_deleting_a_template_removes_its_sections(alice: Caller, template: int) -> None:
    section = alice.post("/rest-api/section-template/", {"question": "q", "survey": template}).json
    assert alice.delete(f"/rest-api/survey-template/{template}/").status_code == 204
    assert alice.get(f"/rest-api/section-template/{section['id']}/").status_code == 404
