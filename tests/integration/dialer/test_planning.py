"""One planning pass in the database: DNC and number lists, caller-ID rotation, prefix rules, pace, caps."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import peewee

from ivrd.campaign import Pacer
from ivrd.runtime.dialer_plan import plan_campaign
from ivrd.store.constants import SubscriberStatus
from ivrd.store.models import (
    CallerIdGroup,
    CallerIdNumber,
    CallRequest,
    Campaign,
    DncContact,
    DncList,
    Gateway,
    Subscriber,
    User,
)
from ivrd.store.queries_dialer import import_phonebooks
from ivrd.store.queries_survey import seal_survey
from tests.integration.dialer import world


def _ready(tmp_path: Path, contacts: int, **campaign: object) -> world.World:
    built = world.build(tmp_path / "media", contacts=contacts, frequency=600)
    row = Campaign.get_by_id(built.campaign_id)
    seal_survey(row.survey_template, row)
    if campaign:
        Campaign.update(**campaign).where(Campaign.id == built.campaign_id).execute()
    import_phonebooks(built.campaign_id)
    return built


def test_a_plan_skips_refused_numbers_rotates_caller_ids_and_applies_the_gateway_rules(
        database: peewee.Database, tmp_path: Path) -> None:
    built = _ready(tmp_path, 6)
    owner = User.get()
    numbers = built.numbers
    dnc = DncList.create(user=owner, name="no")
    DncContact.create(dnc=dnc, phone_number=numbers[0])
    User.update(blacklist=f"^{numbers[1]}$").where(User.id == owner.id).execute()
    group = CallerIdGroup.create(user=owner, name="pool")
    for number in ("111", "222"):
        CallerIdNumber.create(group=group, number=number)
    Campaign.update(dnc=dnc, callerid_group=group).where(Campaign.id == built.campaign_id).execute()
    Gateway.update(removeprefix="3", addprefix="00", originate_dial_string="sip_h_X-Tag=abc").execute()
    Subscriber.update(duplicate_contact=numbers[2]).execute()  # (the copy is informational only)
    from ivrd.store.models import Contact

    Contact.update(contact=numbers[2] + "w12#").where(Contact.contact == numbers[2]).execute()

    now_s = time.time()
    pacer = Pacer(horizon_s=1.0)
    plan = plan_campaign(built.campaign_id, now_s, daemon_id="d1", pacer=pacer, global_free=100)

    assert plan.error == "" and plan.not_authorized == 2
    statuses = {s.contact.contact: s.status for s in Subscriber.select()}
    assert statuses[numbers[0]] == statuses[numbers[1]] == SubscriberStatus.NOT_AUTHORIZED
    assert len(plan.calls) == 4  # 600/min: one call per 0.1 s (less the catch-up allowance)
    starts = [call.start_at_s for call in plan.calls]
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert all(gap >= 0.1 - pacer.catchup_s - 1e-6 for gap in gaps) and starts[-1] - starts[0] >= 0.25 - 1e-6
    assert [call.callerid for call in plan.calls] == ["111", "222", "111", "222"]
    first = plan.calls[0]
    assert first.phone_number == numbers[2] + "w12#"
    assert f"sofia/gateway/trunk/00{numbers[2][1:]}" in first.command
    assert "execute_on_answer_2=send_dtmf\\\\ w12#" in first.command or "send_dtmf w12#" in first.command
    assert "sched_hangup +60 ALLOTTED_TIMEOUT" in first.command
    assert f"ivrd_attempt_id={first.attempt_id}" in first.command and "sip_h_X-Tag=abc" in first.command
    assert f"origination_uuid={first.uuid}" in first.command and first.command.endswith("&park()")
    assert {c.status for c in CallRequest.select()} == {1}  # PENDING until the originate is sent
    assert Campaign.get_by_id(built.campaign_id).next_call_at is not None


def test_the_campaign_cap_counts_the_attempts_of_every_daemon(database: peewee.Database,
                                                              tmp_path: Path) -> None:
    built = _ready(tmp_path, 10, max_aleg=3, frequency=6000)
    pacer = Pacer(horizon_s=1.0)
    first = plan_campaign(built.campaign_id, time.time(), daemon_id="a", pacer=pacer, global_free=100)
    second = plan_campaign(built.campaign_id, time.time(), daemon_id="b", pacer=pacer, global_free=100)
    assert len(first.calls) == 3 and second.calls == []
    pending = Subscriber.select().where(Subscriber.status == SubscriberStatus.PENDING).count()
    assert pending == 7  # claimed but not dialled ones went back


def test_the_pace_carries_over_from_one_daemon_to_the_next_at_full_precision(database: peewee.Database,
                                                                           tmp_path: Path) -> None:
    built = _ready(tmp_path, 40, frequency=1200)  # one call every 50 ms
    pacer = Pacer(horizon_s=0.5)
    now_s = time.time()
    first = plan_campaign(built.campaign_id, now_s, daemon_id="a", pacer=pacer, global_free=100)
    second = plan_campaign(built.campaign_id, now_s + 0.5, daemon_id="b", pacer=pacer, global_free=100)
    starts = [call.start_at_s for call in first.calls + second.calls]
    assert len(first.calls) >= 9 and second.calls
    assert all(b - a >= 0.05 - pacer.catchup_s - 1e-6 for a, b in itertools.pairwise(starts))
    assert starts[-1] - starts[0] <= 1.0 + 1e-6
