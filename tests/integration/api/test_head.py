"""HEAD wherever GET is: the same status and headers, no body, no file left open."""

from __future__ import annotations

import pathlib
from typing import IO, Any

import falcon.testing
import pytest

from tests.integration.api.helpers import Caller, wav_bytes


def head(caller: Caller, path: str) -> falcon.testing.Result:
    return caller.client.simulate_head(path, headers=caller.headers)


def test_head_answers_like_get_without_the_body(alice: Caller) -> None:
    alice.post("/rest-api/dnc-list/", {"name": "d"})
    for path in ("/rest-api/", "/rest-api/dnc-list/", "/rest-api/dnc-list/1/", "/rest-api/openapi.json"):
        got, headed = alice.get(path), head(alice, path)
        assert (headed.status_code, got.status_code) == (200, 200), path
        assert headed.content == b"", path
        assert headed.headers["content-length"] == str(len(got.content)), path
        assert headed.headers["content-type"] == got.headers["content-type"], path


def test_head_keeps_the_errors_of_get(alice: Caller) -> None:
    assert head(alice, "/rest-api/dnc-list/999/").status_code == 404
    anonymous = alice.client.simulate_head("/rest-api/dnc-list/")
    assert anonymous.status_code == 401 and anonymous.content == b""
    assert alice.client.simulate_request("TRACE", "/rest-api/", headers=alice.headers).status_code == 405


def test_head_of_a_media_file_closes_the_file(alice: Caller, monkeypatch: pytest.MonkeyPatch) -> None:
    path = alice.upload("hello", "hello.wav", wav_bytes(0.5)).json["audio_file"]
    opened: list[IO[Any]] = []
    real_open = pathlib.Path.open

    def recording_open(self: pathlib.Path, *args: Any, **kwargs: Any) -> IO[Any]:
        handle = real_open(self, *args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(pathlib.Path, "open", recording_open)
    headed = head(alice, path)
    assert headed.status_code == 200 and headed.content == b""
    assert opened and all(handle.closed for handle in opened)
    monkeypatch.undo()
    assert headed.headers["content-length"] == str(len(alice.get(path).content))
