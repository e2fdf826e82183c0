"""AmdCall without FreeSWITCH: a fake API writes the callee's audio where uuid_record was asked to."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import peewee

from ivrd.amd import AmdParams, AmdResult
from ivrd.config import MediaSettings, Settings
from ivrd.runtime.amd_call import AmdCall, AmdOptions
from ivrd.runtime.amd_campaigns import CampaignAmd
from ivrd.runtime.amd_facts import AmdFacts
from ivrd.runtime.daemon import Daemon
from ivrd.survey import AmdDecided
from tests.unit.amd.signals import pcm, silence, speech, tone

HUMAN = pcm(silence(0.3), speech(0.5, seed=2), silence(4.0))  # the watch after the verdict included
LATE_BEEP = pcm(silence(0.2), speech(3.5, seed=4), silence(2.0), tone(1000, 0.5), silence(4.0))
SHORT = pcm(silence(0.3), speech(0.6, seed=7), silence(0.9), tone(1000, 0.5), silence(3.0))
MACHINE = pcm(silence(0.2), speech(3.5, seed=4), silence(0.4), tone(1000, 0.5), silence(3.0))
VOICEMAIL = "/media/upload/audiofiles/vm.wav"


@dataclass
class FakeSwitch:
    """uuid_record start writes `audio` to the file at once (or refuses); every command is logged."""

    audio: np.ndarray | None
    refuse: bool = False
    log: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def api(self, command: str) -> str:
        self.log.append(command)
        words = command.split()
        if words[:1] == ["uuid_record"] and words[2] == "start":
            if self.refuse:
                return "-ERR Cannot record session!\n"
            Path(words[3]).write_bytes(b"" if self.audio is None else self.audio.astype("<i2").tobytes())
        return "+OK Success\n"

    # LegLink
    def feed_input(self, uuid: str, survey_input: AmdDecided) -> bool:
        self.log.append(f"input {survey_input}")
        return True

    def note_amd(self, uuid: str, facts: AmdFacts) -> None:
        self.log.append(f"facts {facts.result.value}")

    def leg_done(self, uuid: str) -> asyncio.Event | None:
        return self.done


def detect(tmp_path: Path, switch: FakeSwitch, behaviour: int, **options: object) -> AmdFacts | None:
    async def main() -> AmdFacts | None:
        campaign = CampaignAmd(voicemail=True, amd_behavior=behaviour, voicemail_audio_path=VOICEMAIL)
        amd_options = AmdOptions(amd_dir=tmp_path / "amd", **options)  # type: ignore[arg-type]
        call = AmdCall("u-1", 7, campaign, 8000, asyncio.get_running_loop().time(), lambda: switch, switch,
                       amd_options)
        return await asyncio.wait_for(call.run(), 10)

    return asyncio.run(main())


def inputs(switch: FakeSwitch) -> list[str]:
    return [line for line in switch.log if line.startswith("input ")]


def test_a_person_gets_the_survey_before_the_variables_are_set(tmp_path: Path) -> None:
    switch = FakeSwitch(HUMAN)
    facts = detect(tmp_path, switch, behaviour=1)
    assert facts is not None and facts.result is AmdResult.HUMAN and facts.action == "run_survey"
    assert inputs(switch) == [f"input {AmdDecided('person', True, None)}"]
    first_setvar = next(i for i, line in enumerate(switch.log) if line.startswith("uuid_setvar"))
    assert switch.log.index(inputs(switch)[0]) < first_setvar
    assert switch.log[-1] == f"uuid_record u-1 stop {tmp_path / 'amd' / 'u-1.r8'}"
    assert not (tmp_path / "amd" / "u-1.r8").exists()


def test_a_machine_gets_the_message_after_the_beep_and_the_variables_come_first(tmp_path: Path) -> None:
    switch = FakeSwitch(MACHINE)
    facts = detect(tmp_path, switch, behaviour=3, keep_audio=True)
    assert facts is not None and facts.result is AmdResult.MACHINE_END_BEEP
    assert facts.beep_ms is not None and abs(facts.beep_ms - 4600) <= 60
    assert inputs(switch) == [f"input {AmdDecided('machine', False, VOICEMAIL)}"]
    setvars = [line for line in switch.log if line.startswith("uuid_setvar")]
    assert "uuid_setvar u-1 ivrd_amd_status machine" in setvars
    assert switch.log.index(setvars[-1]) < switch.log.index(inputs(switch)[0])
    assert (tmp_path / "amd" / "u-1.r8").stat().st_size == MACHINE.size * 2  # media.keep_amd_audio


def test_a_human_only_campaign_hangs_up_on_a_machine_without_waiting_for_its_beep(tmp_path: Path) -> None:
    switch = FakeSwitch(MACHINE)
    facts = detect(tmp_path, switch, behaviour=2)
    assert facts is not None and facts.result is AmdResult.MACHINE_START and facts.beep_ms is None
    assert inputs(switch) == [f"input {AmdDecided('machine', False, None)}"]


def test_a_refused_recording_counts_as_not_sure(tmp_path: Path) -> None:
    switch = FakeSwitch(HUMAN, refuse=True)
    facts = detect(tmp_path, switch, behaviour=2)
    assert facts is not None and (facts.result, facts.cause) == (AmdResult.UNKNOWN, "NORECORDING")
    assert inputs(switch) == [f"input {AmdDecided('notsure', True, None)}"]
    assert not any(" stop " in line for line in switch.log)


def test_audio_that_stops_arriving_ends_the_detection(tmp_path: Path) -> None:
    switch = FakeSwitch(pcm(silence(0.5)))
    facts = detect(tmp_path, switch, behaviour=3, stall_s=0.3)
    assert facts is not None and (facts.result, facts.cause) == (AmdResult.UNKNOWN, "NOAUDIO-500")
    assert inputs(switch) == [f"input {AmdDecided('notsure', False, None)}"]  # voicemail only: hang up


def test_audio_that_stops_during_the_watch_keeps_the_persons_verdict(tmp_path: Path) -> None:
    switch = FakeSwitch(pcm(silence(0.3), speech(0.5, seed=2), silence(1.0)))  # ends 1 s into the watch
    facts = detect(tmp_path, switch, behaviour=3, stall_s=0.3)
    assert facts is not None and facts.result is AmdResult.HUMAN
    assert inputs(switch) == [f"input {AmdDecided('person', False, None)}"]  # hung up, no voicemail


def test_the_legs_end_stops_the_listening(tmp_path: Path) -> None:
    switch = FakeSwitch(None)
    switch.done.set()  # the callee hung up at once
    facts = detect(tmp_path, switch, behaviour=1)
    assert facts is not None and facts.result is AmdResult.UNKNOWN and facts.cause.startswith("HANGUP-")


def test_the_daemon_detects_with_the_parameters_of_its_amd_section(tmp_path: Path) -> None:
    amd = AmdParams(after_greeting_silence_ms=1000)
    media = MediaSettings(root=str(tmp_path), tts_languages="fr=tts_commandline|fr")
    daemon = Daemon(Settings(media=media, amd=amd), peewee.SqliteDatabase(":memory:"))
    assert daemon.amd.options.params.after_greeting_silence_ms == 1000
    assert daemon.dispatcher.services.media.tts.spec("fr") == "tts_commandline|fr"
    assert daemon.amd.options.amd_dir == tmp_path.resolve() / "amd"


def test_a_person_revised_to_a_machine_mid_survey_is_hung_up_under_human_only(tmp_path: Path) -> None:
    switch = FakeSwitch(SHORT)
    facts = detect(tmp_path, switch, behaviour=2)
    assert facts is not None and facts.result is AmdResult.MACHINE_START
    assert facts.cause.startswith("HUMAN-") and "AFTERHUMAN" in facts.cause and facts.decision_ms >= 2300
    survey = f"input {AmdDecided('person', True, None)}"
    hang_up = f"input {AmdDecided('machine', False, None)}"
    assert inputs(switch) == [survey, hang_up]
    machine_status = switch.log.index("uuid_setvar u-1 ivrd_amd_status machine")
    assert switch.log.index(survey) < machine_status < switch.log.index(hang_up)


def test_voicemail_only_hangs_up_on_a_person_once_the_watch_is_over(tmp_path: Path) -> None:
    switch = FakeSwitch(HUMAN)
    facts = detect(tmp_path, switch, behaviour=3)
    assert facts is not None and facts.result is AmdResult.HUMAN and facts.action == "hang_up"
    assert inputs(switch) == [f"input {AmdDecided('person', False, None)}"]


def test_voicemail_only_leaves_the_message_after_the_beep_of_a_person_revised(tmp_path: Path) -> None:
    switch = FakeSwitch(SHORT)
    facts = detect(tmp_path, switch, behaviour=3)
    assert facts is not None and facts.result is AmdResult.MACHINE_END_BEEP
    assert facts.beep_ms is not None and abs(facts.beep_ms - 2300) <= 60
    assert inputs(switch) == [f"input {AmdDecided('machine', False, VOICEMAIL)}"]


def test_always_play_starts_the_survey_over_once_a_revised_machine_has_beeped(tmp_path: Path) -> None:
    switch = FakeSwitch(SHORT)
    facts = detect(tmp_path, switch, behaviour=1)
    assert facts is not None and facts.result is AmdResult.MACHINE_END_BEEP
    assert inputs(switch) == [f"input {AmdDecided('person', True, None)}",
                              f"input {AmdDecided('machine', True, None, restart_survey=True)}"]


def test_voicemail_only_starts_the_message_over_when_a_beep_follows_the_silence(tmp_path: Path) -> None:
    switch = FakeSwitch(LATE_BEEP)
    facts = detect(tmp_path, switch, behaviour=3)
    assert facts is not None and facts.result is AmdResult.MACHINE_END_BEEP
    assert facts.cause.endswith("-AFTERSILENCE") and facts.beep_ms is not None
    assert abs(facts.beep_ms - 6200) <= 60
    assert inputs(switch) == [f"input {AmdDecided('machine', False, VOICEMAIL)}",
                              f"input {AmdDecided('machine', False, VOICEMAIL, restart_survey=True)}"]
