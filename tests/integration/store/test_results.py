"""Result and aggregate upserts: counts per response, recording buckets, re-saves never double count."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivrd.store.models import CallRequest, Result, ResultAggregate, Section, User
from ivrd.store.queries_results import (
    Answer,
    add_to_aggregate,
    recording_bucket,
    save_results,
    survey_aggregates,
)
from ivrd.store.queries_survey import seal_survey

from . import builders


@pytest.fixture
def sealed(make_user: Callable[..., User]) -> tuple[int, list[Section], Callable[[], int]]:
    user = make_user("u", "pw")
    template, _ = builders.three_node_template(user)
    survey = seal_survey(template)
    sections = list(Section.select().where(Section.survey == survey).order_by(Section.order))

    def new_call() -> int:
        return CallRequest.create(user=user, phone_number="100", survey=survey).id

    return survey.id, sections, new_call


def counts(survey_id: int) -> dict[tuple[str, str], int]:
    return {(r["section__question"], r["response"]): r["count"] for r in survey_aggregates(survey_id)}


def test_aggregates_count_each_response(sealed: tuple[int, list[Section], Callable[[], int]]) -> None:
    survey_id, (_, choice, record), new_call = sealed
    for response in ("Red", "Red", "Blue"):
        save_results(survey_id, new_call(), [Answer(choice.id, response)])
    save_results(survey_id, new_call(), [Answer(record.id, "", "rec-1.wav", 35), Answer(choice.id, "Red")])
    assert counts(survey_id) == {
        ("Colour?", "Red"): 3,
        ("Colour?", "Blue"): 1,
        ("Leave a message", "21 - 40 seconds"): 1,
    }
    assert Result.select().count() == 5
    stored = Result.get(Result.section == record.id)
    assert (stored.record_file, stored.recording_duration) == ("rec-1.wav", 35)


def test_saving_again_for_the_same_call_moves_the_count(
    sealed: tuple[int, list[Section], Callable[[], int]],
) -> None:
    survey_id, (_, choice, _), new_call = sealed
    call_id = new_call()
    save_results(survey_id, call_id, [Answer(choice.id, "Red")])
    save_results(survey_id, call_id, [Answer(choice.id, "Red")])
    assert counts(survey_id) == {("Colour?", "Red"): 1}
    save_results(survey_id, call_id, [Answer(choice.id, "Blue")])
    assert counts(survey_id) == {("Colour?", "Blue"): 1}
    assert Result.get(Result.callrequest == call_id).response == "Blue"
    assert Result.select().count() == 1


def test_timeouts_are_stored_but_not_aggregated(sealed: tuple[int, list[Section], Callable[[], int]]) -> None:
    survey_id, (_, choice, _), new_call = sealed
    save_results(survey_id, new_call(), [Answer(choice.id, "")])
    assert Result.select().count() == 1 and counts(survey_id) == {}


def test_insert_or_increment(sealed: tuple[int, list[Section], Callable[[], int]]) -> None:
    survey_id, (_, choice, _), _ = sealed
    add_to_aggregate(survey_id, choice.id, "Red")
    add_to_aggregate(survey_id, choice.id, "Red", 4)
    row = ResultAggregate.get(ResultAggregate.response == "Red")
    assert row.count == 5 and ResultAggregate.select().count() == 1


@pytest.mark.parametrize(
    ("duration_s", "label"),
    [(1, "0 - 20 seconds"), (20, "0 - 20 seconds"), (21, "21 - 40 seconds"), (60, "41 - 60 seconds"),
     (61, "61 - 90 seconds"), (90, "61 - 90 seconds"), (91, "> 90 seconds")],
)
def test_recording_buckets(duration_s: int, label: str) -> None:
    assert recording_bucket(duration_s) == label
