"""A started campaign of many contacts built straight in the store, and the simulator callees it dials.

Numbers are `NUMBER_BASE + i`; the last digit chooses the callee: 0 busy, 1 no answer (reported by
the network), anything else a person who presses 1 and hears the thank-you prompt.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ivrd.store.constants import CampaignStatus
from ivrd.store.contacts_import import bulk_create_contacts
from ivrd.store.models import (
    AudioFile,
    BranchingTemplate,
    Campaign,
    CampaignPhonebook,
    Gateway,
    Phonebook,
    SectionTemplate,
    SurveyTemplate,
    User,
)

NUMBER_BASE = 3_000_000


def scenario(ring_ms: int = 100, dtmf_delay_ms: int = 100) -> dict[str, Any]:
    return {
        "default": {"ring_ms": ring_ms, "dtmf": ["1"], "dtmf_delay_ms": dtmf_delay_ms,
                    "hangup_after_ms": 20000},
        "callees": [
            {"match": "0$", "ring_ms": ring_ms, "hangup_cause": "USER_BUSY"},
            {"match": "1$", "ring_ms": ring_ms, "hangup_cause": "NO_ANSWER"},
        ],
    }


def numbers(count: int) -> list[str]:
    return [str(NUMBER_BASE + i) for i in range(count)]


def _wav(path: Path, duration_ms: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(b"\0\0" * (8 * duration_ms))


@dataclass(frozen=True)
class World:
    campaign_id: int
    gateway_id: int
    question_section: str
    numbers: list[str]


def build(media_root: Path, *, contacts: int, frequency: int, max_aleg: int = 0, gateway_max: int = 0,
          maxretry: int = 1, intervalretry_s: int = 1, prompt_ms: int = 200,
          status: int = CampaignStatus.START, username: str = "dialer-owner") -> World:
    """A campaign (started unless told) whose survey asks one question and thanks the caller."""
    user = User.create(username=username, max_frequency=max(frequency, 100), max_maxretry=max(maxretry, 3))
    audio_path = "upload/audiofiles/prompt.wav"
    _wav(media_root / audio_path, prompt_ms)
    audio = AudioFile.create(user=user, name="prompt", audio_file=audio_path)
    template = SurveyTemplate.create(user=user, name="crash-safe poll")
    question = SectionTemplate.create(survey=template, type=2, question="Yes?", key_1="Yes", key_2="No",
                                      audiofile=audio, timeout=2, order=1, script="")
    thanks = SectionTemplate.create(survey=template, type=1, question="Thanks", audiofile=audio, order=2,
                                    completed=True, script="")
    BranchingTemplate.create(section=question, keys="1", goto=thanks)
    BranchingTemplate.create(section=question, keys="2", goto=thanks)
    BranchingTemplate.create(section=thanks, keys="0", goto=None)
    gateway = Gateway.create(name=f"gw-{username}", gateways="sofia/gateway/trunk/", maximum_call=gateway_max)
    phonebook = Phonebook.create(user=user, name="many")
    dialled = numbers(contacts)
    bulk_create_contacts(phonebook.id, dialled)
    campaign = Campaign.create(
        user=user, name="many", status=status, aleg_gateway=gateway, survey_template=template,
        frequency=frequency, max_aleg=max_aleg, maxretry=maxretry, intervalretry=intervalretry_s,
        calltimeout=20, callmaxduration=60, callerid="5550000",
    )
    CampaignPhonebook.create(campaign=campaign, phonebook=phonebook)
    return World(campaign.id, gateway.id, "Yes?", dialled)


def allowed_dials(number: str, maxretry: int) -> int:
    """How many calls the retry policy allows this number (busy and no-answer ones are retried)."""
    return 1 + maxretry if number[-1] in "01" else 1
