"""Authentication (Basic, Token, api-token-auth), users, and JSON error bodies for every failure."""

from __future__ import annotations

from typing import Any

import falcon.testing

from ivrd.store.models import User
from tests.integration.api.helpers import Caller, basic


def test_missing_and_bad_credentials_are_401_with_a_challenge(
    client: falcon.testing.TestClient, alice: Caller
) -> None:
    for headers in (
        {},
        basic("alice", "wrong"),
        basic("nobody", "x"),
        {"Authorization": "Basic !!!notbase64"},
        {"Authorization": "Token 0123"},
        {"Authorization": "Bearer abc"},
    ):
        result = client.simulate_get("/rest-api/campaigns/", headers=headers)
        assert result.status_code == 401, headers
        assert "Basic" in result.headers["www-authenticate"]
        assert set(result.json) == {"detail"}


def test_inactive_users_cannot_log_in(client: falcon.testing.TestClient, alice: Caller) -> None:
    User.update(is_active=False).where(User.id == alice.user.id).execute()
    assert client.simulate_get("/rest-api/campaigns/", headers=alice.headers).status_code == 401


def test_token_auth_flow(client: falcon.testing.TestClient, alice: Caller) -> None:
    bad = client.simulate_post("/rest-api/api-token-auth/", json={"username": "alice", "password": "no"})
    assert bad.status_code == 400 and "non_field_errors" in bad.json
    token = client.simulate_post(
        "/rest-api/api-token-auth/", json={"username": "alice", "password": "alice-pw"}
    )
    assert token.status_code == 200 and len(token.json["token"]) == 40
    again = client.simulate_post(
        "/rest-api/api-token-auth/",
        body="username=alice&password=alice-pw",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert again.json["token"] == token.json["token"]
    listed = client.simulate_get(
        "/rest-api/users/", headers={"Authorization": f"Token {token.json['token']}"}
    )
    assert listed.status_code == 200 and [u["username"] for u in listed.json["results"]] == ["alice"]


def test_password_change_invalidates_the_cached_check(client: falcon.testing.TestClient, caller: Any) -> None:
    root = caller("root", superuser=True)
    alice = caller("alice")
    assert alice.get("/rest-api/users/").status_code == 200
    assert root.patch(f"/rest-api/users/{alice.user.id}/", {"password": "new-secret"}).status_code == 200
    assert alice.get("/rest-api/users/").status_code == 401
    assert client.simulate_get("/rest-api/users/", headers=basic("alice", "new-secret")).status_code == 200


def test_users_routes(caller: Any) -> None:
    root = caller("root", superuser=True)
    alice = caller("alice")
    created = root.post("/rest-api/users/", {"username": "carol", "password": "pw", "max_frequency": "5"})
    assert created.status_code == 201 and created.json["max_frequency"] == 5
    assert "password" not in created.json
    assert root.post("/rest-api/users/", {"username": "carol", "password": "x"}).json.keys() == {"username"}
    assert root.post("/rest-api/users/", {"username": "dave"}).json.keys() == {"password"}
    assert alice.post("/rest-api/users/", {"username": "eve", "password": "x"}).status_code == 403
    assert alice.patch(f"/rest-api/users/{alice.user.id}/", {"is_superuser": True}).status_code == 403
    assert alice.get(f"/rest-api/users/{root.user.id}/").status_code == 404
    assert root.get("/rest-api/users/").json["count"] == 3


def test_gateways_are_read_only_for_users(caller: Any) -> None:
    root = caller("root", superuser=True)
    alice = caller("alice")
    gateway = root.post("/rest-api/gateway/", {"name": "trunk", "gateways": "sofia/gateway/trunk/"})
    assert gateway.status_code == 201
    gid = gateway.json["id"]
    assert alice.get(f"/rest-api/gateway/{gid}/").status_code == 404
    assert (
        root.patch(f"/rest-api/users/{alice.user.id}/", {"gateways": [gateway.json["url"]]}).status_code
        == 200
    )
    assert alice.get(f"/rest-api/gateway/{gid}/").status_code == 200
    assert alice.patch(f"/rest-api/gateway/{gid}/", {"name": "mine"}).status_code == 403
    assert alice.post("/rest-api/gateway/", {"name": "x"}).status_code == 403


def test_errors_are_json(alice: Caller) -> None:
    cases = [
        (alice.client.simulate_get("/rest-api/nothing-here/", headers=alice.headers), 404),
        (alice.client.simulate_get("/rest-api/campaigns", headers=alice.headers), 404),
        (alice.client.simulate_delete("/rest-api/campaigns/", headers=alice.headers), 405),
        (alice.client.simulate_post("/rest-api/cdr/", headers=alice.headers, json={}), 405),
        (
            alice.client.simulate_post(
                "/rest-api/phonebook/",
                body=b"{not json",
                headers={**alice.headers, "Content-Type": "application/json"},
            ),
            400,
        ),
        (
            alice.client.simulate_post(
                "/rest-api/phonebook/",
                body=b"<x/>",
                headers={**alice.headers, "Content-Type": "application/xml"},
            ),
            415,
        ),
        (alice.post("/rest-api/phonebook/", [1, 2]), 400),
        (
            alice.client.simulate_post(
                "/rest-api/phonebook/",
                body=b"[" * 100000,
                headers={**alice.headers, "Content-Type": "application/json"},
            ),
            400,
        ),
        (alice.get("/rest-api/campaigns/99999999999999999999/"), 404),
    ]
    for result, status in cases:
        assert result.status_code == status, result.text
        assert result.headers["content-type"].startswith("application/json")
        assert isinstance(result.json, dict) and result.json


def test_form_encoded_bodies_are_accepted(alice: Caller) -> None:
    result = alice.client.simulate_post(
        "/rest-api/phonebook/",
        body="name=from+a+form&description=x",
        headers={**alice.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert result.status_code == 201 and result.json["name"] == "from a form"


def test_api_root_lists_the_route_families(alice: Caller) -> None:
    root = alice.get("/rest-api/").json
    assert root["campaigns"] == "http://falconframework.org/rest-api/campaigns/"
    assert {"audio-files", "survey-template", "section-template", "phonebook", "gateway"} <= set(root)


def test_links_use_api_base_url_when_set(database: Any, settings: Any, caller: Any) -> None:
    from dataclasses import replace

    from api.app import create_app

    alice = caller("alice")
    proxied = replace(settings, api=replace(settings.api, base_url="https://ivr.example.com/"))
    client = falcon.testing.TestClient(create_app(proxied, database))
    created = client.simulate_post("/rest-api/phonebook/", json={"name": "pb"}, headers=alice.headers)
    assert created.json["url"] == f"https://ivr.example.com/rest-api/phonebook/{created.json['id']}/"
    assert created.headers["location"] == created.json["url"]
    assert created.json["user"] == f"https://ivr.example.com/rest-api/users/{alice.user.id}/"
