"""fs_conf/ laid over a stock-like /etc/freeswitch, checked and walked by frslint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from ivrd import dialplan_vars

ANSI = re.compile(r"\x1b\[[0-9;]*m")
OUR_FILES = {"event_socket.conf.xml", "vars_ivrd.xml", "modules.conf.xml", "00_ivrd_inbound.xml",
             "ivrd_gateway.xml"}


def _frslint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "frslint", *args], capture_output=True, text=True, timeout=60, check=False
    )


def _analyze(freeswitch_xml: Path) -> dict[str, object]:
    result = _frslint("analyze", "--format", "json", str(freeswitch_xml))
    assert "Failed to parse" not in result.stdout, result.stdout
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _dialplan_walk(freeswitch_xml: Path, number: str) -> tuple[list[str], str]:
    """(the actions the public context runs for NUMBER, the whole debug report)."""
    result = _frslint("debug", str(freeswitch_xml), number)
    assert result.returncode == 0, result.stdout + result.stderr
    report = ANSI.sub("", result.stdout)
    walk = report.split("-" * 60, 1)[1]
    actions = [line for line in walk.splitlines() if line and not line.startswith(">")]
    return actions, report


def test_analyze_finds_no_error_in_the_shipped_files(stock_tree: Path) -> None:
    report = _analyze(stock_tree)
    assert report["summary"]["errors"] == 0, report  # type: ignore[index]


def test_analyze_reaches_the_inbound_hook(stock_tree: Path) -> None:
    # A broken copy of the hook must be reported: the clean result above is not vacuous.
    hook = stock_tree.parent / "dialplan" / "public" / "00_ivrd_inbound.xml"
    hook.write_text(hook.read_text(encoding="utf-8").replace("^(5551234)$", "^(5551234$"), encoding="utf-8")
    report = _analyze(stock_tree)
    types = [issue["type"] for issue in report["issues"]]  # type: ignore[attr-defined]
    assert "invalid-regex" in types


def test_lint_finds_no_style_violation(stock_tree: Path) -> None:
    result = _frslint("lint", "--format", "json", str(stock_tree))
    report = json.loads(result.stdout)
    ours = [v for v in report["violations"] if Path(v["file"]).name in OUR_FILES]
    assert ours == []
    assert report["summary"]["files_checked"] >= len(OUR_FILES)


def test_an_inbound_did_reaches_park_with_the_ivrd_variables(stock_tree: Path) -> None:
    actions, report = _dialplan_walk(stock_tree, "5551234")
    ivrd_actions = actions[actions.index("set: ivrd_inbound=true") :]
    assert ivrd_actions == [
        "set: ivrd_inbound=true",
        "set: ivrd_survey=12",
        "set: ivrd_campaign=3",
        "ring_ready",
        "park",
    ]
    variables = dict(a.removeprefix("set: ").split("=", 1) for a in ivrd_actions if a.startswith("set: "))
    assert dialplan_vars.parse_inbound(variables) == dialplan_vars.InboundRequest(
        survey_id=12, survey_template_id=None, campaign_id=3
    )
    assert re.search(r"^\s*ivrd_esl_password = \S+$", report, re.MULTILINE)


def test_a_did_block_runs_its_survey_template(stock_tree: Path) -> None:
    actions, _ = _dialplan_walk(stock_tree, "5552007")
    assert "set: ivrd_survey=template:7" in actions
    assert actions[-1] == "park"


def test_other_numbers_are_left_to_the_rest_of_the_dialplan(stock_tree: Path) -> None:
    actions, _ = _dialplan_walk(stock_tree, "5559999")
    assert actions == ["set: outside_call=true"]
