"""Helpers for API tests: credentials, WAV/multipart bodies, a per-user client and seed objects."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import falcon.testing
import numpy as np
import soundfile

from ivrd.store.models import CallerIdGroup, Gateway, Phonebook, User, UserGateway


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def wav_bytes(seconds: float = 0.5, rate_hz: int = 16000, tone_hz: float = 440.0) -> bytes:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    buffer = io.BytesIO()
    soundfile.write(buffer, 0.3 * np.sin(2 * np.pi * tone_hz * t), rate_hz, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "ivrdTestBoundary7MA4YWxk"
    chunks: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        chunks.append(f"{head}{value}\r\n".encode())
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        chunks.append(head.encode() + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


@dataclass
class Caller:
    """A user plus a client that sends their credentials."""

    user: User
    client: falcon.testing.TestClient
    headers: dict[str, str]

    def get(self, path: str, **kw: Any) -> falcon.testing.Result:
        return self.client.simulate_get(path, headers=self.headers, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> falcon.testing.Result:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.simulate_post(path, json=json, headers=headers, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> falcon.testing.Result:
        return self.client.simulate_patch(path, json=json, headers=self.headers, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> falcon.testing.Result:
        return self.client.simulate_put(path, json=json, headers=self.headers, **kw)

    def delete(self, path: str, **kw: Any) -> falcon.testing.Result:
        return self.client.simulate_delete(path, headers=self.headers, **kw)

    def upload(self, name: str, filename: str, data: bytes, **fields: str) -> falcon.testing.Result:
        body, content_type = multipart({"name": name, **fields}, {"audio_file": (filename, data)})
        return self.client.simulate_post(
            "/rest-api/audio-files/", body=body, headers={**self.headers, "Content-Type": content_type}
        )


def grant_gateway(user: User, name: str = "gw") -> Gateway:
    gateway = Gateway.get_or_none(Gateway.name == name)
    if gateway is None:
        gateway = Gateway.create(name=name, gateways=f"sofia/gateway/{name}/")
    UserGateway.create(user=user, gateway=gateway)
    return gateway


def seed_objects(user: User, gateway_name: str = "gw") -> dict[str, int]:
    """What the seed's campaign request refers to: a granted gateway, a phonebook, a caller-id group."""
    gateway = grant_gateway(user, gateway_name)
    phonebook = Phonebook.create(user=user, name="pb")
    group = CallerIdGroup.create(user=user, name="cg")
    return {"gateway": gateway.id, "phonebook": phonebook.id, "callerid_group": group.id}


def campaign_body(user_id: int, template_id: int, refs: dict[str, int], **overrides: Any) -> dict[str, Any]:
    """The seed's campaign create request with ids substituted."""
    body: dict[str, Any] = {
        "name": "campaign-via-api", "description": "", "callerid": "1239876",
        "startingdate": "2021-06-01 14:13:33", "expirationdate": "2022-08-30 13:13:33", "frequency": "100",
        "max_aleg": 100, "max_xfer": 10, "dial_method": 1, "agent_dial_rate": 1, "callmaxduration": "50",
        "maxretry": "1", "intervalretry": "3000", "calltimeout": "45",
        "aleg_gateway": f"/rest-api/gateway/{refs['gateway']}/", "sms_gateway": "",
        "object_id": str(template_id),
        "extra_data": "2000", "voicemail": "True", "amd_behavior": "1", "voicemail_audiofile": "", "dnc": "",
        "user": f"/rest-api/users/{user_id}/", "phonebook": [f"/rest-api/phonebook/{refs['phonebook']}/"],
        "daily_start_time": "00:00:00", "daily_stop_time": "23:59:59",
        "callerid_group": f"/rest-api/callerid_group/{refs['callerid_group']}/",
    }  # fmt: skip
    body.update(overrides)
    return body


def id_of(result: falcon.testing.Result) -> int:
    return int(result.json["url"].rstrip("/").rsplit("/", 1)[-1])


def build_fuzz_world(*owners: User) -> None:
    """A few objects of every family per owner (through the store), so generated ids and links hit rows."""
    from ivrd.store.models import (
        AudioFile,
        BranchingTemplate,
        CallRecord,
        CallRequest,
        Campaign,
        Contact,
        DncContact,
        DncList,
        Result,
        SectionTemplate,
        Subscriber,
        SurveyTemplate,
    )
    from ivrd.store.queries_survey import seal_survey

    for owner in owners:
        refs = seed_objects(owner, f"gw-{owner.id}")
        audio = AudioFile.create(user=owner, name="a", audio_file="upload/audiofiles/a.wav")
        template = SurveyTemplate.create(user=owner, name="s")
        section = SectionTemplate.create(survey=template, question="q", order=owner.id, audiofile=audio)
        BranchingTemplate.create(section=section, keys="0")
        contact = Contact.create(phonebook=refs["phonebook"], contact="555")
        dnc = DncList.create(user=owner, name="d")
        DncContact.create(dnc=dnc, phone_number="1")
        campaign = Campaign.create(
            user=owner, name="c", aleg_gateway=refs["gateway"], survey_template=template, status=1
        )
        survey = seal_survey(template, campaign)
        subscriber = Subscriber.create(contact=contact, campaign=campaign)
        call = CallRequest.create(user=owner, phone_number="555", campaign=campaign, subscriber=subscriber)
        CallRecord.create(user=owner, callrequest=call)
        from ivrd.store.models import Section

        Result.create(callrequest=call, section=Section.get(Section.survey == survey), response="1")
