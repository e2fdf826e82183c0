"""Scores detector decisions against labels: accuracy, per-class precision/recall, timing, beeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ivrd.amd.result import AmdDecision, AmdResult, AmdStage

LABEL_CLASSES = {
    "human": "human",
    "machine": "machine",
    "fax": "fax",
    "silence": "unknown",
    "unknown": "unknown",
}
CLASSES = ("human", "machine", "fax", "unknown")
BEEP_LATE_MS = 300
BEEP_EARLY_MS = -60


class Detector(Protocol):
    done: bool

    @property
    def decisions(self) -> list[AmdDecision]: ...

    def feed(self, audio: npt.NDArray[np.int16]) -> list[AmdDecision]: ...

    def finish(self) -> list[AmdDecision]: ...


@dataclass(frozen=True, slots=True)
class LabelRow:
    file: str
    label: str
    beep_end_ms: int | None
    kind: str
    line: int
    turn_end_ms: int | None = None  # a person's: when their first turn of speech ends

    @property
    def expected(self) -> str:
        return LABEL_CLASSES[self.label]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One file's decisions: the final detection, the end of greeting, the first verdict."""

    row: LabelRow
    detection: AmdDecision
    end: AmdDecision | None
    first: AmdDecision

    @property
    def revised(self) -> bool:
        """A human verdict was replaced by a machine after it (beep or greeting going on)."""
        return self.first is not self.detection

    @property
    def predicted(self) -> str:
        result = self.detection.result
        return "machine" if result.is_machine else result.value

    @property
    def beep_reported(self) -> bool:
        return self.end is not None and self.end.result is AmdResult.MACHINE_END_BEEP

    @property
    def beep_error_ms(self) -> int | None:
        if not self.beep_reported or self.row.beep_end_ms is None or self.end is None:
            return None
        return self.end.decision_ms - self.row.beep_end_ms


def run_detector(detector: Detector, samples: npt.NDArray[np.int16], chunk_samples: int) -> list[AmdDecision]:
    """Feeds a whole recording in chunks until the detector is done, then settles it."""
    for start in range(0, samples.size, chunk_samples):
        detector.feed(samples[start : start + chunk_samples])
        if detector.done:
            break
    detector.finish()
    return detector.decisions


def outcome_of(row: LabelRow, decisions: Sequence[AmdDecision]) -> Outcome:
    detections = [d for d in decisions if d.stage is AmdStage.DETECT]
    ends = [d for d in decisions if d.stage is AmdStage.END_OF_GREETING]
    end = ends[-1] if ends else None
    return Outcome(row, detections[-1], end, detections[0])


def _stats(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "median": None, "p90": None, "max": None}
    array = np.asarray(values, dtype=float)
    return {
        "n": len(values),
        "median": float(np.median(array)),
        "p90": float(np.percentile(array, 90)),
        "max": float(array.max()),
    }


def summarize(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Every figure of the evaluation report, as plain data."""
    total = len(outcomes)
    correct = sum(o.predicted == o.row.expected for o in outcomes)
    per_class: dict[str, dict[str, float | int | None]] = {}
    for cls in CLASSES:
        truth = [o for o in outcomes if o.row.expected == cls]
        said = [o for o in outcomes if o.predicted == cls]
        hits = sum(o.predicted == cls for o in truth)
        per_class[cls] = {
            "n": len(truth),
            "precision": hits / len(said) if said else None,
            "recall": hits / len(truth) if truth else None,
        }
    humans = [o for o in outcomes if o.row.expected == "human"]
    timing = {
        cls: _stats(
            [o.detection.decision_ms for o in outcomes if o.row.expected == cls and o.predicted == cls]
        )
        for cls in CLASSES
    }
    answered = [o.detection for o in humans if o.predicted == "human"]
    answered = [d for d in answered if d.cause.startswith("HUMAN-")]
    reactions = [int(d.cause.split("-")[1]) for d in answered]
    speech_ends = [d.decision_ms - silence_ms for d, silence_ms in zip(answered, reactions, strict=True)]
    with_beep = [o for o in outcomes if o.row.beep_end_ms is not None]
    errors = [e for o in with_beep if (e := o.beep_error_ms) is not None]
    in_time = [e for e in errors if BEEP_EARLY_MS <= e <= BEEP_LATE_MS]
    machines_with_beep = [o for o in with_beep if o.predicted == "machine"]
    false_beeps = [o.row.file for o in outcomes if o.row.beep_end_ms is None and o.beep_reported]
    revised = [o for o in outcomes if o.revised]
    return {
        **_turn_figures(humans),
        "files": total,
        "accuracy": correct / total if total else None,
        "humans_called_machine": (
            sum(o.predicted == "machine" for o in humans) / len(humans) if humans else None
        ),
        "per_class": per_class,
        "human_silence_to_decision_ms": _stats(reactions),
        "human_speech_end_ms": _stats(speech_ends),
        "revised_after_human": {
            "machines": sum(o.row.expected == "machine" for o in revised),
            "others": sum(o.row.expected != "machine" for o in revised),
            "first_verdict_accuracy": (
                sum(_first_class(o) == o.row.expected for o in outcomes) / total if total else None
            ),
        },
        "decision_ms": timing,
        "beeps": {
            "n": len(with_beep),
            "reported": len(errors) / len(with_beep) if with_beep else None,
            "found_in_time": len(in_time) / len(with_beep) if with_beep else None,
            "found_in_time_of_machines": (
                len(in_time) / len(machines_with_beep) if machines_with_beep else None
            ),
            "drop_minus_beep_end_ms": _stats(errors),
            "false_beeps": false_beeps,
        },
        "errors": [
            {
                "file": o.row.file,
                "kind": o.row.kind,
                "expected": o.row.expected,
                "got": o.detection.result.value,
                "cause": o.detection.cause,
            }
            for o in outcomes
            if o.predicted != o.row.expected
        ],
    }


def _turn_figures(humans: Sequence[Outcome]) -> dict[str, object]:
    """Where labels say when each person's first turn ends: how long that takes (no detector that
    waits for people to finish can be quicker) and how long after it the verdict came (negative:
    while they were still talking)."""
    labelled = [o for o in humans if o.row.turn_end_ms is not None]
    lags = [
        o.detection.decision_ms - (o.row.turn_end_ms or 0) for o in labelled if o.predicted == "human"
    ]
    return {
        "human_turn_end_ms": _stats([o.row.turn_end_ms or 0 for o in labelled]),
        "human_turn_end_to_decision_ms": _stats(lags),
        "humans_decided_while_talking": sum(lag < 0 for lag in lags),
    }


def _first_class(outcome: Outcome) -> str:
    return "machine" if outcome.first.result.is_machine else outcome.first.result.value


def per_kind_accuracy(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    """kind -> (correct, total)."""
    table: dict[str, tuple[int, int]] = {}
    for o in outcomes:
        right, seen = table.get(o.row.kind, (0, 0))
        table[o.row.kind] = (right + (o.predicted == o.row.expected), seen + 1)
    return table
