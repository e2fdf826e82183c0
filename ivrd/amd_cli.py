"""`ivrd amd classify|eval`: answering-machine detection on recordings, and its evaluation."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ivrd.amd import AmdAnalyzer, AmdParams, AppAmdBaseline
from ivrd.amd.evaluate import (
    LABEL_CLASSES,
    Detector,
    LabelRow,
    outcome_of,
    per_kind_accuracy,
    run_detector,
    summarize,
)
from ivrd.amd.report import format_report
from ivrd.amd_audio import AmdInputError, read_audio

FILES_HELP = "WAV (any sample format), FLAC, OGG..., or raw 16-bit .r8/.r16/.raw"
CHANNEL_HELP = "the callee's channel of multi-channel files (1 = the first)"
SET_HELP = "override an analyzer parameter, e.g. after_greeting_silence_ms=600 (repeatable)"
CHUNK_MS = 200


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="amd_command", metavar="ACTION", required=True)
    classify = sub.add_parser("classify", help="print one JSON line per recording with the decision")
    classify.add_argument("files", nargs="+", metavar="FILE", help=FILES_HELP)
    classify.add_argument("--rate", type=int, choices=[8000, 16000], help="sample rate of raw files")
    classify.add_argument("--channel", type=int, metavar="N", help=CHANNEL_HELP)
    classify.add_argument("--baseline", action="store_true", help="use the classic app_amd detector")
    classify.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    evaluate = sub.add_parser(
        "eval", help="score the detector against a labels CSV (file,label[,beep_end_ms])"
    )
    evaluate.add_argument("labels", metavar="LABELS.csv")
    evaluate.add_argument("--baseline", action="store_true", help="also run app_amd on the same files")
    evaluate.add_argument("--rate", type=int, choices=[8000, 16000], help="sample rate of raw files")
    evaluate.add_argument("--channel", type=int, metavar="N", help=CHANNEL_HELP)
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    evaluate.add_argument("--errors", action="store_true", help="list misclassified files")


def run(args: argparse.Namespace) -> int:
    try:
        if args.amd_command == "classify":
            return _classify(args)
        return _evaluate(args)
    except AmdInputError as exc:
        print(f"ivrd amd: {exc}", file=sys.stderr)
        return 2


def parse_params(settings: list[str]) -> AmdParams:
    """AmdParams from NAME=VALUE strings; bad names or values raise AmdInputError naming them."""
    values: dict[str, object] = {}
    for setting in settings:
        name, sep, text = setting.partition("=")
        if not sep:
            raise AmdInputError(f"--set {setting!r}: expected NAME=VALUE")
        try:
            values[name.strip()] = float(text) if "." in text else int(text)
        except ValueError:
            raise AmdInputError(f"--set {name}: {text!r} is not a number") from None
    try:
        return AmdParams.from_mapping(values)
    except (TypeError, ValueError) as exc:
        raise AmdInputError(str(exc)) from None


def detector_factory(baseline: bool, params: AmdParams | None = None) -> Callable[[int], Detector]:
    if baseline:
        return lambda rate: AppAmdBaseline(rate, params)
    return lambda rate: AmdAnalyzer(rate, params)


def analyse(path: Path, make: Callable[[int], Detector], args: argparse.Namespace) -> list[Any]:
    samples, rate = read_audio(path, args.rate, args.channel)
    return run_detector(make(rate), samples, rate * CHUNK_MS // 1000)


NO_LABEL = LabelRow(file="", label="unknown", beep_end_ms=None, kind="", line=0)


def _classify(args: argparse.Namespace) -> int:
    make = detector_factory(args.baseline, parse_params(args.set))
    status = 0
    for name in args.files:
        try:
            decisions = analyse(Path(name), make, args)
        except AmdInputError as exc:
            print(f"ivrd amd: {exc}", file=sys.stderr)
            status = 2
            continue
        outcome = outcome_of(NO_LABEL, decisions)
        first, end = outcome.detection, outcome.end
        print(
            json.dumps(
                {
                    "file": name,
                    "result": first.result.value,
                    "cause": first.cause,
                    "decision_ms": first.decision_ms,
                    "revised": outcome.first.result.value if outcome.revised else None,
                    "revised_ms": outcome.first.decision_ms if outcome.revised else None,
                    "end_result": None if end is None else end.result.value,
                    "end_cause": None if end is None else end.cause,
                    "end_ms": None if end is None else end.decision_ms,
                    "beep_end_ms": None if end is None else end.beep_end_ms,
                    "amd_status": first.amd_status,
                }
            )
        )
    return status


LABEL_COLUMNS = ("file", "label", "beep_end_ms", "kind")  # the columns of a file without a header
TIME_COLUMNS = ("beep_end_ms", "turn_end_ms")


def read_labels(path: Path) -> list[LabelRow]:
    """Rows file,label[,beep_end_ms[,kind]]; paths relative to the CSV.

    A first row with a ``file`` column is a header naming the columns; then they may come in
    any order and ``turn_end_ms`` (when a person's first turn of speech ends) may be given too.
    Other columns are ignored.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AmdInputError(f"{path}: cannot read labels ({exc})") from exc
    columns: tuple[str, ...] = LABEL_COLUMNS
    rows: list[LabelRow] = []
    for line_no, fields in enumerate(csv.reader(text.splitlines()), start=1):
        fields = [f.strip() for f in fields]
        if not fields or not any(fields) or fields[0].startswith("#"):
            continue
        if line_no == 1 and "file" in (f.lower() for f in fields):
            columns = _header(path, fields)
            continue
        rows.append(_label_row(path, line_no, dict(zip(columns, fields, strict=False))))
    if not rows:
        raise AmdInputError(f"{path}: no label rows")
    return rows


def _header(path: Path, fields: list[str]) -> tuple[str, ...]:
    columns = tuple(f.lower() for f in fields)
    if "label" not in columns:
        raise AmdInputError(f"{path} line 1: the header has no label column")
    return columns


def _label_row(path: Path, line_no: int, fields: dict[str, str]) -> LabelRow:
    where = f"{path} line {line_no}"
    if not fields.get("file") or "label" not in fields:
        raise AmdInputError(f"{where}: expected file,label[,beep_end_ms]")
    label = fields["label"].lower()
    if label not in LABEL_CLASSES:
        raise AmdInputError(f"{where}: label {fields['label']!r} is not one of {', '.join(LABEL_CLASSES)}")
    times: dict[str, int | None] = {}
    for column in TIME_COLUMNS:
        value = fields.get(column, "")
        try:
            times[column] = int(float(value)) if value else None
        except ValueError:
            raise AmdInputError(f"{where}: {column} {value!r} is not a number") from None
    kind = fields.get("kind") or label
    file = fields["file"] if Path(fields["file"]).is_absolute() else str(path.parent / fields["file"])
    return LabelRow(file, label, times["beep_end_ms"], kind, line_no, times["turn_end_ms"])


def _evaluate(args: argparse.Namespace) -> int:
    rows = read_labels(Path(args.labels))
    params = parse_params(args.set)
    detectors = {"ivrd": detector_factory(False, params)}
    if args.baseline:
        detectors["app_amd"] = detector_factory(True, params)
    summaries: dict[str, dict[str, Any]] = {}
    kinds: dict[str, dict[str, tuple[int, int]]] = {}
    for name, make in detectors.items():
        outcomes = []
        for row in rows:
            try:
                decisions = analyse(Path(row.file), make, args)
            except AmdInputError as exc:
                raise AmdInputError(f"{args.labels} line {row.line}: {exc}") from None
            outcomes.append(outcome_of(row, decisions))
        summaries[name] = summarize(outcomes)
        kinds[name] = per_kind_accuracy(outcomes)
    if args.json:
        print(json.dumps(summaries, indent=2))
        return 0
    print(format_report(summaries, kinds))
    if args.errors:
        for name, summary in summaries.items():
            for error in summary["errors"]:
                wrong = f"expected {error['expected']} got {error['got']} ({error['cause']})"
                print(f"{name}: {error['file']} {wrong}")
    return 0
