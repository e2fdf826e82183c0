"""Audio upload: conversion to 8 kHz mono WAV, size limit, non-audio, safe names, owner-only download."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import falcon.testing
import numpy as np
import soundfile

from api.app import create_app
from ivrd.config import Settings
from tests.integration.api.helpers import Caller, basic, multipart, wav_bytes


def stereo_48k(seconds: float = 1.0) -> bytes:
    t = np.arange(int(48000 * seconds)) / 48000
    tone = 0.4 * np.sin(2 * np.pi * 1000 * t)
    buffer = io.BytesIO()
    soundfile.write(buffer, np.stack([tone, tone], axis=1), 48000, format="FLAC")
    return buffer.getvalue()


def test_upload_is_converted_and_downloadable_by_owner_only(
    alice: Caller, bob: Caller, caller: Any, settings: Settings
) -> None:
    result = alice.upload("greeting", "hello.flac", stereo_48k(1.5))
    assert result.status_code == 201, result.text
    assert result.json["audio_file"] == "/usermedia/upload/audiofiles/hello.wav"
    assert result.json["duration_ms"] == 1500
    stored = Path(settings.media.root, "upload/audiofiles/hello.wav")
    info = soundfile.info(str(stored))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "PCM_16")
    assert abs(info.frames - 12000) <= 1
    download = alice.get("/usermedia/upload/audiofiles/hello.wav")
    assert download.status_code == 200 and download.content == stored.read_bytes()
    assert bob.get("/usermedia/upload/audiofiles/hello.wav").status_code == 404
    assert caller("root", superuser=True).get("/usermedia/upload/audiofiles/hello.wav").status_code == 200


def test_names_are_sanitised_and_never_overwrite(alice: Caller, settings: Settings) -> None:
    first = alice.upload("a", "../../etc/passwd.wav", wav_bytes()).json["audio_file"]
    second = alice.upload("b", "..\\..\\etc\\passwd.wav", wav_bytes()).json["audio_file"]
    assert first == "/usermedia/upload/audiofiles/passwd.wav"
    assert second.startswith("/usermedia/upload/audiofiles/passwd-") and second != first
    weird = alice.upload("c", "..", wav_bytes()).json["audio_file"]
    assert weird.startswith("/usermedia/upload/audiofiles/audio")
    files = sorted(p.name for p in Path(settings.media.root, "upload/audiofiles").iterdir())
    assert len(files) == 3 and all(name.endswith(".wav") for name in files)


def test_not_audio_and_missing_fields_are_400(alice: Caller, settings: Settings) -> None:
    bad = alice.upload("x", "notes.wav", b"this is not audio at all")
    assert bad.status_code == 400 and "audio_file" in bad.json
    body, content_type = multipart({"name": "only name"}, {})
    missing = alice.client.simulate_post(
        "/rest-api/audio-files/", body=body, headers={**alice.headers, "Content-Type": content_type}
    )
    assert missing.status_code == 400 and "audio_file" in missing.json
    no_name = alice.upload("", "a.wav", wav_bytes())
    assert no_name.status_code == 400 and "name" in no_name.json
    as_json = alice.post("/rest-api/audio-files/", {"name": "x"})
    assert as_json.status_code == 400 and "audio_file" in as_json.json
    leftovers = [p for p in Path(settings.media.root, "upload/audiofiles").iterdir()]
    assert leftovers == []


def test_user_id_of_someone_else_is_refused_for_non_superusers(
    alice: Caller, bob: Caller, caller: Any
) -> None:
    refused = alice.upload("x", "a.wav", wav_bytes(), user_id=str(bob.user.id))
    assert refused.status_code == 400 and "user_id" in refused.json
    root = caller("root", superuser=True)
    accepted = root.upload("x", "a.wav", wav_bytes(), user_id=str(bob.user.id))
    assert accepted.status_code == 201 and accepted.json["user_id"] == bob.user.id


def test_upload_over_the_limit_is_413(database: Any, settings: Settings, alice: Caller) -> None:
    small = replace(settings, api=replace(settings.api, upload_max_bytes=4000))
    client = falcon.testing.TestClient(create_app(small, database))
    body, content_type = multipart({"name": "big"}, {"audio_file": ("big.wav", wav_bytes(2.0))})
    result = client.simulate_post(
        "/rest-api/audio-files/",
        body=body,
        headers={**basic("alice", "alice-pw"), "Content-Type": content_type},
    )
    assert result.status_code == 413
    assert "detail" in result.json


def test_rename_and_delete(alice: Caller, settings: Settings) -> None:
    created = alice.upload("old", "x.wav", wav_bytes()).json
    renamed = alice.patch(f"/rest-api/audio-files/{created['id']}/", {"name": "new"})
    assert renamed.status_code == 200 and renamed.json["name"] == "new"
    assert alice.delete(f"/rest-api/audio-files/{created['id']}/").status_code == 204
    assert not Path(settings.media.root, "upload/audiofiles/x.wav").exists()
