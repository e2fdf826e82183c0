"""Formats an evaluation summary (ours and the app_amd baseline side by side) as text."""

from __future__ import annotations

from typing import Any

from ivrd.amd.evaluate import CLASSES


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * value:5.1f}%"


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value:6.0f}"


def _turn_rows(row: Any, turn_ends: dict[str, Any], lags: list[dict[str, Any]]) -> None:
    n = len(lags)
    row(f"human: first turn ends, median (n={turn_ends['n']})", [_ms(turn_ends["median"])] * n)
    row("human: first turn ends, p90", [_ms(turn_ends["p90"])] * n)
    row("human: end of turn to decision median", [_ms(lag["median"]) for lag in lags])
    row("human: end of turn to decision p90", [_ms(lag["p90"]) for lag in lags])
    row("human: end of turn to decision max", [_ms(lag["max"]) for lag in lags])


def format_report(columns: dict[str, dict[str, Any]], kinds: dict[str, dict[str, tuple[int, int]]]) -> str:
    """``columns`` maps a detector name to its summarize() result; ``kinds`` to per-kind tallies."""
    names = list(columns)
    width = max(14, *(len(n) + 2 for n in names))
    lines = [f"{'':34}" + "".join(f"{n:>{width}}" for n in names)]

    def row(title: str, cells: list[str]) -> None:
        lines.append(f"{title:34}" + "".join(f"{c:>{width}}" for c in cells))

    first = columns[names[0]]
    row("files", [str(c["files"]) for c in columns.values()])
    row("accuracy", [_pct(c["accuracy"]) for c in columns.values()])
    row("humans called machine", [_pct(c["humans_called_machine"]) for c in columns.values()])
    for cls in CLASSES:
        if not first["per_class"][cls]["n"]:
            continue
        n = first["per_class"][cls]["n"]
        row(f"{cls} (n={n}) precision", [_pct(c["per_class"][cls]["precision"]) for c in columns.values()])
        row(f"{cls} recall", [_pct(c["per_class"][cls]["recall"]) for c in columns.values()])
    for cls in CLASSES:
        if not first["per_class"][cls]["n"]:
            continue
        row(f"{cls} decision median ms", [_ms(c["decision_ms"][cls]["median"]) for c in columns.values()])
        row(f"{cls} decision p90 ms", [_ms(c["decision_ms"][cls]["p90"]) for c in columns.values()])
    reaction = [c["human_silence_to_decision_ms"] for c in columns.values()]
    row("human: end of speech to decision median", [_ms(r["median"]) for r in reaction])
    row("human: end of speech to decision max", [_ms(r["max"]) for r in reaction])
    ends = [c.get("human_speech_end_ms", {}) for c in columns.values()]
    row("human: speech before the verdict ends, median ms", [_ms(e.get("median")) for e in ends])
    row("human: speech before the verdict ends, p90 ms", [_ms(e.get("p90")) for e in ends])
    if first["human_turn_end_ms"]["n"]:
        lags = [c["human_turn_end_to_decision_ms"] for c in columns.values()]
        _turn_rows(row, first["human_turn_end_ms"], lags)
        talking = [str(c["humans_decided_while_talking"]) for c in columns.values()]
        row("human: decided while still talking", talking)
    beeps = [c["beeps"] for c in columns.values()]
    if first["beeps"]["n"]:
        row(f"beeps (n={first['beeps']['n']}) reported", [_pct(b["reported"]) for b in beeps])
        row("beeps found, drop <= 300 ms", [_pct(b["found_in_time"]) for b in beeps])
        row("  of files detected as machine", [_pct(b["found_in_time_of_machines"]) for b in beeps])
        row("drop - beep end median ms", [_ms(b["drop_minus_beep_end_ms"]["median"]) for b in beeps])
        row("drop - beep end p90 ms", [_ms(b["drop_minus_beep_end_ms"]["p90"]) for b in beeps])
        row("drop - beep end max ms", [_ms(b["drop_minus_beep_end_ms"]["max"]) for b in beeps])
    row("beeps reported on no-beep files", [str(len(b["false_beeps"])) for b in beeps])
    revised = [c["revised_after_human"] for c in columns.values()]
    row("human verdicts revised: machines", [str(r["machines"]) for r in revised])
    row("human verdicts revised: others", [str(r["others"]) for r in revised])
    row("accuracy of the first verdict", [_pct(r["first_verdict_accuracy"]) for r in revised])
    if any(len(k) > 1 for k in kinds.values()):
        lines.append("")
        lines.append("accuracy per kind")
        for kind in sorted(kinds[names[0]]):
            row(f"  {kind}", [f"{k[kind][0]}/{k[kind][1]}" if kind in k else "-" for k in kinds.values()])
    return "\n".join(lines)
