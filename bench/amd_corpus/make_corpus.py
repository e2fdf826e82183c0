"""Generates a labelled answering-machine-detection corpus (WAV + labels.csv) from a fixed seed.

    python bench/amd_corpus/make_corpus.py --out var/amd-corpus/tune --split tune --seed 1

Speech comes from espeak-ng (and flite for the holdout split), mixed with numpy: people who
answer briefly or with a sentence and then wait, quiet and noisy callers, voicemail greetings
with and without beeps, greetings over music, carrier messages with SIT tones, dead air and
fax tones. Every file passes a G.711 round trip. Labels: file,label,beep_end_ms,kind,detail,
turn_end_ms (for people: when their first turn of speech ends, before any pause they wait in).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import signals as sig
import texts

SPLIT_SETTINGS = {
    "tune": {
        "noises": ["white", "pink", "babble"],
        "beep_hz": [440.0, 850.0, 1000.0, 1400.0, 2000.0],
    },
    "holdout": {
        "noises": ["brown", "hum", "babble", "white"],
        "beep_hz": [500.0, 700.0, 950.0, 1200.0, 1700.0, 2200.0, 1000.0],
    },
}
# scenario -> files at count-scale 1.0
MIX = {
    "human_short": 60,
    "human_sentence": 8,
    "human_noisy": 30,
    "human_quiet": 10,
    "human_repeat": 8,
    "machine_beep": 36,
    "machine_nobeep": 14,
    "machine_short": 6,
    "machine_music": 10,
    "carrier": 6,
    "dead_air": 10,
    "fax_cng": 4,
    "fax_ced": 4,
}


@dataclass
class Clip:
    audio: np.ndarray
    label: str
    kind: str
    beep_end_ms: int | None = None
    turn_end_ms: int | None = None


class Builder:
    """Builds one clip per call; all randomness comes from one seeded generator."""

    def __init__(self, split: str, seed: int, rate_hz: int) -> None:
        self.split = split
        self.rate = rate_hz
        self.rng = np.random.default_rng(seed)
        self.speaker = sig.Speaker(rate_hz)
        self.settings = SPLIT_SETTINGS[split]
        self.voices = texts.VOICES[split]
        self._babble: np.ndarray | None = None
        self.notes: list[str] = []

    def pick(self, items: list):  # type: ignore[no-untyped-def]
        return items[int(self.rng.integers(len(items)))]

    def speech(self, text: str, voice: str | None = None) -> np.ndarray:
        text = text.format(name=self.pick(texts.NAMES), company=self.pick(texts.COMPANIES))
        voice = voice or self.pick(self.voices)
        if voice not in self.notes:
            self.notes.append(voice)
        speed = int(self.rng.integers(135, 195))
        pitch = int(self.rng.integers(25, 75))
        return self.speaker.say(voice, speed, pitch, text)

    def sec(self, low: float, high: float) -> np.ndarray:
        return sig.silence(self.rng.uniform(low, high), self.rate)

    def finish(
        self,
        parts: list[np.ndarray],
        speech_dbfs: float,
        noise_snr_db: float | None = None,
        noise_kind: str | None = None,
        speech_level: float | None = None,
    ) -> np.ndarray:
        """Scales the speech to speech_dbfs (its active RMS, or speech_level if given) and adds noise."""
        audio = np.concatenate(parts)
        level = speech_level or sig.active_rms(audio, self.rate) or 1.0
        audio = audio * (10 ** (speech_dbfs / 20) / level)
        if noise_snr_db is not None:
            self.notes.append(f"{noise_kind}@{noise_snr_db:.0f}dB")
            audio = audio + self.noise(noise_kind or "white", audio.size) * 10 ** (
                (speech_dbfs - noise_snr_db) / 20
            )
        floor = self.noise("white", audio.size) * 10 ** (self.rng.uniform(-72, -62) / 20)
        return audio + floor

    def noise(self, kind: str, n: int) -> np.ndarray:
        if kind == "babble":
            return self.babble(n)
        return sig.noise(kind, n / self.rate + 0.01, self.rate, self.rng)[:n]

    def babble(self, n: int) -> np.ndarray:
        if self._babble is None:
            track = np.zeros(8 * self.rate)
            for i in range(6):
                voice = self.voices[i % len(self.voices)]
                talk = np.concatenate([self.speech(s, voice) for s in self.pick(texts.MACHINE_SENTENCES)])
                talk = np.roll(np.resize(talk, track.size), int(self.rng.integers(0, track.size)))
                track += talk / (sig.rms(talk) or 1.0)
            self._babble = track / sig.rms(track)
        offset = int(self.rng.integers(0, self._babble.size))
        return np.resize(np.roll(self._babble, -offset), n)

    # ---- scenarios -------------------------------------------------------------------------
    def human(self, kind: str) -> Clip:
        pool = texts.HUMAN_SENTENCE if kind == "human_sentence" else texts.HUMAN_SHORT
        if kind == "human_noisy" and self.rng.random() < 0.15:
            pool = texts.HUMAN_SENTENCE
        text = self.pick(texts.for_split(pool, self.split))
        parts = [self.sec(0.1, 0.7), self.speech(text)]
        turn_end_ms = sum(p.size for p in parts) * 1000 // self.rate
        if kind == "human_repeat":
            parts += [
                self.sec(1.4, 2.2),
                self.speech(self.pick(["Hello?", "Hello? Anyone there?", "Hello-o?"])),
            ]
        parts.append(self.sec(3.0, 4.0))
        dbfs = self.rng.uniform(-46, -38) if kind == "human_quiet" else self.rng.uniform(-30, -16)
        if kind == "human_noisy":
            snr = self.rng.uniform(6, 20)
            audio = self.finish(parts, dbfs, snr, self.pick(self.settings["noises"]))
            return Clip(audio, "human", kind, turn_end_ms=turn_end_ms)
        return Clip(self.finish(parts, dbfs), "human", kind, turn_end_ms=turn_end_ms)

    def greeting(self, sentences: list[str]) -> np.ndarray:
        voice = self.pick(self.voices)
        parts: list[np.ndarray] = []
        for i, text in enumerate(sentences):
            if i:
                parts.append(self.sec(0.15, 0.6))
            parts.append(self.speech(text, voice))
        return np.concatenate(parts)

    def long_greeting(self, sentences: list[str], min_s: float = 3.0) -> np.ndarray:
        """A voicemail greeting of at least min_s seconds (slow speakers are not all that long)."""
        words = self.greeting(sentences)
        while words.size < min_s * self.rate:
            closing = self.pick(["Thank you.", "Bye for now.", "I will call you back.", "Thanks."])
            more = self.greeting([closing])
            words = np.concatenate([words, self.sec(0.2, 0.5), more])
        return words

    def machine(self, kind: str) -> Clip:
        if kind == "machine_short":
            words = self.greeting([self.pick(texts.SHORT_MACHINE)])
        else:
            words = self.long_greeting(self.pick(texts.for_split(texts.MACHINE_SENTENCES, self.split)))
        with_beep = kind == "machine_beep" or (kind == "machine_short" and self.rng.random() < 0.7)
        if kind == "machine_music":
            return self.music_machine(words)
        dbfs = self.rng.uniform(-28, -14)
        lead = self.sec(0.05, 1.2)
        parts = [lead, words / (sig.active_rms(words, self.rate) or 1.0)]
        beep_end = None
        if with_beep:
            gap = self.sec(0.1, 1.2)
            beep = sig.tone(
                self.pick(self.settings["beep_hz"]),
                self.rng.uniform(0.2, 1.0),
                self.rate,
                dbfs=self.rng.uniform(-6, 6),  # relative to the speech
            )
            parts += [gap, beep]
            beep_end = sum(p.size for p in parts) * 1000 // self.rate
        parts.append(self.sec(2.5, 3.5))
        snr = self.rng.uniform(15, 35) if self.rng.random() < 0.4 else None
        audio = self.finish(parts, dbfs, snr, self.pick(self.settings["noises"]) if snr else None, 1.0)
        return Clip(audio, "machine", kind, beep_end)

    def music_machine(self, words: np.ndarray) -> Clip:
        with_beep = self.rng.random() < 0.6
        intro = self.rng.uniform(0.0, 1.5)
        words = words / (sig.active_rms(words, self.rate) or 1.0)
        bed_s = intro + words.size / self.rate + 0.3
        bed = sig.music(bed_s, self.rate, self.rng, pure=self.rng.random() < 0.3)
        bed = bed * 10 ** (-self.rng.uniform(6, 14) / 20)
        body = bed.copy()
        start = int(intro * self.rate)
        body[start : start + words.size] += words
        fade = np.linspace(1, 0, min(int(0.05 * self.rate), body.size))
        body[-fade.size :] *= fade
        dbfs = self.rng.uniform(-26, -16)
        parts = [self.sec(0.05, 0.6), body]
        beep_end = None
        if with_beep:
            parts += [
                self.sec(0.1, 1.0),
                sig.tone(
                    self.pick(self.settings["beep_hz"]),
                    self.rng.uniform(0.25, 0.8),
                    self.rate,
                    dbfs=self.rng.uniform(-6, 3),
                )
                * sig.active_rms(body, self.rate),
            ]
            beep_end = sum(p.size for p in parts) * 1000 // self.rate
        parts.append(self.sec(2.5, 3.0))
        return Clip(
            self.finish(parts, dbfs, speech_level=sig.active_rms(body, self.rate)),
            "machine",
            "machine_music",
            beep_end,
        )

    def carrier(self, kind: str) -> Clip:
        sit = [
            sig.tone(913.8, 0.274, self.rate, -10),
            sig.tone(1370.6, 0.274, self.rate, -10),
            sig.tone(1776.7, 0.380, self.rate, -10),
        ]
        message = self.speech(self.pick(texts.CARRIER))
        message = message / (sig.active_rms(message, self.rate) or 1.0) * 10 ** (-10 / 20)
        parts = [
            self.sec(0.1, 0.5),
            *sit,
            self.sec(0.2, 0.4),
            message,
            self.sec(0.5, 1.0),
            *sit,
            self.sec(1, 2),
        ]
        audio = np.concatenate(parts) * 10 ** (self.rng.uniform(-10, 0) / 20)
        audio = audio + self.noise("white", audio.size) * 10 ** (self.rng.uniform(-72, -62) / 20)
        return Clip(audio, "machine", kind)

    def dead_air(self, kind: str) -> Clip:
        n = int(6.5 * self.rate)
        style = self.pick(["digital", "comfort", "hum", "hiss"])
        if style == "digital":
            audio = np.zeros(n)
        elif style == "comfort":
            audio = self.noise("pink", n) * 10 ** (self.rng.uniform(-65, -48) / 20)
        else:
            audio = self.noise("hum" if style == "hum" else "white", n) * 10 ** (
                self.rng.uniform(-55, -42) / 20
            )
        return Clip(audio, "silence", kind)

    def fax(self, kind: str) -> Clip:
        dbfs = self.rng.uniform(-20, -9)
        if kind == "fax_cng":
            parts = [self.sec(0.1, 1.0)]
            for _ in range(3):
                parts += [sig.tone(1100, 0.5, self.rate, dbfs), sig.silence(3.0, self.rate)]
        else:
            parts = [
                self.sec(0.2, 2.5),
                sig.ced_tone(self.rng.uniform(2.6, 3.6), self.rate, dbfs),
                self.sec(1, 2),
            ]
        audio = np.concatenate(parts)
        audio = audio + self.noise("white", audio.size) * 10 ** (self.rng.uniform(-70, -55) / 20)
        return Clip(audio, "fax", kind)

    def build(self, kind: str) -> Clip:
        makers: dict[str, Callable[[str], Clip]] = {
            "human": self.human,
            "machine": self.machine,
            "carrier": self.carrier,
            "dead": self.dead_air,
            "fax": self.fax,
        }
        return makers[kind.split("_")[0]](kind)


def generate(out: Path, split: str, seed: int, rate_hz: int, scale: float) -> int:
    out.mkdir(parents=True, exist_ok=True)
    builder = Builder(split, seed, rate_hz)
    rows = []
    for kind, count in MIX.items():
        for i in range(max(1, round(count * scale))):
            builder.notes = []
            clip = builder.build(kind)
            name = f"{kind}_{i:03d}.wav"
            sig.write_wav(out / name, sig.phone_line(clip.audio), rate_hz)
            rows.append(
                [
                    name,
                    clip.label,
                    "" if clip.beep_end_ms is None else clip.beep_end_ms,
                    clip.kind,
                    " ".join(builder.notes),
                    "" if clip.turn_end_ms is None else clip.turn_end_ms,
                ]
            )
    sig.write_labels(out, rows)
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, required=True, help="output folder (git-ignored, e.g. var/amd-corpus)"
    )
    parser.add_argument("--split", choices=sorted(SPLIT_SETTINGS), default="tune")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=int, choices=[8000, 16000], default=8000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of files per scenario")
    args = parser.parse_args()
    missing = sig.have_tools(texts.VOICES[args.split])
    if missing:
        print(
            f"make_corpus: missing tools: {', '.join(missing)} (apt-get install {' '.join(missing)})",
            file=sys.stderr,
        )
        return 2
    count = generate(args.out, args.split, args.seed, args.rate, args.scale)
    print(f"wrote {count} files and labels.csv to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
