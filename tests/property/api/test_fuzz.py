"""Every operation of the OpenAPI document, driven with generated (mostly bad) input: never a 5xx.

Bodies are built from the document's own schemas: each property gets either a plausible value of its
type (links to existing objects of the right family, in-range numbers, dates) or a hostile one
(wrong type, null, NUL bytes, huge numbers, overlong text), so requests reach both the coercion
layer and the family-specific checks and writes. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import falcon.testing
import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from ivrd.config import Settings
from ivrd.store.models import User
from tests.integration.api.helpers import basic, build_fuzz_world

HOSTILE = [
    None,
    "",
    "\x00",
    "x" * 5000,
    2**70,
    -(2**40),
    1.5,
    float("nan"),
    True,
    [],
    {},
    [{"a": 1}],
    "True",
    "/rest-api/users/1/",
    "http://h/rest-api/campaigns/1/",
    "9" * 25,
    "2021-02-30 00:00:00",
    "25:61:00",
    "-1",
    "0",
    "ä漢字",
    " ",
    "1,2,x",
]
hostile = st.sampled_from(HOSTILE) | st.text(max_size=30) | st.integers() | st.none()


def plausible(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    family = schema.get("x-route-family")
    kind = schema.get("type")
    if family and kind == "array":
        return st.lists(st.integers(1, 3).map(lambda n: f"/rest-api/{family}/{n}/"), max_size=3)
    if family:
        return st.integers(1, 3).map(lambda n: f"/rest-api/{family}/{n}/") | st.integers(1, 3).map(str)
    if kind == "integer":
        low, high = schema.get("minimum", -5), schema.get("maximum", 10**6)
        return st.integers(max(low, -(2**31)), min(high, 2**31 - 1)).map(lambda n: str(n) if n % 2 else n)
    if kind == "number":
        return st.floats(0, 100, allow_nan=False)
    if kind == "boolean":
        return st.sampled_from([True, False, "True", "false", "1", "0"])
    if schema.get("format") == "date-time":
        return st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))
    if schema.get("format") == "time":
        return st.times().map(lambda t: t.strftime("%H:%M:%S"))
    if schema.get("pattern"):
        return st.from_regex(r"\A[0-9+*#w]{1,12}\Z")
    if kind == "object":
        return st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3)
    if kind == "array":
        return st.lists(st.from_regex(r"\A[0-9]{1,8}\Z"), max_size=3)
    return st.text(max_size=min(schema.get("maxLength", 40), 40))


def body_for(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    fields = {name: st.one_of(plausible(sub), hostile) for name, sub in properties.items()}
    return st.fixed_dictionaries({}, optional=fields) | st.dictionaries(
        st.text(max_size=8), hostile, max_size=4
    )


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((path, method.upper(), operation))
    return found


@pytest.fixture
def fuzz_app(database: peewee.Database, make_user: Callable[..., User], tmp_path: Path) -> dict[str, Any]:
    base = Settings()
    app_settings = replace(base, media=replace(base.media, root=str(tmp_path / "media")))
    client = falcon.testing.TestClient(create_app(app_settings, database))
    root = make_user("root", "root-pw", superuser=True)
    alice = make_user("alice", "alice-pw")
    build_fuzz_world(root, alice)
    document = client.simulate_get("/rest-api/openapi.json").json
    return {"client": client, "document": document}


def check(result: falcon.testing.Result, label: str) -> None:
    assert result.status_code < 500, f"{label} -> {result.status_code} {result.text[:500]}"
    if result.status_code != 204 and not result.headers.get("content-type", "").startswith("audio/"):
        json.loads(result.text)


AUTH = [basic("alice", "alice-pw"), basic("root", "root-pw"), {}, {"Authorization": "Token nope"}]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_operation_answers_5xx(fuzz_app: dict[str, Any], data: st.DataObject) -> None:
    client, document = fuzz_app["client"], fuzz_app["document"]
    path, method, operation = data.draw(st.sampled_from(operations(document)), label="operation")
    url = path.replace("{object_id}", str(data.draw(st.integers(1, 4) | st.integers(1, 2**63 - 1))))
    url = url.replace("{filename}", data.draw(st.sampled_from(["a.wav", "..", "x%00.wav", "nope.wav"])))
    headers = dict(
        data.draw(st.sampled_from(AUTH[:2]) if data.draw(st.integers(0, 9)) else st.sampled_from(AUTH))
    )
    params = data.draw(
        st.dictionaries(
            st.sampled_from(["page", "phonebook", "campaign", "status", "survey", "x"]),
            st.sampled_from(["1", "2", "0", "-1", "x", "9" * 30, ""]),
            max_size=2,
        )
    )
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    request_body = operation.get("requestBody")
    if request_body is not None:
        content = request_body["content"]
        if "application/json" in content and data.draw(st.integers(0, 9)):
            kwargs["json"] = data.draw(body_for(resolve(document, content["application/json"]["schema"])))
        else:
            raw = data.draw(
                st.binary(max_size=200) | st.sampled_from([b"{", b"[]", b"null", b"1|2\n\x00x\n"])
            )
            kind = data.draw(
                st.sampled_from([*content, "application/json", "text/plain", "multipart/form-data"])
            )
            kwargs["body"] = raw
            headers["Content-Type"] = kind
    check(client.simulate_request(method, url, **kwargs), f"{method} {url} {kwargs}")


def test_every_operation_survives_hostile_fields(fuzz_app: dict[str, Any]) -> None:
    """Deterministic sweep: each hostile value in every property of every operation at once."""
    client, document = fuzz_app["client"], fuzz_app["document"]
    for path, method, operation in operations(document):
        url = path.replace("{object_id}", "1").replace("{filename}", "a.wav")
        content = (operation.get("requestBody") or {}).get("content", {})
        schema = (
            resolve(document, content["application/json"]["schema"]) if "application/json" in content else {}
        )
        for value in HOSTILE:
            body = dict.fromkeys(schema.get("properties", {}), value) or {"x": value}
            result = client.simulate_request(method, url, json=body, headers=basic("alice", "alice-pw"))
            check(result, f"{method} {url} all fields = {value!r}")
