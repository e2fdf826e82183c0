"""Result and aggregate upserts: final answers counted at call end, recording buckets, never twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ivrd.store.models import CallRequest, Result, ResultAggregate, Section, User
from ivrd.store.queries_results import (
    Answer,
    CallResults,
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


def save_call(survey_id: int, call_id: int | None, answers: list[Answer],
              saved: CallResults | None = None) -> CallResults:
    """Stores each answer as a call would, then counts the final ones at its end."""
    saved = saved if saved is not None else CallResults()
    for answer in answers:
        save_results(survey_id, call_id, [answer], saved)
    save_results(survey_id, call_id, answers, saved, call_ended=True)
    return saved


def test_aggregates_count_each_response(sealed: tuple[int, list[Section], Callable[[], int]]) -> None:
    survey_id, (_, choice, record), new_call = sealed
    for response in ("Red", "Red", "Blue"):
        save_call(survey_id, new_call(), [Answer(choice.id, response)])
    save_call(survey_id, new_call(), [Answer(record.id, "", "rec-1.wav", 35), Answer(choice.id, "Red")])
    assert counts(survey_id) == {
        ("Colour?", "Red"): 3,
        ("Colour?", "Blue"): 1,
        ("Leave a message", "21 - 40 seconds"): 1,
    }
    assert Result.select().count() == 5
    stored = Result.get(Result.section == record.id)
    assert (stored.record_file, stored.recording_duration) == ("rec-1.wav", 35)


def test_answers_are_counted_only_when_the_call_ends(
    sealed: tuple[int, list[Section], Callable[[], int]],
) -> None:
    survey_id, (_, choice, _), new_call = sealed
    call_id, saved = new_call(), CallResults()
    save_results(survey_id, call_id, [Answer(choice.id, "Red")], saved)
    assert Result.get(Result.callrequest == call_id).response == "Red" and counts(survey_id) == {}
    save_results(survey_id, call_id, [Answer(choice.id, "Blue")], saved)  # the section visited again
    save_results(survey_id, call_id, [Answer(choice.id, "Blue")], saved, call_ended=True)
    assert counts(survey_id) == {("Colour?", "Blue"): 1}
    assert Result.get(Result.callrequest == call_id).response == "Blue" and Result.select().count() == 1


def test_saving_again_for_the_same_call_does_not_double_count(
    sealed: tuple[int, list[Section], Callable[[], int]],
) -> None:
    survey_id, (_, choice, _), new_call = sealed
    call_id = new_call()
    saved = save_call(survey_id, call_id, [Answer(choice.id, "Red")])
    save_call(survey_id, call_id, [Answer(choice.id, "Red")], saved)
    assert counts(survey_id) == {("Colour?", "Red"): 1}
    save_call(survey_id, call_id, [Answer(choice.id, "Blue")], saved)
    assert counts(survey_id) == {("Colour?", "Blue"): 1}
    assert Result.get(Result.callrequest == call_id).response == "Blue"
    assert Result.select().count() == 1


def test_a_call_without_an_attempt_updates_its_own_rows(
    sealed: tuple[int, list[Section], Callable[[], int]],
) -> None:
    survey_id, (_, choice, _), _ = sealed
    first = save_call(survey_id, None, [Answer(choice.id, "Red")])
    save_call(survey_id, None, [Answer(choice.id, "Blue")], first)
    save_call(survey_id, None, [Answer(choice.id, "Red")])  # another inbound call
    assert sorted(r.response for r in Result.select()) == ["Blue", "Red"]
    assert counts(survey_id) == {("Colour?", "Blue"): 1, ("Colour?", "Red"): 1}


def test_answers_not_to_aggregate_are_stored_but_not_counted(
    sealed: tuple[int, list[Section], Callable[[], int]],
) -> None:
    survey_id, (_, choice, record), new_call = sealed
    save_call(survey_id, new_call(), [Answer(choice.id, "")])  # timeout
    save_call(survey_id, new_call(), [Answer(choice.id, "99", aggregate=False)])  # invalid input
    save_call(survey_id, new_call(), [Answer(record.id, "", "rec.wav", 0, aggregate=False)])  # cut short
    assert Result.select().count() == 3 and counts(survey_id) == {}
    assert Result.get(Result.response == "99").section_id == choice.id


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
