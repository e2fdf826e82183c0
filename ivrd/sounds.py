"""The default prompts shipped in sounds/: their names, words and file paths per sample rate."""

from __future__ import annotations

from pathlib import Path

INVALID_ENTRY = "invalid_entry"
GOODBYE = "goodbye"
RECORD_AFTER_TONE = "record_after_tone"
BEEP = "beep"
TRANSFER_HOLD = "transfer_hold"
TECHNICAL_DIFFICULTIES = "technical_difficulties"
THANK_YOU = "thank_you"
VOICEMAIL_MESSAGE = "voicemail_message"
SILENCE_1S = "silence_1s"

# Spoken prompts: name -> the words (sounds/make_sounds.py synthesises them).
SPOKEN_PROMPTS: dict[str, str] = {
    INVALID_ENTRY: "Sorry, that is not a valid choice.",
    GOODBYE: "Goodbye.",
    RECORD_AFTER_TONE: "Please record your message after the tone.",
    TRANSFER_HOLD: "Please hold while we connect your call.",
    TECHNICAL_DIFFICULTIES: "We are sorry, we are having technical difficulties. Please try again later.",
    THANK_YOU: "Thank you.",
    VOICEMAIL_MESSAGE: "Hello, this is an automated call. We tried to reach you and will call back later.",
}
BEEP_FREQUENCY_HZ = 1000
BEEP_DURATION_MS = 250
SILENCE_DURATION_MS = 1000

PROMPTS: tuple[str, ...] = (*SPOKEN_PROMPTS, BEEP, SILENCE_1S)
SAMPLE_RATES_HZ: tuple[int, ...] = (8000, 16000)

# Where packages install the prompts; a source checkout has them in sounds/ beside ivrd/.
INSTALLED_SOUNDS_ROOT = Path("/usr/share/ivrd/sounds")
SOURCE_SOUNDS_ROOT = Path(__file__).resolve().parent.parent / "sounds"


def _check_name(name: str) -> None:
    if name not in PROMPTS:
        raise ValueError(f"prompt: unknown prompt {name!r}; known: {', '.join(PROMPTS)}")


def shipped_rate_hz(channel_rate_hz: int) -> int:
    """The shipped rate to play on a channel: the highest one not above the channel's."""
    if channel_rate_hz < 1:
        raise ValueError(f"channel_rate_hz: must be positive, got {channel_rate_hz}")
    fitting = [rate for rate in SAMPLE_RATES_HZ if rate <= channel_rate_hz]
    return max(fitting) if fitting else min(SAMPLE_RATES_HZ)


def prompt_file(name: str, rate_hz: int, root: Path = INSTALLED_SOUNDS_ROOT) -> Path:
    """The WAV file of a prompt at one shipped rate: ROOT/RATE/NAME.wav."""
    _check_name(name)
    if rate_hz not in SAMPLE_RATES_HZ:
        raise ValueError(f"rate_hz: prompts exist at {SAMPLE_RATES_HZ}, got {rate_hz}")
    return root / str(rate_hz) / f"{name}.wav"


def playback_path(name: str, root: Path = INSTALLED_SOUNDS_ROOT) -> Path:
    """The path to hand FreeSWITCH's playback: ROOT/NAME.wav (no such file exists).

    FreeSWITCH's WAV reader first tries ROOT/<channel rate>/NAME.wav, then the other
    rate directories, so one path serves 8 kHz and 16 kHz calls without resampling.
    """
    _check_name(name)
    return root / f"{name}.wav"
