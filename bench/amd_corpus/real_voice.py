"""A labelled AMD check on real recorded voices: Asterisk's prompt recordings (Debian packages).

    apt-get install asterisk-core-sounds-en-wav asterisk-core-sounds-es-wav asterisk-core-sounds-fr-wav
    .venv/bin/python bench/amd_corpus/real_voice.py --out var/amd-corpus/real --seed 7
    .venv/bin/ivrd amd eval var/amd-corpus/real/labels.csv --baseline

People say "hello" or "hello world" (English, French; Spanish "hello world") recorded by two
professional speakers, at various speeds, levels and starts, some in line noise, some twice.
Machines play the greeting of Asterisk's own voicemail ("The person at extension 4 2 1 7 is
unavailable. Please leave your message after the tone...", or "Nobody is available...") with
Asterisk's recorded beep, or without a beep. Nothing here was used to tune the detector; the
speech is human, not synthetic, but there are only a few distinct utterances.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signals as sig

RATE_HZ = 8000
VOICES = ("en_US_f_Allison", "es_MX_f_Allison", "fr_CA_f_June")
HUMAN_CLIPS = ("hello", "hello-world")


class Sounds:
    """Reads the prompt recordings of one voice folder, optionally at another tempo (sox)."""

    def __init__(self, root: Path, rng: np.random.Generator) -> None:
        self.root = root
        self.rng = rng
        self.voices = [v for v in VOICES if (root / v / "vm-intro.wav").is_file()]

    def load(self, voice: str, name: str, tempo: float = 1.0) -> np.ndarray:
        path = self.root / voice / f"{name}.wav"
        if tempo == 1.0:
            audio, rate = soundfile.read(str(path), dtype="float64")
            if rate != RATE_HZ:
                raise SystemExit(f"real_voice: {path} is {rate} Hz, expected {RATE_HZ}")
            return sig.trim(audio)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "t.wav"
            subprocess.run(["sox", "-D", str(path), str(out), "tempo", "-s", f"{tempo:.3f}"], check=True)
            audio, _ = soundfile.read(str(out), dtype="float64")
        return sig.trim(audio)

    def has(self, voice: str, name: str) -> bool:
        return (self.root / voice / f"{name}.wav").is_file()

    def sec(self, low: float, high: float) -> np.ndarray:
        return sig.silence(self.rng.uniform(low, high), RATE_HZ)


def finish(parts: list[np.ndarray], dbfs: float, rng: np.random.Generator, snr_db: float | None
           ) -> np.ndarray:
    audio = np.concatenate(parts)
    audio = audio * (10 ** (dbfs / 20) / (sig.active_rms(audio, RATE_HZ) or 1.0))
    if snr_db is not None:
        kind = str(rng.choice(["white", "pink", "brown"]))
        audio = audio + sig.noise(kind, audio.size / RATE_HZ + 0.01, RATE_HZ, rng)[: audio.size] * 10 ** (
            (dbfs - snr_db) / 20
        )
    floor = sig.noise("white", audio.size / RATE_HZ + 0.01, RATE_HZ, rng)[: audio.size]
    return audio + floor * 10 ** (rng.uniform(-72, -62) / 20)


def person(s: Sounds) -> tuple[np.ndarray, int, str]:
    rng = s.rng
    voice = str(rng.choice([v for v in s.voices if any(s.has(v, c) for c in HUMAN_CLIPS)]))
    clip = str(rng.choice([c for c in HUMAN_CLIPS if s.has(voice, c)]))
    tempo = float(rng.uniform(0.85, 1.2))
    parts = [s.sec(0.1, 0.7), s.load(voice, clip, tempo)]
    turn_end_ms = sum(p.size for p in parts) * 1000 // RATE_HZ
    twice = rng.random() < 0.25
    if twice:
        parts += [s.sec(1.4, 2.2), s.load(voice, clip, tempo)]
    parts.append(s.sec(3.0, 4.0))
    snr = float(rng.uniform(8, 20)) if rng.random() < 0.35 else None
    audio = finish(parts, float(rng.uniform(-30, -16)), rng, snr)
    noise = f" noise@{snr:.0f}dB" if snr else ""
    return audio, turn_end_ms, f"{voice} {clip} x{tempo:.2f}{' twice' if twice else ''}{noise}"


def greeting(s: Sounds, voice: str) -> np.ndarray:
    rng = s.rng
    if rng.random() < 0.6:
        digits = [s.load(voice, f"digits/{int(d)}") for d in rng.integers(0, 10, int(rng.integers(3, 5)))]
        spoken = [s.load(voice, "vm-theperson"), *digits, s.load(voice, "vm-isunavail")]
    else:
        spoken = [s.load(voice, "vm-nobodyavail")]
    spoken += [s.sec(0.3, 0.7), s.load(voice, "vm-intro")]
    parts: list[np.ndarray] = []
    for piece in spoken:
        parts += [piece, s.sec(0.05, 0.2)]
    return np.concatenate(parts)


def machine(s: Sounds) -> tuple[np.ndarray, int | None, str]:
    rng = s.rng
    voice = str(rng.choice(s.voices))
    parts = [s.sec(0.05, 1.0), greeting(s, voice)]
    beep_end_ms = None
    with_beep = rng.random() < 0.75
    if with_beep:
        beep = s.load(voice, "beep")  # trimmed: it ends where the tone ends
        parts += [s.sec(0.1, 1.0), beep * (10 ** (rng.uniform(-6, 3) / 20))]
        beep_end_ms = sum(p.size for p in parts) * 1000 // RATE_HZ
    parts.append(s.sec(2.5, 3.5))
    snr = float(rng.uniform(15, 35)) if rng.random() < 0.4 else None
    audio = finish(parts, float(rng.uniform(-28, -14)), rng, snr)
    return audio, beep_end_ms, f"{voice}{' beep' if with_beep else ''}{f' noise@{snr:.0f}dB' if snr else ''}"


def generate(out: Path, sounds_root: Path, seed: int, people: int, machines: int) -> int:
    rng = np.random.default_rng(seed)
    s = Sounds(sounds_root, rng)
    if not s.voices:
        raise SystemExit(f"real_voice: no Asterisk prompt recordings under {sounds_root} "
                         "(apt-get install asterisk-core-sounds-en-wav)")
    out.mkdir(parents=True, exist_ok=True)
    rows: list[list[object]] = []
    for i in range(people):
        audio, turn_end_ms, note = person(s)
        name = f"real_human_{i:03d}.wav"
        sig.write_wav(out / name, sig.phone_line(audio), RATE_HZ)
        rows.append([name, "human", "", "real_human", note, turn_end_ms])
    for i in range(machines):
        audio, beep_end_ms, note = machine(s)
        name = f"real_machine_{i:03d}.wav"
        sig.write_wav(out / name, sig.phone_line(audio), RATE_HZ)
        kind = "real_machine_beep" if beep_end_ms is not None else "real_machine_nobeep"
        rows.append([name, "machine", "" if beep_end_ms is None else beep_end_ms, kind, note])
    sig.write_labels(out, rows)
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sounds", type=Path, default=Path("/usr/share/asterisk/sounds"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--machines", type=int, default=60)
    args = parser.parse_args()
    count = generate(args.out, args.sounds, args.seed, args.people, args.machines)
    print(f"wrote {count} files and labels.csv to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
