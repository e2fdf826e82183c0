"""What one call attempt dials: gateway number rules, caller-ID choice and the originate channel variables.

Values are returned raw; quoting and escaping belong to the ESL command builder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_ORIGINATE_TIMEOUT_S = 10
IDENTITY_PREFIX = "ivrd_"


@dataclass(frozen=True)
class DialNumber:
    """The number sent to the gateway and the DTMF string to send once answered ("" for none)."""

    number: str
    dtmf_after_answer: str = ""


def apply_gateway_rules(phone_number: str, *, removeprefix: str = "", addprefix: str = "") -> DialNumber:
    """Split at the first ``w`` (DTMF after answer, the ``w`` kept as its 0.5 s pause), then strip
    ``removeprefix`` when the number starts with it and prepend ``addprefix``."""
    number = phone_number.strip()
    head, sep, tail = number.partition("w")
    dtmf = sep + tail
    if removeprefix and head.startswith(removeprefix):
        head = head[len(removeprefix) :]
    return DialNumber(number=addprefix + head, dtmf_after_answer=dtmf)


@dataclass(frozen=True)
class CallerId:
    number: str
    name: str = ""


def choose_caller_id(
    *, callerid: str, caller_name: str = "", group_numbers: Sequence[str] = (), counter: int = 0
) -> CallerId:
    """The campaign's caller ID, or, when the campaign has a caller-ID group with numbers, the
    ``counter``-th number of the group (round robin; keep the counter per campaign and add one per call)."""
    numbers = [n.strip() for n in group_numbers if n.strip()]
    if numbers:
        return CallerId(number=numbers[counter % len(numbers)], name=caller_name)
    return CallerId(number=callerid.strip(), name=caller_name)


def parse_gateway_variables(text: str, field_name: str = "originate_dial_string") -> dict[str, str]:
    """Gateway extra variables written ``name=value,name=value`` (the Newfies gateway field)."""
    variables: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{field_name}: expected name=value, got {item.strip()!r}")
        variables[name.strip()] = value.strip()
    return variables


@dataclass(frozen=True)
class AttemptIdentity:
    """The ids that name one attempt on the channel (``ivrd_*`` variables)."""

    attempt_id: int
    campaign_id: int
    subscriber_id: int
    contact_id: int
    gateway_id: int
    dialout_number: str  # the contact's raw number, before the gateway rules


def originate_variables(
    *,
    origination_uuid: str,
    identity: AttemptIdentity,
    caller_id: CallerId,
    calltimeout_s: int,
    callmaxduration_s: int,
    dtmf_after_answer: str = "",
    gateway_variables: Mapping[str, str] | None = None,
    accountcode: str = "",
) -> dict[str, str]:
    """Channel variables for one attempt's originate. Gateway variables may override the defaults
    (e.g. early media handling) but never the attempt's identity, caller ID or answer actions."""
    variables: dict[str, str] = {
        "ignore_early_media": "true",
        "originate_timeout": str(max(calltimeout_s, MIN_ORIGINATE_TIMEOUT_S)),
    }
    variables.update(gateway_variables or {})
    if accountcode:
        variables["accountcode"] = accountcode
    variables["origination_uuid"] = origination_uuid
    if caller_id.number:
        variables["origination_caller_id_number"] = caller_id.number
    if caller_id.name:
        variables["origination_caller_id_name"] = caller_id.name
    if callmaxduration_s > 0:
        variables["execute_on_answer_1"] = f"sched_hangup +{callmaxduration_s} ALLOTTED_TIMEOUT"
    if dtmf_after_answer:
        variables["execute_on_answer_2"] = f"send_dtmf {dtmf_after_answer}"
    variables.update(identity_variables(identity))
    return variables


def identity_variables(identity: AttemptIdentity) -> dict[str, str]:
    """The ``ivrd_*`` variables by which every event of the leg maps back to its attempt row."""
    return {
        "ivrd_attempt_id": str(identity.attempt_id),
        "ivrd_campaign_id": str(identity.campaign_id),
        "ivrd_subscriber_id": str(identity.subscriber_id),
        "ivrd_contact_id": str(identity.contact_id),
        "ivrd_gateway_id": str(identity.gateway_id),
        "ivrd_dialout_number": identity.dialout_number,
        "ivrd_leg": "aleg",
    }
