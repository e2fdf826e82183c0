"""What each survey action becomes on the channel: FreeSWITCH applications and their arguments.

Pure functions (no I/O). A step is (application, argument); a leg sends each step as one
`sendmsg execute` with its own Event-UUID and event-lock, so steps run in order and the
CHANNEL_EXECUTE_COMPLETE of the last one reports the action's end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ivrd.esl.api_commands import channel_variable_block
from ivrd.survey import Collect, Prompt, Record, Transfer

Step = tuple[str, str]

TTS_ENGINE = "flite"
DIGITS_VARIABLE = "ivrd_digits"
INVALID_FILE = "silence_stream://250"
NO_PROMPT_FILE = "silence_stream://1"
US_RINGBACK = "tone_stream://%(2000,4000,440,480);loops=-1"


@dataclass(frozen=True)
class TtsVoices:
    """Who speaks each survey language: `engine|voice` per language code (``fr`` also serves
    ``fr-ca``), mod_flite with `default_voice` for the others."""

    default_voice: str = "slt"
    by_language: Mapping[str, str] = field(default_factory=dict)

    def spec(self, language: str) -> str:
        code = (language or "").strip().lower()
        chosen = self.by_language.get(code) or self.by_language.get(code.split("-")[0])
        return chosen or f"{TTS_ENGINE}|{self.default_voice}"


@dataclass(frozen=True)
class MediaOptions:
    """Where files live and how to speak: absolute recording directory, TTS voices."""

    recordings_dir: Path
    tts_voice: str = "slt"
    tts_languages: Mapping[str, str] = field(default_factory=dict)

    @property
    def tts(self) -> TtsVoices:
        return TtsVoices(self.tts_voice, self.tts_languages)


Voice = str | TtsVoices  # a bare name is a mod_flite voice


def _tts_spec(prompt: Prompt, voice: Voice) -> str:
    """`engine|voice|text` for a prompt without audio."""
    voices = voice if isinstance(voice, TtsVoices) else TtsVoices(voice)
    return f"{voices.spec(prompt.tts_language)}|{_tts_text(prompt.tts_text or '')}"


def _tts_text(text: str) -> str:
    """Text safe inside a space-separated argument list and a `|`-separated TTS spec."""
    return " ".join(text.replace("'", "\u2019").replace("|", " ").split())


def prompt_file(prompt: Prompt, voice: Voice) -> str:
    """A prompt as one file argument: the audio path, or `tts://engine|voice|text`."""
    if prompt.audio_path:
        return prompt.audio_path
    return f"tts://{_tts_spec(prompt, voice)}"


def _argument(text: str) -> str:
    """One word of a space-separated application argument list (single-quoted when it has spaces)."""
    return f"'{text}'" if " " in text else text


def play_step(prompt: Prompt, voice: Voice) -> Step:
    if prompt.audio_path:
        return ("playback", prompt.audio_path)
    return ("speak", _tts_spec(prompt, voice))


def collect_step(action: Collect, voice: Voice) -> Step:
    """play_and_get_digits with one try; digits land in DIGITS_VARIABLE (or `<var>_invalid`)."""
    prompt = prompt_file(action.prompt, voice) if action.prompt is not None else NO_PROMPT_FILE
    words = [
        str(action.min_digits), str(action.max_digits), "1", str(action.timeout_ms),
        action.terminators or "none", _argument(prompt), INVALID_FILE, DIGITS_VARIABLE,
        action.valid_regex, str(action.digit_timeout_ms),
    ]
    return ("play_and_get_digits", " ".join(words))


def collected_digits(variables: Mapping[str, str]) -> tuple[str, str]:
    """(digits, terminator) from a play_and_get_digits completion's channel variables."""
    outcome = variables.get("read_result", "")
    terminator = variables.get("read_terminator_used", "")
    if outcome == "success":
        return variables.get(DIGITS_VARIABLE, ""), terminator
    if outcome == "failure":
        return variables.get(f"{DIGITS_VARIABLE}_invalid", ""), terminator
    return "", terminator


def recording_path(action: Record, options: MediaOptions) -> Path:
    return options.recordings_dir / action.file_name


def record_steps(action: Record, options: MediaOptions) -> list[Step]:
    """`#` ends the recording (playback_terminators), as do silence and the time limit."""
    path = recording_path(action, options)
    return [
        ("set", f"playback_terminators={action.terminators or 'none'}"),
        ("record", f"{path} {action.time_limit_s} {action.silence_threshold} {action.silence_hits_s}"),
    ]


@dataclass(frozen=True)
class AttemptHeaders:
    """The campaign call attempt a transferred call belongs to, told to the far end in SIP headers."""

    callrequest_id: int | None = None
    contact_id: int | None = None

    def sip_variables(self) -> dict[str, str]:
        headers = {"P-CallRequest-ID": self.callrequest_id, "P-Contact-ID": self.contact_id}
        return {f"sip_h_{name}": str(value) for name, value in headers.items() if value is not None}


# `*0` on the caller's side hangs up the far end of a transfer (the caller stays in the survey).
CANCEL_TRANSFER_BINDING = "0 a o hangup::NORMAL_CLEARING"


def transfer_steps(action: Transfer, voice: Voice, call_variables: Mapping[str, str],
                   attempt: AttemptHeaders | None = None) -> list[Step]:
    """Bridge to the far end with the spec §5.6 variables; the caller stays up when the far end leaves
    and can hang the far end up with `*0`."""
    steps: list[Step] = [("set", "hangup_after_bridge=false"), ("set", "continue_on_fail=true"),
                         ("bind_meta_app", CANCEL_TRANSFER_BINDING)]
    if action.ringback is not None:
        ringback = f"file_string://{prompt_file(action.ringback, voice)}!{US_RINGBACK}"
        steps += [("set", f"ringback={ringback}"), ("set", f"transfer_ringback={ringback}")]
    variables: dict[str, str | int | bool] = {
        "ignore_early_media": True,
        "instant_ringback": True,
        "origination_caller_id_number": action.caller_id_number or "0000000000",
        "origination_caller_id_name": action.caller_id_number or "0000000000",
        "originate_timeout": action.timeout_s,
        "leg_timeout": action.timeout_s,
        "ivrd_leg_type": "bleg",
    }
    variables.update({name: value for name, value in call_variables.items() if value})
    if attempt is not None:
        variables.update(attempt.sip_variables())
    for name, value in action.headers:
        variables[f"sip_h_{name}"] = value
    if action.confirm_prompt is not None:
        confirm_file = prompt_file(action.confirm_prompt, voice)
        if action.confirm_key:
            variables.update(group_confirm_file=confirm_file, group_confirm_key=action.confirm_key,
                             group_confirm_cancel_timeout=1)
        else:
            variables.update(group_confirm_file=f"playback {confirm_file}", group_confirm_key="exec")
    steps.append(("bridge", channel_variable_block(variables) + action.dial_string))
    return steps


def bridge_outcome(variables: Mapping[str, str]) -> tuple[bool, str]:
    """(answered, cause) from a bridge completion: the far end's hangup cause, or why it never answered."""
    disposition = variables.get("originate_disposition", "")
    answered = disposition == "SUCCESS" or variables.get("DIALSTATUS") == "SUCCESS"
    if answered:
        return True, variables.get("bridge_hangup_cause") or variables.get("last_bridge_hangup_cause", "")
    return False, variables.get("originate_failed_cause") or disposition
