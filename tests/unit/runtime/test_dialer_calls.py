"""CallBook without sockets or database: when a live call is finished, and that it is finished once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from ivrd.campaign import RetryPolicy
from ivrd.esl.codec import EslEvent
from ivrd.esl.events import BackgroundJob, HangupEvent
from ivrd.esl.headers import Headers
from ivrd.runtime import dialer_calls
from ivrd.runtime.dialer_calls import CallBook, LiveCall
from ivrd.runtime.dialer_outcomes import AttemptRef, HangupFacts
from ivrd.runtime.dialer_reconcile import channel_states
from ivrd.runtime.leg_spec import LegOutcome

UUID = "6a1d7c36-0d3a-4b8e-9a57-1c2f00000001"


class FakeDb:
    def __init__(self) -> None:
        self.jobs: list[Callable[[], Any]] = []

    async def run(self, work: Callable[[], Any]) -> Any:
        self.jobs.append(work)
        return None

    def submit(self, work: Callable[[], Any]) -> None:
        self.jobs.append(work)


class FakeDispatcher:
    def __init__(self) -> None:
        self.legs: set[str] = set()
        self.forgotten: list[str] = []

    def leg(self, uuid: str) -> object | None:
        return object() if uuid in self.legs else None

    def forget_leg(self, uuid: str) -> None:
        self.forgotten.append(uuid)


class FakeDaemon:
    def __init__(self) -> None:
        self.db = FakeDb()
        self.dispatcher = FakeDispatcher()


def _event(name: str, **headers: str) -> EslEvent:
    return EslEvent(Headers.from_pairs([("Event-Name", name), ("Unique-ID", UUID), *headers.items()]))


def _hangup(cause: str, answered: bool = False) -> HangupEvent:
    extra = {"variable_answer_epoch": "1700000000", "variable_billsec": "3"} if answered else {}
    return HangupEvent(_event("CHANNEL_HANGUP_COMPLETE", **{"Hangup-Cause": cause,
                                                           "variable_hangup_cause_q850": "17", **extra}))


def _job(body: str) -> BackgroundJob:
    return BackgroundJob(EslEvent(Headers.from_pairs([("Event-Name", "BACKGROUND_JOB"),
                                                      ("Job-UUID", "job-1")]), body))


def _book() -> tuple[CallBook, FakeDaemon, list[tuple[str, HangupFacts]]]:
    daemon = FakeDaemon()
    book = CallBook(daemon, lambda: None)  # type: ignore[arg-type]
    finished: list[tuple[str, HangupFacts]] = []

    async def finish(uuid: str, live: LiveCall, facts: HangupFacts) -> None:
        finished.append((uuid, facts))
        book.live.pop(uuid, None)

    book.finish = finish  # type: ignore[method-assign]
    ref = AttemptRef(attempt_id=7, uuid=UUID, campaign_id=1, subscriber_id=3, gateway_id=1, user_id=1,
                     phone_number="15550100", callerid="5550000", policy=RetryPolicy())
    book.live[UUID] = LiveCall(ref)
    return book, daemon, finished


async def _settle(seconds: float = 0.0) -> None:
    await asyncio.sleep(seconds)
    await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialer_calls, "ERR_GRACE_S", 0.05)
    monkeypatch.setattr(dialer_calls, "LEG_GRACE_S", 0.05)


def test_a_failed_originate_described_by_its_hangup_event_is_finished_once_from_that_event() -> None:
    async def main() -> list[tuple[str, HangupFacts]]:
        book, _, finished = _book()
        live = book.live[UUID]
        book._job_result(UUID, live, _job("-ERR USER_BUSY\n"))
        book.on_hangup_complete(_hangup("USER_BUSY"))
        await _settle(0.1)
        return finished

    finished = asyncio.run(main())
    assert len(finished) == 1
    assert finished[0][1].cause == "USER_BUSY" and finished[0][1].q850 == 17


def test_the_hangup_event_first_then_the_err_finishes_once() -> None:
    async def main() -> list[tuple[str, HangupFacts]]:
        book, _, finished = _book()
        live = book.live[UUID]
        book.on_hangup_complete(_hangup("NO_ANSWER"))
        await _settle()
        book._job_result(UUID, live, _job("-ERR NO_ANSWER\n"))
        await _settle(0.1)
        return finished

    finished = asyncio.run(main())
    assert [facts.cause for _, facts in finished] == ["NO_ANSWER"]


def test_an_err_without_any_channel_event_finishes_after_the_grace_period() -> None:
    async def main() -> tuple[int, list[tuple[str, HangupFacts]]]:
        book, _, finished = _book()
        book._job_result(UUID, book.live[UUID], _job("-ERR INVALID_GATEWAY\n"))
        await _settle()
        before = len(finished)
        await _settle(0.1)
        return before, finished

    before, finished = asyncio.run(main())
    assert before == 0
    assert [(facts.cause, facts.request_uuid) for _, facts in finished] == [("INVALID_GATEWAY", "job-1")]


def test_an_answered_call_waits_for_its_survey_leg_before_it_is_finished() -> None:
    async def main() -> tuple[int, list[tuple[str, HangupFacts]]]:
        book, daemon, finished = _book()
        daemon.dispatcher.legs.add(UUID)
        book.on_answer(_event("CHANNEL_ANSWER"))
        book.on_hangup_complete(_hangup("NORMAL_CLEARING", answered=True))
        await _settle()
        waiting = len(finished)
        book._leg_finished(UUID, LegOutcome(UUID, 1, "completed", completed=True))
        await _settle()
        return waiting, finished

    waiting, finished = asyncio.run(main())
    assert waiting == 0
    assert len(finished) == 1 and finished[0][1].answered


def test_the_answer_is_written_once() -> None:
    book, daemon, _ = _book()
    book.on_answer(_event("CHANNEL_ANSWER"))
    book.on_answer(_event("CHANNEL_ANSWER"))
    assert len(daemon.db.jobs) == 1 and book.live[UUID].answered


def test_events_of_unknown_channels_are_ignored() -> None:
    book, daemon, finished = _book()
    other = EslEvent(Headers.from_pairs([("Event-Name", "CHANNEL_ANSWER"), ("Unique-ID", "someone-else")]))
    book.on_answer(other)
    assert not daemon.db.jobs and not finished and not book.live[UUID].answered


def test_show_channels_json_gives_call_states_by_uuid() -> None:
    text = '{"row_count":2,"rows":[{"uuid":"a","callstate":"ACTIVE"},{"uuid":"b","callstate":"RINGING"}]}'
    assert channel_states(text) == {"a": "ACTIVE", "b": "RINGING"}
    assert channel_states('{"row_count":0}') == {}
    assert channel_states("-ERR no reply") is None
    assert channel_states('{"rows": []}') is None
