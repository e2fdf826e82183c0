"""Pure answering-machine, fax and beep detection over 16-bit audio frames."""

from ivrd.amd.analyzer import AmdAnalyzer
from ivrd.amd.baseline import AppAmdBaseline
from ivrd.amd.params import FRAME_MS, SUPPORTED_RATES_HZ, AmdParams
from ivrd.amd.policy import AMD_ALWAYS, AMD_HUMAN_ONLY, AMD_VOICEMAIL_ONLY, AmdAction, AmdPlan, plan_call
from ivrd.amd.result import AmdDecision, AmdResult, AmdStage, amd_status, cdr_amd_status, newfies_amd_status

__all__ = [
    "AMD_ALWAYS",
    "AMD_HUMAN_ONLY",
    "AMD_VOICEMAIL_ONLY",
    "FRAME_MS",
    "SUPPORTED_RATES_HZ",
    "AmdAction",
    "AmdAnalyzer",
    "AmdDecision",
    "AmdParams",
    "AmdPlan",
    "AmdResult",
    "AmdStage",
    "AppAmdBaseline",
    "amd_status",
    "cdr_amd_status",
    "newfies_amd_status",
    "plan_call",
]
