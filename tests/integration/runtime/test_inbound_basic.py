"""Inbound calls through the real daemon and simulator: prompts, choices, digits, results in the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee
import pytest

from ivrd.sim import Callee
from tests.integration.runtime.harness import SurveyBuilder, aggregates, results_by_section, running


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_play_choice_capture_saves_results_and_aggregates(database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            welcome = b.play("Welcome")
            colour = b.section(2, "Colour?", key_1="Red", key_2="Blue", audiofile=b.audio("colour"))
            age = b.section(4, "Age?", number_digits=2, min_number=10, max_number=50,
                            audiofile=b.audio("age"))
            bye = b.play("Bye")
            b.goto(welcome, "0", colour)
            b.goto(colour, "1", age)
            b.goto(colour, "2", bye)
            b.goto(age, "any", bye)
            uuid, outcome = await h.run_call(b.survey.id, Callee(dtmf=("1", "42"), dtmf_delay_ms=20))
            entry = await h.call_ended(uuid)
            assert entry["answered"] and entry["cause"] == "NORMAL_CLEARING"
            assert not outcome.completed
            rows = results_by_section(b.survey.id)
            assert [r.response for r in rows[colour.id]] == ["Red"]
            assert [r.response for r in rows[age.id]] == ["42"]
            assert welcome.id not in rows and bye.id not in rows
            assert all(r.callrequest_id is None for r in rows[colour.id])
            assert aggregates(b.survey.id) == {(colour.id, "Red"): 1, (age.id, "42"): 1}

    asyncio.run(main())
