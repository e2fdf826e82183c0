"""Campaign rules: status transitions, dialer limits, names, gateways, datetimes and DRF-style input."""

from __future__ import annotations

from typing import Any

import pytest

from ivrd.store.models import CampaignPhonebook, Phonebook, Survey
from tests.integration.api.helpers import Caller, campaign_body, id_of, seed_objects


@pytest.fixture
def setup(alice: Caller) -> dict[str, Any]:
    refs = seed_objects(alice.user)
    template = id_of(alice.post("/rest-api/survey-template/", {"name": "s"}))
    alice.post("/rest-api/section-template/", {"question": "q", "survey": template})
    return {"refs": refs, "template": template, "body": campaign_body(alice.user.id, template, refs)}


def create(alice: Caller, setup: dict[str, Any], **overrides: Any) -> Any:
    return alice.post("/rest-api/campaigns/", {**setup["body"], **overrides})


def test_status_transitions_are_validated(alice: Caller, setup: dict[str, Any]) -> None:
    campaign = create(alice, setup).json
    path = f"/rest-api/campaigns/{campaign['id']}/"
    refused = alice.patch(path, {"status": 2})
    assert refused.status_code == 400
    assert "allowed: 1 START, 3 ABORT" in refused.json["status"][0]
    for status in (1, 2, 1, 4):
        assert alice.patch(path, {"status": status}).json["status"] == status
    final = alice.patch(path, {"status": 1})
    assert final.status_code == 400 and "final" in final.json["status"][0]
    assert alice.patch(path, {"status": 9}).status_code == 400
    assert Survey.select().count() == 1


def test_abort_from_new_needs_no_survey_copy(alice: Caller, setup: dict[str, Any]) -> None:
    campaign = create(alice, setup).json
    assert alice.patch(f"/rest-api/campaigns/{campaign['id']}/", {"status": 3}).json["status"] == 3
    assert Survey.select().count() == 0


def test_create_started_seals_at_once(alice: Caller, setup: dict[str, Any]) -> None:
    created = create(alice, setup, status=1)
    assert created.status_code == 201
    assert created.json["status"] == 1 and created.json["survey"] is not None


@pytest.mark.parametrize(
    ("field", "value", "limit_attr"),
    [
        ("frequency", "101", "max_frequency"),
        ("callmaxduration", 1801, "max_callmaxduration_s"),
        ("maxretry", "4", "max_maxretry"),
        ("calltimeout", 46, "max_calltimeout_s"),
    ],
)
def test_values_over_the_users_limits_name_field_and_limit(
    alice: Caller, setup: dict[str, Any], field: str, value: object, limit_attr: str
) -> None:
    result = create(alice, setup, **{field: value})
    assert result.status_code == 400
    assert limit_attr in result.json[field][0]


def test_campaign_count_limit_and_duplicate_name(alice: Caller, setup: dict[str, Any]) -> None:
    assert create(alice, setup).status_code == 201
    duplicate = create(alice, setup)
    assert duplicate.status_code == 400 and "name" in duplicate.json
    alice.user.max_campaigns = 1
    alice.user.save()
    over = create(alice, setup, name="second")
    assert over.status_code == 400 and "max_campaigns = 1" in over.json["non_field_errors"][0]


def test_gateway_must_be_granted(alice: Caller, setup: dict[str, Any]) -> None:
    from ivrd.store.models import Gateway

    other = Gateway.create(name="not-granted")
    result = create(alice, setup, aleg_gateway=f"http://elsewhere/rest-api/gateway/{other.id}/")
    assert result.status_code == 400 and "aleg_gateway" in result.json


def test_naive_datetimes_are_in_the_campaign_timezone(alice: Caller, setup: dict[str, Any]) -> None:
    result = create(alice, setup, timezone="Europe/Paris", startingdate="2021-06-01 14:13:33")
    assert result.status_code == 201, result.text
    assert result.json["startingdate"] == "2021-06-01T12:13:33+00:00"
    iso = alice.patch(f"/rest-api/campaigns/{result.json['id']}/", {"expirationdate": "2030-01-01T00:00:00Z"})
    assert iso.json["expirationdate"] == "2030-01-01T00:00:00+00:00"
    backwards = alice.patch(f"/rest-api/campaigns/{result.json['id']}/", {"expirationdate": "2000-01-01"})
    assert backwards.status_code == 400 and "expirationdate" in backwards.json


def test_drf_style_values_and_phonebook_string(alice: Caller, setup: dict[str, Any]) -> None:
    second = Phonebook.create(user=alice.user, name="pb2")
    result = create(alice, setup, phonebook=f"{setup['refs']['phonebook']},{second.id}", voicemail="false")
    assert result.status_code == 201
    assert result.json["voicemail"] is False
    assert CampaignPhonebook.select().where(CampaignPhonebook.campaign == result.json["id"]).count() == 2
    bad = create(alice, setup, name="x", frequency="fast", voicemail="maybe", startingdate="yesterday")
    assert bad.status_code == 400
    assert {"frequency", "voicemail", "startingdate"} <= set(bad.json)
    wrong_family = create(alice, setup, name="y", aleg_gateway="/rest-api/phonebook/1/")
    assert wrong_family.status_code == 400 and "aleg_gateway" in wrong_family.json


def test_missing_required_fields_are_named(alice: Caller) -> None:
    result = alice.post("/rest-api/campaigns/", {"description": "no name"})
    assert result.status_code == 400
    assert {"name", "aleg_gateway", "object_id"} <= set(result.json)


def test_stats_and_detail_counters(alice: Caller, setup: dict[str, Any]) -> None:
    campaign = create(alice, setup).json
    stats = alice.get(f"/rest-api/campaigns/{campaign['id']}/stats/").json
    assert {
        k: stats[k] for k in ("total", "in_progress", "answered", "completed", "failed")
    } == dict.fromkeys(("total", "in_progress", "answered", "completed", "failed"), 0)
    assert alice.get(f"/rest-api/campaigns/{campaign['id']}/").json["stats"]["total"] == 0


def test_non_superuser_user_field_is_ignored_when_it_is_themself(
    alice: Caller, setup: dict[str, Any]
) -> None:
    result = create(alice, setup, user=f"http://x/rest-api/users/{alice.user.id}/")
    assert result.status_code == 201
    assert result.json["user"].endswith(f"/rest-api/users/{alice.user.id}/")


def test_superuser_creates_for_another_user(caller: Any, alice: Caller, setup: dict[str, Any]) -> None:
    root = caller("root", superuser=True)
    result = root.post("/rest-api/campaigns/", {**setup["body"], "user": alice.user.id, "name": "for-alice"})
    assert result.status_code == 201, result.text
    assert result.json["user"].endswith(f"/rest-api/users/{alice.user.id}/")
    assert alice.get(f"/rest-api/campaigns/{result.json['id']}/").status_code == 200


def test_pagination_envelope(alice: Caller, setup: dict[str, Any]) -> None:
    alice.user.max_campaigns = 100
    alice.user.save()
    for n in range(12):
        assert create(alice, setup, name=f"c{n}").status_code == 201
    first = alice.get("/rest-api/campaigns/").json
    assert first["count"] == 12 and len(first["results"]) == 10 and first["previous"] is None
    assert first["next"] == "http://falconframework.org/rest-api/campaigns/?page=2"
    second = alice.get("/rest-api/campaigns/", params={"page": "2"}).json
    assert len(second["results"]) == 2 and second["next"] is None
    assert second["previous"] == "http://falconframework.org/rest-api/campaigns/"
    assert alice.get("/rest-api/campaigns/", params={"page": "3"}).status_code == 404
    assert alice.get("/rest-api/campaigns/", params={"page": "x"}).json == {"detail": "Invalid page."}


def test_daemon_writes_during_a_request_are_kept(
    alice: Caller, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.resources.campaigns import Campaigns
    from ivrd.store.models import Campaign

    campaign_id = create(alice, setup, status=1).json["id"]
    original = Campaigns._check_limits

    def daemon_writes_meanwhile(self: Any, *args: Any) -> None:
        Campaign.update(completed=7, totalcontact=9).where(Campaign.id == campaign_id).execute()
        original(self, *args)

    monkeypatch.setattr(Campaigns, "_check_limits", daemon_writes_meanwhile)
    renamed = alice.patch(f"/rest-api/campaigns/{campaign_id}/", {"name": "renamed"})
    assert renamed.status_code == 200
    stored = Campaign.get_by_id(campaign_id)
    assert (stored.name, stored.completed, stored.totalcontact) == ("renamed", 7, 9)


def test_status_changed_by_the_daemon_meanwhile_is_not_overwritten(
    alice: Caller, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.resources.campaigns import Campaigns
    from ivrd.store.models import Campaign

    campaign_id = create(alice, setup, status=1).json["id"]
    original = Campaigns._check_status

    def daemon_ends_it(self: Any, *args: Any) -> None:
        Campaign.update(status=4).where(Campaign.id == campaign_id).execute()
        original(self, *args)

    monkeypatch.setattr(Campaigns, "_check_status", daemon_ends_it)
    paused = alice.patch(f"/rest-api/campaigns/{campaign_id}/", {"status": 2})
    assert paused.status_code == 400 and "meanwhile" in paused.json["status"][0]
    assert Campaign.get_by_id(campaign_id).status == 4
