"""`ivrd amd classify` and `ivrd amd eval` on small files, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from ivrd.amd import AmdParams
from ivrd.cli import main
from tests.unit.amd.signals import pcm, silence, speech, tone


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    soundfile.write(
        tmp_path / "person.wav", pcm(silence(0.3), speech(0.5, seed=2), silence(3.0)), 8000, subtype="PCM_16"
    )
    machine = pcm(speech(6.0, seed=4), silence(0.4), tone(1000, 0.5), silence(2.0))
    (tmp_path / "machine.r8").write_bytes(machine.astype("<i2").tobytes())
    (tmp_path / "dead.raw").write_bytes(pcm(silence(6.0)).astype("<i2").tobytes())
    return tmp_path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["amd", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_classify_prints_one_json_line_per_file(recordings: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(recordings / name) for name in ("person.wav", "machine.r8")]
    status, out, _ = run_cli(capsys, "classify", *files)
    assert status == 0
    person, machine = (json.loads(line) for line in out.splitlines())
    assert person["file"] == files[0] and person["result"] == "human" and person["beep_end_ms"] is None
    assert person["cause"].startswith("HUMAN-") and person["decision_ms"] > 0
    assert machine["result"] == "machine_start" and machine["end_result"] == "machine_end_beep"
    assert abs(machine["beep_end_ms"] - 6900) <= 50


def test_raw_files_need_a_rate_unless_the_extension_tells(
    recordings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(capsys, "classify", str(recordings / "dead.raw"))
    assert status == 2 and "dead.raw" in err and "--rate" in err
    status, out, _ = run_cli(capsys, "classify", "--rate", "8000", str(recordings / "dead.raw"))
    assert status == 0 and json.loads(out)["result"] == "unknown"


def test_classify_names_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.wav").write_bytes(b"not a wav file")
    stereo = tmp_path / "stereo.wav"
    soundfile.write(stereo, np.zeros((800, 2), dtype=np.int16), 8000, subtype="PCM_16")
    status, _, err = run_cli(capsys, "classify", str(tmp_path / "broken.wav"), str(stereo))
    assert status == 2
    assert "broken.wav: cannot read audio" in err
    assert "stereo.wav: 2 channels: choose the callee's with --channel 1..2" in err
    status, _, err = run_cli(capsys, "classify", "--channel", "3", str(stereo))
    assert status == 2 and "stereo.wav: --channel 3: the file has 2 channel(s)" in err


def test_recordings_in_other_formats_and_rates_give_the_same_decision(
    recordings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A call recorder's mu-law WAV, or a 44.1 kHz two-channel float WAV with the callee on the
    right: decoded, the callee's channel taken, resampled to 8 kHz."""
    person = pcm(silence(0.3), speech(0.5, seed=2), silence(3.0))
    soundfile.write(recordings / "ulaw.wav", person, 8000, subtype="ULAW")
    wide = np.repeat(person.astype(np.float64) / 32768.0, 441 * 2)[::160]  # 8 kHz -> 44.1 kHz, held
    prompt = 0.3 * np.sin(2 * np.pi * 1000.0 * np.arange(wide.size) / 44100.0)  # our side: a tone
    soundfile.write(recordings / "both.wav", np.stack([prompt, wide], axis=1), 44100, subtype="FLOAT")
    files = [str(recordings / name) for name in ("person.wav", "ulaw.wav", "both.wav")]
    status, out, _ = run_cli(capsys, "classify", "--channel", "2", *files)
    assert status == 0
    reference, ulaw, both = (json.loads(line) for line in out.splitlines())
    assert reference["result"] == ulaw["result"] == both["result"] == "human"
    assert abs(ulaw["decision_ms"] - reference["decision_ms"]) <= 20
    assert abs(both["decision_ms"] - reference["decision_ms"]) <= 40
    status, out, _ = run_cli(capsys, "classify", "--channel", "1", files[2])
    assert status == 0 and json.loads(out)["result"] != "human"  # the tone is no person


def test_eval_reports_figures_for_both_detectors(
    recordings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = recordings / "labels.csv"
    labels.write_text(
        "file,label,beep_end_ms\nperson.wav,human,\nmachine.r8,machine,6900\ndead.raw,silence,\n"
    )
    status, out, _ = run_cli(capsys, "eval", "--rate", "8000", "--baseline", "--json", str(labels))
    assert status == 0
    report = json.loads(out)
    assert report["ivrd"]["accuracy"] == 1.0
    assert report["ivrd"]["beeps"]["found_in_time"] == 1.0
    assert report["app_amd"]["per_class"]["unknown"]["recall"] == 0.0  # dead air: app_amd says machine
    status, text, _ = run_cli(capsys, "eval", "--rate", "8000", "--baseline", str(labels))
    assert status == 0 and "accuracy" in text and "app_amd" in text and "humans called machine" in text


def test_eval_reads_columns_by_header_and_reports_turn_ends(
    recordings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = recordings / "labels.csv"
    labels.write_text("kind,turn_end_ms,label,file,note\nhello,800,human,person.wav,x\n")
    status, out, _ = run_cli(capsys, "eval", "--json", str(labels))
    assert status == 0
    report = json.loads(out)["ivrd"]
    assert report["human_turn_end_ms"]["median"] == 800
    lag = report["human_turn_end_to_decision_ms"]["median"]
    pause_ms = AmdParams().short_greeting_silence_ms
    assert pause_ms <= lag <= 600  # the person's verdict comes after their turn, not during it
    assert report["humans_decided_while_talking"] == 0
    status, text, _ = run_cli(capsys, "eval", str(labels))
    assert status == 0 and "end of turn to decision" in text
    labels.write_text("file,label,turn_end_ms\nperson.wav,human,soon\n")
    status, _, err = run_cli(capsys, "eval", str(labels))
    assert status == 2 and "line 2: turn_end_ms 'soon' is not a number" in err
    labels.write_text("file,verdict\nperson.wav,human\n")
    status, _, err = run_cli(capsys, "eval", str(labels))
    assert status == 2 and "line 1: the header has no label column" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("person.wav,person\n", "line 1: label 'person' is not one of"),
        ("file,label\nperson.wav\n", "line 2: expected file,label"),
        ("person.wav,machine,soon\n", "line 1: beep_end_ms 'soon' is not a number"),
        ("missing.wav,human\n", "missing.wav: cannot read audio"),
        ("", "no label rows"),
    ],
)
def test_eval_names_the_bad_row(
    recordings: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    labels = recordings / "bad.csv"
    labels.write_text(content)
    status, _, err = run_cli(capsys, "eval", str(labels))
    assert status == 2
    assert str(labels) in err and message in err


def test_eval_names_a_missing_labels_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "eval", str(tmp_path / "nope.csv"))
    assert status == 2 and "nope.csv: cannot read labels" in err


def test_parameters_can_be_overridden_and_bad_ones_are_named(
    recordings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = str(recordings / "person.wav")
    status, out, _ = run_cli(capsys, "classify", "--set", "short_greeting_silence_ms=900", person)
    assert status == 0 and json.loads(out)["cause"].endswith("-900")
    for bad, named in [("greeting=1", "greeting"), ("greeting_ms=soon", "greeting_ms"), ("x", "NAME=VALUE")]:
        status, _, err = run_cli(capsys, "classify", "--set", bad, person)
        assert status == 2 and named in err
