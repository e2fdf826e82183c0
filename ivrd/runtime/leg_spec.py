"""What a leg runs (LegSpec), how it ended (LegOutcome) and the services it uses (LegServices)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ivrd.runtime.amd_facts import AmdFacts
from ivrd.runtime.dbwriter import DbWriter
from ivrd.runtime.leg_actions import MediaOptions
from ivrd.runtime.survey_store import SurveyUnavailable, load_definition
from ivrd.survey import CallContext, SurveyDefinition


@dataclass(frozen=True)
class LegOutcome:
    """How a leg ended: `reason` from the survey machine (or why it never ran), completion, hangup cause.

    `amd`: what answering-machine detection found (None when the call had none).
    """

    uuid: str
    survey_id: int | None
    reason: str
    completed: bool = False
    hangup_cause: str = ""
    callrequest_id: int | None = None
    amd: AmdFacts | None = None


@dataclass(frozen=True)
class LegSpec:
    """Everything a leg needs to run a survey on one answered channel.

    Campaign calls (the dialer) set callrequest_id/subscriber_id/campaign_id/contact_id so results,
    completion and SMS rows belong to the call attempt (and a transfer tells the far end which one).
    `on_completed(section_id)` runs when the caller reaches a section flagged `completed`, after the
    database was told (unless `mark_completed_in_db` is False); `on_finished(outcome)` runs once when
    the leg ends. Both run on the event loop.
    """

    survey_id: int
    context: CallContext
    callrequest_id: int | None = None
    subscriber_id: int | None = None
    campaign_id: int | None = None
    contact_id: int | None = None
    mark_completed_in_db: bool = True
    on_completed: Callable[[int], None] | None = None
    on_finished: Callable[[LegOutcome], None] | None = None
    extra_bleg_variables: tuple[tuple[str, str], ...] = field(default=())


class CommandSender(Protocol):
    """The part of EslClient a leg uses."""

    async def command(self, data: bytes, *, check: bool = True) -> str: ...


class SurveyCache:
    """Sealed surveys are frozen: each is read from the database once and shared by every leg."""

    def __init__(self, db: DbWriter, media_root: Path) -> None:
        self._db = db
        self._media_root = media_root
        self._loaded: dict[int, asyncio.Future[SurveyDefinition | SurveyUnavailable]] = {}

    async def get(self, survey_id: int) -> SurveyDefinition | SurveyUnavailable:
        """The definition of sealed survey `survey_id`, or why it cannot run (not kept: asked again)."""
        future = self._loaded.get(survey_id)
        if future is None:
            future = asyncio.ensure_future(self._db.run(lambda: load_definition(survey_id, self._media_root)))
            self._loaded[survey_id] = future
        try:
            loaded = await asyncio.shield(future)
        except Exception:
            self._forget(survey_id, future)
            raise
        if isinstance(loaded, SurveyUnavailable):
            self._forget(survey_id, future)
        return loaded

    def _forget(self, survey_id: int, future: asyncio.Future[SurveyDefinition | SurveyUnavailable]) -> None:
        if self._loaded.get(survey_id) is future:
            del self._loaded[survey_id]

    def forget(self, survey_id: int | None = None) -> None:
        """Drop one cached survey (or all): the next leg reads it again."""
        if survey_id is None:
            self._loaded.clear()
        else:
            self._loaded.pop(survey_id, None)


@dataclass
class LegServices:
    client: CommandSender
    db: DbWriter
    surveys: SurveyCache
    media: MediaOptions
    goodbye_path: str
