"""Answering-machine detection results written onto a call's detail record."""

from __future__ import annotations

from collections.abc import Mapping

from ivrd.store.models import CallRecord

AMD_COLUMNS = ("amd_status", "amd_result", "amd_cause", "amd_decision_ms", "amd_beep_ms")


def set_call_record_amd(callrequest_id: int, callid: str, columns: Mapping[str, object]) -> int:
    """Writes the amd_* columns on the A-leg record of attempt `callrequest_id` on channel `callid`.

    Returns the number of records updated (0 while the record has not been written yet).
    """
    unknown = sorted(set(columns) - set(AMD_COLUMNS))
    if unknown:
        raise ValueError(f"columns: not AMD columns of a call record: {', '.join(unknown)}")
    values = {getattr(CallRecord, name): value for name, value in columns.items()}
    query = CallRecord.update(values).where(
        (CallRecord.callrequest == callrequest_id) & (CallRecord.callid == callid))
    return int(query.execute())
