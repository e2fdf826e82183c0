"""The OpenAPI document covers every route and method; results and aggregates are served read-only."""

from __future__ import annotations

import re
from typing import Any

from falcon import inspect

from ivrd.store.models import ResultAggregate, Section
from tests.integration.api.helpers import Caller
from tests.integration.api.test_isolation import build_world


def test_document_lists_exactly_the_served_routes_and_methods(app: Any, client: Any) -> None:
    document = client.simulate_get("/rest-api/openapi.json").json
    assert document["openapi"].startswith("3.")
    served = {}
    for route in inspect.inspect_routes(app):
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", route.path)
        methods = {m.method.lower() for m in route.methods if not m.internal}
        assert ("head" in methods) == ("get" in methods), path  # HEAD wherever GET, said once in info
        served[path] = methods - {"head"}
    documented = {
        path: {m for m in item if m in ("get", "post", "put", "patch", "delete")}
        for path, item in document["paths"].items()
    }
    assert documented == served
    assert "HEAD is answered wherever GET is" in document["info"]["description"]
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"], (path, method)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and "$ref" in body["schema"]:
                assert body["schema"]["$ref"].rsplit("/", 1)[1] in schemas
    campaign = schemas["CampaignsInput"]["properties"]
    assert campaign["status"]["enum"] == [0, 1, 2, 3, 4]
    assert campaign["aleg_gateway"]["x-route-family"] == "gateway"
    assert set(schemas["CampaignsInput"]["required"]) == {"name", "aleg_gateway", "object_id"}


def test_results_and_aggregate(alice: Caller, bob: Caller) -> None:
    world = build_world(alice)
    section = Section.get(Section.survey == world["sealed-survey"])
    ResultAggregate.create(survey=world["sealed-survey"], section=section, response="1", count=3)
    aggregate = alice.get(f"/rest-api/surveyaggregate/{world['sealed-survey']}/")
    assert aggregate.json == [{"section__question": "q", "response": "1", "count": 3}]
    results = alice.get("/rest-api/results/", params={"campaign": str(world["campaigns"])}).json
    assert results["count"] == 1 and results["results"][0]["response"] == "1"
    assert results["results"][0]["section_question"] == "q"
    assert alice.get("/rest-api/results/", params={"campaign": "99"}).json["count"] == 0
    assert alice.get("/rest-api/results/", params={"survey": "x"}).status_code == 400
    assert bob.get("/rest-api/results/").json["count"] == 0
    assert alice.delete(f"/rest-api/results/{world['results']}/").status_code == 405
    assert results["results"][0]["record_url"] is None
    cdr = alice.get(f"/rest-api/cdr/{world['cdr']}/").json
    assert cdr["callrequest"].endswith(f"/rest-api/callrequest/{world['callrequest']}/")


def test_recordings_download_for_the_survey_owner_only(alice: Caller, bob: Caller, settings: Any) -> None:
    from pathlib import Path

    from ivrd.store.models import Result

    world = build_world(alice)
    Result.update(record_file="recording-1-abc-1.wav").where(Result.id == world["results"]).execute()
    folder = Path(settings.media.root, settings.media.recordings_dir)
    folder.mkdir(parents=True)
    (folder / "recording-1-abc-1.wav").write_bytes(b"RIFF-test")
    listed = alice.get(f"/rest-api/results/{world['results']}/").json
    assert listed["record_url"] == "/usermedia/recording/recording-1-abc-1.wav"
    assert alice.get(listed["record_url"]).content == b"RIFF-test"
    assert bob.get(listed["record_url"]).status_code == 404
    assert alice.get("/usermedia/recording/other.wav").status_code == 404
