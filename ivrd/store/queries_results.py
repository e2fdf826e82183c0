"""Survey results: upsert per call and per-response aggregate counters (spec §1.6), in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from ivrd.store.db import database_proxy
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
    """One section's outcome for one call."""

    section_id: int
    response: str = ""
    record_file: str = ""
    recording_duration_s: int = 0


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


def _previous_keys(callrequest_id: int, section_ids: list[int]) -> dict[int, str]:
    rows = Result.select().where((Result.callrequest == callrequest_id) & (Result.section.in_(section_ids)))
    return {
        row.section_id: aggregate_key(
            Answer(row.section_id, row.response, row.record_file, row.recording_duration)
        )
        for row in rows
    }


def _upsert_result(callrequest_id: int | None, answer: Answer) -> None:
    now = utc_now()
    values = {
        Result.response: answer.response[:150],
        Result.record_file: answer.record_file[:200],
        Result.recording_duration: answer.recording_duration_s,
        Result.updated_date: now,
    }
    query = Result.insert(
        callrequest=callrequest_id,
        section=answer.section_id,
        response=answer.response[:150],
        record_file=answer.record_file[:200],
        recording_duration=answer.recording_duration_s,
        created_date=now,
        updated_date=now,
    )
    if callrequest_id is not None:
        query = query.on_conflict(conflict_target=[Result.callrequest, Result.section], update=values)
    query.execute()


def save_results(survey_id: int, callrequest_id: int | None, answers: Iterable[Answer]) -> None:
    """Stores a call's answers and keeps the aggregates equal to the stored results.

    Saving again for the same call (a flush before a transfer, then at hangup) overwrites the
    earlier answer of each section and moves its aggregate count instead of counting it twice.
    The last answer for a section wins when `answers` repeats one. Empty responses (timeouts) are
    stored as results but not counted in the aggregates.
    """
    latest = {answer.section_id: answer for answer in answers}
    if not latest:
        return
    with database_proxy.atomic():
        previous = _previous_keys(callrequest_id, list(latest)) if callrequest_id is not None else {}
        for section_id, answer in latest.items():
            _upsert_result(callrequest_id, answer)
            key = aggregate_key(answer)
            old_key = previous.get(section_id)
            if old_key == key:
                continue
            if old_key:
                add_to_aggregate(survey_id, section_id, old_key, -1)
            if key:
                add_to_aggregate(survey_id, section_id, key, 1)


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
    "add_to_aggregate",
    "aggregate_key",
    "recording_bucket",
    "save_results",
    "survey_aggregates",
]
