"""`ivrd serve` under gunicorn, driven by the seed how-to's curl commands run verbatim with the curl binary.

Only the host, the credentials, the uploaded file's path and the ids returned by earlier steps are
substituted. Gateway 2, phonebook 1, caller-id group 1 and user 1 (the caller) exist beforehand.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from ivrd.store.models import CallerIdGroup, Gateway, Phonebook, User, UserGateway
from tests.integration.api.helpers import multipart, wav_bytes

REPO = Path(__file__).resolve().parents[3]
SEED = REPO.parent / "shared" / "seed" / "how-to-create-an-ivr-survey-via-api.rst"
READY_TIMEOUT_S = 30.0


def seed_curl_commands(text: str) -> list[str]:
    """Every curl command of the seed's literal blocks, continuation lines joined."""
    commands: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if line.startswith("curl "):
            parts = [line]
            while parts[-1].endswith("\\") and index + 1 < len(lines):
                parts[-1] = parts[-1][:-1].rstrip()
                index += 1
                parts.append(lines[index].strip())
            commands.append(" ".join(parts))
        index += 1
    return commands


def substitute(command: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in command, f"seed command no longer contains {old!r}: {command}"
        command = command.replace(old, new)
    return command


def run_curl(command: str) -> tuple[int | None, dict[str, str], object]:
    """Runs the command (no shell); returns (status or None without --dump-header, headers, JSON body)."""
    argv = shlex.split(command)
    assert argv[0] == "curl"
    done = subprocess.run(["curl", "--silent", "--show-error", *argv[1:]], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    output = done.stdout.decode()
    status: int | None = None
    headers: dict[str, str] = {}
    while output.startswith("HTTP/"):
        head, _, output = output.partition("\r\n\r\n")
        status_line, *header_lines = head.split("\r\n")
        status = int(status_line.split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return status, headers, json.loads(output)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            pass
        try:
            process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"ivrd serve exited with {process.returncode}:\n{log.read_text()}")
    pytest.fail(f"ivrd serve did not listen on port {port} within {READY_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture
def seed_text() -> str:
    if not SEED.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"seed document missing: {SEED}")
        pytest.skip(f"seed document missing: {SEED}")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def prepared(database: peewee.Database, make_user: object) -> User:
    """User 1 (the caller) with gateway 2 granted, phonebook 1 and caller-id group 1."""
    user = make_user("seeduser", "seed-pw")  # type: ignore[operator]
    assert user.id == 1
    Gateway.create(name="other", gateways="sofia/gateway/other/")
    gateway = Gateway.create(name="trunk", gateways="sofia/gateway/trunk/")
    assert gateway.id == 2
    UserGateway.create(user=user, gateway=gateway)
    assert Phonebook.create(user=user, name="pb").id == 1
    assert CallerIdGroup.create(user=user, name="cg").id == 1
    database.close()
    return user


@pytest.fixture
def server(prepared: User, db_url: str, tmp_path: Path) -> Iterator[int]:
    port = free_port()
    ivrd = Path(sys.executable).with_name("ivrd")
    command = [str(ivrd)] if ivrd.exists() else [sys.executable, "-m", "ivrd.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVRD_")}
    env.update(
        IVRD_DATABASE_URL=db_url, IVRD_API_BIND=f"127.0.0.1:{port}", IVRD_MEDIA_ROOT=str(tmp_path / "media")
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen([*command, "serve"], env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(process, port, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl binary not installed (apt-get install curl)")
def test_seed_curl_commands_work_verbatim(seed_text: str, server: int, tmp_path: Path) -> None:
    commands = seed_curl_commands(seed_text)
    assert len(commands) == 5, commands
    upload, template, section, campaign, start = commands
    wav = tmp_path / "duck01.wav"
    wav.write_bytes(wav_bytes())
    common = {"username:password": "seeduser:seed-pw", "HOSTNAME_IP": f"127.0.0.1:{server}"}

    _, _, audio = run_curl(substitute(upload, {**common, "/path/duck01.wav": str(wav)}))
    assert isinstance(audio, dict)
    assert audio["name"] == "audio created from API"
    assert audio["user_id"] == 1
    assert re.fullmatch(r"/usermedia/upload/audiofiles/duck01(-[0-9a-f]+)?\.wav", audio["audio_file"])
    audio_id = audio["id"]

    status, headers, survey = run_curl(substitute(template, common))
    assert status == 201 and isinstance(survey, dict)
    assert survey["name"] == "Survey created from API"
    assert survey["user"] == f"http://127.0.0.1:{server}/rest-api/users/1/"
    assert {"url", "description", "created_date", "updated_date"} <= set(survey)
    assert headers["location"] == survey["url"]
    survey_id = int(str(survey["url"]).rstrip("/").rsplit("/", 1)[1])

    ids = {"/rest-api/audio-files/25/": f"/rest-api/audio-files/{audio_id}/",
           "/rest-api/survey-template/27/": f"/rest-api/survey-template/{survey_id}/"}  # fmt: skip
    status, _, created_section = run_curl(substitute(section, {**common, **ids}))
    assert status == 201, created_section
    assert isinstance(created_section, dict) and created_section["question"] == "Basic Message"

    status, _, created = run_curl(
        substitute(campaign, {**common, '"object_id" : "27"': f'"object_id" : "{survey_id}"'})
    )
    assert status == 201, created
    assert isinstance(created, dict) and created["status"] == 0 and created["object_id"] == survey_id
    assert created["aleg_gateway"] == f"http://127.0.0.1:{server}/rest-api/gateway/2/"

    status, _, started = run_curl(
        substitute(start, {**common, "/rest-api/campaigns/175/": f"/rest-api/campaigns/{created['id']}/"})
    )
    assert status == 200, started
    assert isinstance(started, dict) and started["status"] == 1 and started["has_been_started"] is True


def chunked_request(port: int, path: str, content_type: str, body: bytes) -> tuple[int, object]:
    """POST `body` with Transfer-Encoding: chunked (no Content-Length) as seed user 1."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    token = base64.b64encode(b"seeduser:seed-pw").decode()
    connection.putrequest("POST", path)
    for name, value in (("Authorization", f"Basic {token}"), ("Content-Type", content_type),
                        ("Transfer-Encoding", "chunked")):  # fmt: skip
        connection.putheader(name, value)
    connection.endheaders()
    for start in range(0, len(body), 1000):
        chunk = body[start : start + 1000]
        connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_chunked_bodies_under_gunicorn(server: int) -> None:
    status, created = chunked_request(
        server, "/rest-api/phonebook/", "application/json", b'{"name": "chunked"}'
    )
    assert status == 201 and isinstance(created, dict) and created["name"] == "chunked"
    csv_body = b"".join(b"%d\n" % (5550000 + n) for n in range(3000))
    status, report = chunked_request(
        server, f"/rest-api/phonebook/{created['id']}/import/", "text/csv", csv_body
    )
    assert status == 200 and isinstance(report, dict) and report["created"] == 3000
    form, content_type = multipart({"name": "chunked"}, {"audio_file": ("hello.wav", wav_bytes(0.5))})
    status, uploaded = chunked_request(server, "/rest-api/audio-files/", content_type, form)
    assert status == 201 and isinstance(uploaded, dict) and uploaded["name"] == "chunked"
    assert uploaded["audio_file"].endswith("/hello.wav")
