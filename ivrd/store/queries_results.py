"""Survey results: upsert per call and per-response aggregate counters (spec §1.6), in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from ivrd.store.models import Result, ResultAggregate, Section, utc_now

# Upper bounds (inclusive, seconds) of the recording-duration buckets and their labels.
_RECORDING_BUCKETS: tuple[tuple[int, str], ...] = (
    (20, "0 - 20 seconds"),
    (40, "21 - 40 seconds"),
    (60, "41 - 60 seconds"),
    (90, "61 - 90 seconds"),
)
_LONGEST_BUCKET = "> 90 seconds"


@dataclass(frozen=True)
class Answer:
    """One section's outcome for one call; `aggregate` False keeps it out of the survey's counts
    (empty or invalid input, recordings of unknown duration)."""

    section_id: int
    response: str = ""
    record_file: str = ""
    recording_duration_s: int = 0
    aggregate: bool = True


@dataclass
class CallResults:
    """What `save_results` wrote for one call, by section: the result row (calls without a call
    attempt) and the aggregate key counted. One per call, touched only by its writer jobs."""

    row_ids: dict[int, int] = field(default_factory=dict)
    counted: dict[int, str] = field(default_factory=dict)


def recording_bucket(duration_s: int) -> str:
    """The aggregate label of a recording of `duration_s` seconds."""
    for upper_s, label in _RECORDING_BUCKETS:
        if duration_s <= upper_s:
            return label
    return _LONGEST_BUCKET


def aggregate_key(answer: Answer) -> str:
    """What an answer counts as in ResultAggregate: the response, or a bucket for recordings."""
    if answer.recording_duration_s > 0:
        return recording_bucket(answer.recording_duration_s)
    return answer.response[:150]


def add_to_aggregate(survey_id: int, section_id: int, response: str, delta: int = 1) -> None:
    """Insert-or-increment of one (survey, section, response) counter by `delta`."""
    now = utc_now()
    (
        ResultAggregate.insert(
            survey=survey_id,
            section=section_id,
            response=response,
            count=max(delta, 0),
            created_date=now,
            updated_date=now,
        )
        .on_conflict(
            conflict_target=[ResultAggregate.survey, ResultAggregate.section, ResultAggregate.response],
            update={ResultAggregate.count: ResultAggregate.count + delta, ResultAggregate.updated_date: now},
        )
        .execute()
    )


def _store_result(callrequest_id: int | None, saved: CallResults, answer: Answer) -> None:
    """Upsert by (call attempt, section); without a call attempt, the row `saved` remembers."""
    now = utc_now()
    columns: dict[str, object] = {
        "response": answer.response[:150],
        "record_file": answer.record_file[:200],
        "recording_duration": answer.recording_duration_s,
        "updated_date": now,
    }
    values = {getattr(Result, name): value for name, value in columns.items()}
    row_id = saved.row_ids.get(answer.section_id)
    if row_id is not None:
        Result.update(values).where(Result.id == row_id).execute()
        return
    insert = Result.insert(callrequest=callrequest_id, section=answer.section_id, created_date=now, **columns)
    if callrequest_id is None:
        saved.row_ids[answer.section_id] = int(insert.execute())
        return
    insert.on_conflict(conflict_target=[Result.callrequest, Result.section], update=values).execute()


def _count(survey_id: int, saved: CallResults, answer: Answer) -> None:
    """Makes the section's count reflect `answer`: its key counted once, a different earlier key moved."""
    key = aggregate_key(answer) if answer.aggregate else ""
    old_key = saved.counted.get(answer.section_id, "")
    if key == old_key:
        return
    if old_key:
        add_to_aggregate(survey_id, answer.section_id, old_key, -1)
    if key:
        add_to_aggregate(survey_id, answer.section_id, key, 1)
    saved.counted[answer.section_id] = key


def save_results(survey_id: int, callrequest_id: int | None, answers: Iterable[Answer], saved: CallResults,
                 *, call_ended: bool = False) -> None:
    """A call's answers (spec §1.6): stored as they are known, counted once when the call ends.

    Without `call_ended`, each answer is upserted by (call attempt, section), or for a call without
    an attempt into the row `saved` remembers. With `call_ended`, `answers` are each section's final
    answer (already stored): those with `aggregate` and a non-empty key are counted in the
    aggregates. Counting the same call again never counts an answer twice; a changed final answer
    moves its section's count. The last answer for a section wins when `answers` repeats one.
    """
    latest = {answer.section_id: answer for answer in answers}
    for answer in latest.values():
        if call_ended:
            _count(survey_id, saved, answer)
        else:
            _store_result(callrequest_id, saved, answer)


def survey_aggregates(survey_id: int) -> list[dict[str, object]]:
    """`[{"section__question", "response", "count"}]` for a sealed survey, sections in order."""
    query = (
        ResultAggregate.select(Section.question, ResultAggregate.response, ResultAggregate.count)
        .join(Section, on=(ResultAggregate.section == Section.id))
        .where((ResultAggregate.survey == survey_id) & (ResultAggregate.count > 0))
        .order_by(Section.order, Section.id, ResultAggregate.response)
        .dicts()
    )
    rows = cast(Iterable[dict[str, Any]], query)
    return [
        {"section__question": row["question"], "response": row["response"], "count": row["count"]}
        for row in rows
    ]


__all__ = [
    "Answer",
    "CallResults",
    "add_to_aggregate",
    "aggregate_key",
    "recording_bucket",
    "save_results",
    "survey_aggregates",
]
