"""The analyzer meets its acceptance figures on the generated corpus, far ahead of app_amd."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ivrd.amd import AmdAnalyzer, AppAmdBaseline
from ivrd.amd.evaluate import outcome_of, run_detector, summarize
from ivrd.amd_audio import read_audio
from ivrd.amd_cli import read_labels
from ivrd.cli import main


def evaluate(corpus: Path, baseline: bool = False) -> dict[str, Any]:
    outcomes = []
    for row in read_labels(corpus / "labels.csv"):
        samples, rate = read_audio(Path(row.file))
        detector = AppAmdBaseline(rate) if baseline else AmdAnalyzer(rate)
        outcomes.append(outcome_of(row, run_detector(detector, samples, rate // 5)))
    return summarize(outcomes)


@pytest.fixture(scope="module")
def figures(amd_corpus: Path) -> dict[str, Any]:
    return evaluate(amd_corpus)


def test_the_corpus_has_every_kind_of_answer(amd_corpus: Path) -> None:
    labels = {row.label for row in read_labels(amd_corpus / "labels.csv")}
    assert labels == {"human", "machine", "fax", "silence"}


def test_accuracy_and_people_taken_for_machines(figures: dict[str, Any]) -> None:
    assert figures["accuracy"] >= 0.95, figures["errors"]
    assert figures["humans_called_machine"] <= 0.02, figures["errors"]
    assert figures["per_class"]["fax"]["recall"] == 1.0
    assert figures["per_class"]["unknown"]["recall"] == 1.0


def test_people_are_answered_quickly(figures: dict[str, Any]) -> None:
    assert figures["decision_ms"]["human"]["median"] <= 1500
    assert figures["decision_ms"]["human"]["p90"] <= 2000


def test_no_person_waits_long_after_finishing_their_greeting(figures: dict[str, Any]) -> None:
    """Regulators allow 2 s from the end of a person's greeting to the first sound they hear."""
    assert figures["human_turn_end_ms"]["n"] == figures["per_class"]["human"]["n"]
    assert figures["human_turn_end_to_decision_ms"]["max"] <= 1000


def test_beeps_are_found_in_time_and_never_invented(figures: dict[str, Any]) -> None:
    beeps = figures["beeps"]
    assert beeps["found_in_time_of_machines"] >= 0.95
    assert beeps["found_in_time"] >= 0.95
    assert beeps["drop_minus_beep_end_ms"]["max"] <= 300
    assert beeps["false_beeps"] == []


def test_app_amd_baseline_is_clearly_worse_on_the_same_files(
    amd_corpus: Path, figures: dict[str, Any]
) -> None:
    baseline = evaluate(amd_corpus, baseline=True)
    assert baseline["humans_called_machine"] > 0.1
    assert figures["accuracy"] > baseline["accuracy"] + 0.1


def test_eval_command_reports_both_detectors(amd_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["amd", "eval", str(amd_corpus / "labels.csv"), "--baseline", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"ivrd", "app_amd"}
    assert report["ivrd"]["files"] == report["app_amd"]["files"] > 150


def test_human_verdicts_are_revised_for_machines_only(figures: dict[str, Any]) -> None:
    revised = figures["revised_after_human"]
    assert revised["machines"] >= 3  # short greetings with a pause before their beep
    assert revised["others"] == 0
