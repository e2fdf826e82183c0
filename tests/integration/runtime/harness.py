"""Runs the real Daemon against a SimFreeSwitch on a test database; builders for sealed surveys."""

from __future__ import annotations

import asyncio
import contextlib
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from ivrd.config import EslSettings, MediaSettings, Settings
from ivrd.esl.codec import EslEvent
from ivrd.runtime.daemon import Daemon
from ivrd.runtime.leg_spec import LegOutcome
from ivrd.sim import Callee, Scenario, SimFreeSwitch
from ivrd.store.models import AudioFile, Branching, Result, ResultAggregate, Section, Survey, User

PASSWORD = "test-esl-secret"
WAIT_S = 20.0
DIALPLAN_APPS = ("answer", "park")  # run by the inbound dialplan hook, not by the daemon


@dataclass
class Harness:
    sim: SimFreeSwitch
    daemon: Daemon
    media_root: Path
    apps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    completions: dict[str, list[EslEvent]] = field(default_factory=dict)
    hangups: set[str] = field(default_factory=set)  # CHANNEL_HANGUP_COMPLETE seen by the daemon

    def record_hangup(self, event: EslEvent) -> None:
        self.hangups.add(event.headers.get("Unique-ID") or "")

    def record_apps(self, event: EslEvent) -> None:
        """Event hook: every application the simulator completed, per channel, in order."""
        uuid = event.headers.get("Unique-ID") or ""
        app = (event.headers.get("Application") or "", event.headers.get("Application-Data") or "")
        if app[0] in DIALPLAN_APPS:
            return
        self.apps.setdefault(uuid, []).append(app)
        self.completions.setdefault(uuid, []).append(event)

    def completion_variable(self, uuid: str, app: str, name: str) -> str | None:
        event = next(e for e in self.completions[uuid] if e.headers.get("Application") == app)
        return event.headers.get("variable_" + name)

    def app_names(self, uuid: str) -> list[str]:
        return [name for name, _ in self.apps.get(uuid, [])]

    async def call(self, survey: str | int, callee: Callee, caller_id: str = "15550001111",
                   **variables: str) -> str:
        """An inbound call through the dialplan hook asking for `survey`; returns its uuid."""
        wanted = {"ivrd_inbound": "true", "ivrd_survey": str(survey), **variables}
        return await self.sim.place_inbound_call("5000", caller_id, wanted, callee=callee)

    async def finished(self, uuid: str) -> LegOutcome:
        return await asyncio.wait_for(self.daemon.dispatcher.wait_finished(uuid), WAIT_S)

    async def call_ended(self, uuid: str) -> dict[str, object]:
        """The simulator's call-log entry once the channel is gone and the daemon has read its last
        event (so every CHANNEL_EXECUTE_COMPLETE before it reached `record_apps`)."""
        async with asyncio.timeout(WAIT_S):
            while uuid in self.sim.channels or uuid not in self.hangups:
                await asyncio.sleep(0.01)
        return next(entry for entry in self.sim.call_log if entry["uuid"] == uuid)

    async def run_call(self, survey: str | int, callee: Callee, **variables: str) -> tuple[str, LegOutcome]:
        uuid = await self.call(survey, callee, **variables)
        return uuid, await self.finished(uuid)


@contextlib.asynccontextmanager
async def running(tmp_path: Path, scenario: Scenario | None = None,
                  events: tuple[str, ...] = (), tts_languages: str = "") -> AsyncIterator[Harness]:
    """A started simulator and a connected daemon, both stopped at the end."""
    media_root = tmp_path / "media"
    media_root.mkdir(exist_ok=True)
    sim = SimFreeSwitch(password=PASSWORD, scenario=scenario, media_root=media_root)
    await sim.start()
    settings = Settings(esl=EslSettings(host="127.0.0.1", port=sim.port, password=PASSWORD),
                        media=MediaSettings(root=str(media_root), tts_languages=tts_languages))
    from ivrd.store.db import database_proxy

    daemon = Daemon(settings, database_proxy.obj)
    daemon.subscribe(events)
    harness = Harness(sim, daemon, media_root)
    daemon.dispatcher.add_event_hook("CHANNEL_EXECUTE_COMPLETE", harness.record_apps)
    daemon.dispatcher.add_event_hook("CHANNEL_HANGUP_COMPLETE", harness.record_hangup)
    task = asyncio.create_task(daemon.run())
    try:
        await asyncio.wait_for(daemon.connected.wait(), WAIT_S)
        yield harness
    finally:
        daemon.stop()
        await asyncio.wait_for(task, WAIT_S)
        await sim.stop()


def write_wav(path: Path, duration_ms: int = 100) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(b"\0\0" * (8 * duration_ms))
    return path


class SurveyBuilder:
    """Builds a sealed survey section by section; `goto(a, key, b)` adds a branching."""

    def __init__(self, media_root: Path, name: str = "poll") -> None:
        self.user = User.get_or_none(User.username == "owner") or User.create(username="owner")
        self.survey = Survey.create(user=self.user, name=name)
        self.media_root = media_root
        self._order = 0

    def audio(self, name: str, duration_ms: int = 100) -> AudioFile:
        relative = f"upload/audiofiles/{name}.wav"
        write_wav(self.media_root / relative, duration_ms)
        return AudioFile.create(user=self.user, name=name, audio_file=relative)

    def section(self, type_: int, question: str, **fields: object) -> Section:
        self._order += 1
        fields.setdefault("script", "")
        return Section.create(survey=self.survey, type=type_, question=question, order=self._order, **fields)

    def play(self, question: str, **fields: object) -> Section:
        fields.setdefault("audiofile", self.audio(f"play{self._order}"))
        return self.section(1, question, **fields)

    def goto(self, section: Section, key: str, target: Section | None) -> None:
        Branching.create(section=section, keys=key, goto=target)


def results_by_section(survey_id: int) -> dict[int, list[Result]]:
    rows: dict[int, list[Result]] = {}
    query = Result.select().join(Section).where(Section.survey == survey_id).order_by(Result.id)
    for row in query:
        rows.setdefault(row.section_id, []).append(row)
    return rows


def aggregates(survey_id: int) -> dict[tuple[int, str], int]:
    query = ResultAggregate.select().where(ResultAggregate.survey == survey_id)
    return {(row.section_id, row.response): row.count for row in query if row.count}
