"""Ownership, route by route: another user's objects are 404 by id, invisible in lists, 400 as relations."""

from __future__ import annotations

from typing import Any

import pytest

from ivrd.store.models import (
    CallRecord,
    CallRequest,
    Campaign,
    Contact,
    Result,
    Section,
    Subscriber,
    Survey,
)
from tests.integration.api.helpers import Caller, campaign_body, id_of, seed_objects, wav_bytes


def build_world(owner: Caller) -> dict[str, int]:
    """One object of every family, owned by `owner`, created through the API where it can be."""
    refs = seed_objects(owner.user)
    ids: dict[str, int] = {"gateway": refs["gateway"], "phonebook": refs["phonebook"]}
    ids["callerid_group"] = refs["callerid_group"]
    ids["audio-files"] = owner.upload("a", "a.wav", wav_bytes(0.2)).json["id"]
    ids["survey-template"] = id_of(owner.post("/rest-api/survey-template/", {"name": "s"}))
    section = owner.post("/rest-api/section-template/", {"question": "q", "survey": ids["survey-template"]})
    ids["section-template"] = section.json["id"]
    listed = owner.get(f"/rest-api/branching-template/?section={section.json['id']}")
    ids["branching-template"] = listed.json["results"][0]["id"]
    ids["dnc-list"] = owner.post("/rest-api/dnc-list/", {"name": "d"}).json["id"]
    ids["dnc-contact"] = owner.post(
        "/rest-api/dnc-contact/", {"dnc": ids["dnc-list"], "phone_number": "123"}
    ).json["id"]
    ids["contact"] = owner.post("/rest-api/contact/", {"phonebook": ids["phonebook"], "contact": "555"}).json[
        "id"
    ]
    campaign = owner.post("/rest-api/campaigns/", campaign_body(owner.user.id, ids["survey-template"], refs))
    ids["campaigns"] = campaign.json["id"]
    assert owner.patch(f"/rest-api/campaigns/{ids['campaigns']}/", {"status": 1}).status_code == 200
    survey = Survey.get(Survey.campaign == ids["campaigns"])
    ids["sealed-survey"] = survey.id
    subscriber = Subscriber.create(contact=ids["contact"], campaign=ids["campaigns"], duplicate_contact="555")
    ids["subscriber-list"] = subscriber.id
    call = CallRequest.create(
        user=owner.user, phone_number="555", campaign=ids["campaigns"], subscriber=subscriber, survey=survey
    )
    ids["callrequest"] = call.id
    ids["cdr"] = CallRecord.create(user=owner.user, callrequest=call, phone_number="555").id
    section_copy = Section.get(Section.survey == survey)
    ids["results"] = Result.create(callrequest=call, section=section_copy, response="1").id
    return ids


@pytest.fixture
def world(alice: Caller) -> dict[str, int]:
    return build_world(alice)


WRITABLE = {
    "campaigns", "audio-files", "survey-template", "section-template", "branching-template", "phonebook",
    "contact", "dnc-list", "dnc-contact", "callerid_group",
}  # fmt: skip


def test_other_users_objects_are_not_found_and_not_listed(world: dict[str, int], bob: Caller) -> None:
    problems: list[str] = []
    for family, object_id in world.items():
        path = f"/rest-api/{family}/{object_id}/"
        methods: list[tuple[str, Any]] = [("GET", bob.get)]
        if family in WRITABLE:
            methods += [("PATCH", lambda p: bob.patch(p, {"name": "x"})), ("PUT", lambda p: bob.put(p, {})),
                        ("DELETE", bob.delete)]  # fmt: skip
        for method, call in methods:
            result = call(path)
            if result.status_code != 404:
                problems.append(f"{method} {path} -> {result.status_code}")
        listed = bob.get(f"/rest-api/{family}/")
        if listed.status_code != 200 or any(row["id"] == object_id for row in listed.json["results"]):
            problems.append(f"GET /rest-api/{family}/ shows {object_id} or fails ({listed.status_code})")
    for path in (
        f"/rest-api/campaigns/{world['campaigns']}/stats/",
        f"/rest-api/surveyaggregate/{world['sealed-survey']}/",
        "/usermedia/upload/audiofiles/a.wav",
    ):
        if bob.get(path).status_code != 404:
            problems.append(f"GET {path} is not 404")
    imported = bob.post(
        f"/rest-api/phonebook/{world['phonebook']}/import/",
        body="777\n",
        headers={"Content-Type": "text/csv"},
    )
    if imported.status_code != 404:
        problems.append(f"import into another user's phonebook -> {imported.status_code}")
    assert problems == []
    assert Campaign.select().count() == 1 and Contact.select().count() == 1


def test_relations_to_other_users_objects_are_400_naming_the_field(
    world: dict[str, int], bob: Caller
) -> None:
    own = seed_objects(bob.user, "bobgw")
    own_template = id_of(bob.post("/rest-api/survey-template/", {"name": "mine"}))
    own_section = bob.post("/rest-api/section-template/", {"question": "q", "survey": own_template}).json[
        "id"
    ]
    w = world
    mine = {"question": "q", "survey": own_template}
    theirs_audio = f"/rest-api/audio-files/{w['audio-files']}/"
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("section-template", {"question": "q", "survey": w["survey-template"]}, "survey"),
        ("section-template", {**mine, "audiofile": w["audio-files"]}, "audiofile"),
        ("section-template", {**mine, "invalid_audiofile": theirs_audio}, "invalid_audiofile"),
        ("branching-template", {"keys": "0", "section": w["section-template"]}, "section"),
        ("branching-template", {"keys": "timeout", "section": own_section, "goto": w["section-template"]},
         "goto"),
        ("contact", {"phonebook": w["phonebook"], "contact": "1"}, "phonebook"),
        ("dnc-contact", {"dnc": w["dnc-list"], "phone_number": "1"}, "dnc"),
    ]  # fmt: skip
    base = campaign_body(bob.user.id, own_template, own, name="bc")
    cases += [
        ("campaigns", {**base, "object_id": str(w["survey-template"])}, "object_id"),
        ("campaigns", {**base, "aleg_gateway": f"/rest-api/gateway/{w['gateway']}/"}, "aleg_gateway"),
        ("campaigns", {**base, "phonebook": f"{own['phonebook']},{w['phonebook']}"}, "phonebook"),
        ("campaigns", {**base, "callerid_group": w["callerid_group"]}, "callerid_group"),
        ("campaigns", {**base, "dnc": w["dnc-list"]}, "dnc"),
        ("campaigns", {**base, "voicemail_audiofile": w["audio-files"]}, "voicemail_audiofile"),
        ("campaigns", {**base, "user": f"/rest-api/users/{w_user_id(w)}/"}, "user"),
    ]
    problems = []
    for family, body, field in cases:
        result = bob.post(f"/rest-api/{family}/", body)
        if result.status_code != 400 or field not in result.json:
            problems.append(f"{family} {field}: {result.status_code} {result.text[:200]}")
    bulk = bob.post("/rest-api/bulkcontact/", {"phonebook_id": str(w["phonebook"]), "phoneno_list": "1,2"})
    if bulk.status_code != 400 or "phonebook_id" not in bulk.json:
        problems.append(f"bulkcontact: {bulk.status_code} {bulk.text}")
    assert problems == []
    assert bob.post("/rest-api/campaigns/", base).status_code == 201


def w_user_id(world: dict[str, int]) -> int:
    return int(Campaign.get_by_id(world["campaigns"]).user_id)


def test_superuser_sees_everything(world: dict[str, int], caller: Any) -> None:
    root = caller("root", superuser=True)
    for family, object_id in world.items():
        assert root.get(f"/rest-api/{family}/{object_id}/").status_code == 200, family
    assert root.get("/rest-api/users/").json["count"] == 2
