"""Pure answering-machine, fax and beep detection over 16-bit audio frames."""

from ivrd.amd.analyzer import AmdAnalyzer
from ivrd.amd.baseline import AppAmdBaseline
from ivrd.amd.params import AmdParams
from ivrd.amd.result import AmdDecision, AmdResult, AmdStage, amd_status, cdr_amd_status, newfies_amd_status

__all__ = [
    "AmdAnalyzer",
    "AmdDecision",
    "AmdParams",
    "AmdResult",
    "AmdStage",
    "AppAmdBaseline",
    "amd_status",
    "cdr_amd_status",
    "newfies_amd_status",
]
