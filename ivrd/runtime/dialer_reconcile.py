"""Reconciliation: this daemon's open attempts against FreeSWITCH's live channels, after start and reconnect.

For every open attempt of this daemon (`daemon_id`) not handled by the running process:

| attempt row | channel in FreeSWITCH | action                                                         |
|-------------|-----------------------|----------------------------------------------------------------|
| PENDING     | any                   | never dialled (CALLING is committed before sending): deleted,  |
|             |                       | subscriber back to PENDING, nothing counted                    |
| CALLING     | gone                  | ended unseen: final with NORMAL_UNSPECIFIED as a failed        |
|             |                       | attempt (the retry policy may call again, within its budget)   |
| ANSWERED    | gone                  | ended unseen: final with NORMAL_UNSPECIFIED as an answered     |
|             |                       | call (COMPLETED if a completed section was reached, else SENT) |
| CALLING/    | alive                 | adopted and hung up (MANAGER_REQUEST): its survey state is     |
| ANSWERED    |                       | lost; its HANGUP_COMPLETE then finishes it as usual            |

Calls this process still tracks keep going when their channel is alive: a ringing call still gets
its survey when answered, and a call whose survey leg ended with the lost link is hung up politely
by the dispatcher. Only a call answered while the link was down (its survey never started) is
hung up the same way as a leftover.

An attempt is "handled by the running process" while it is planned, being placed, or live with
its originate still awaiting its result on the current link. Subscribers this daemon left
IN_PROCESS without an open attempt go back to PENDING.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivrd.esl import api_commands
from ivrd.esl.errors import EslError
from ivrd.runtime.dialer_calls import ABORT_CAUSE, CallBook
from ivrd.runtime.dialer_outcomes import VANISHED_CAUSE, HangupFacts, record_outcome, refs_for
from ivrd.store import queries_attempts as attempts
from ivrd.store.constants import CallRequestStatus
from ivrd.store.models import CallRequest

if TYPE_CHECKING:
    from ivrd.runtime.daemon import Daemon

log = logging.getLogger(__name__)

ANSWERED_CALLSTATE = "ACTIVE"


@dataclass
class ReconcileReport:
    abandoned: int = 0
    finished: int = 0
    adopted: int = 0
    released: int = 0


def channel_states(text: str) -> dict[str, str] | None:
    """Call state (RINGING, EARLY, ACTIVE, ...) by channel uuid from `show channels as json`
    (None when the reply is not that document)."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict) or "row_count" not in document:
        return None
    rows = document.get("rows") or []
    return {str(row["uuid"]): str(row.get("callstate") or "") for row in rows
            if isinstance(row, dict) and row.get("uuid")}


async def _live_channels(daemon: Daemon, rows: list[CallRequest]) -> dict[str, str]:
    reply = await daemon.client.api(api_commands.show_channels_json())
    found = channel_states(reply)
    if found is not None:
        return found
    log.warning("show channels as json gave no channel list; asking uuid_exists per attempt")
    alive: dict[str, str] = {}
    for row in rows:
        if not row.aleg_uuid:
            continue
        reply = await daemon.client.api(api_commands.uuid_exists(row.aleg_uuid))
        if reply.strip() == "true":
            alive[row.aleg_uuid] = ""
    return alive


async def _hang_up(daemon: Daemon, uuid: str, attempt_id: int) -> bool:
    """uuid_kill; False when FreeSWITCH says the channel does not exist (any more)."""
    try:
        reply = await daemon.client.api(api_commands.uuid_kill(uuid, ABORT_CAUSE))
    except EslError as exc:
        log.warning("attempt %s: could not hang up its orphaned channel: %s", attempt_id, exc)
        return True  # the next reconciliation looks again
    return not reply.startswith("-ERR")


def _busy(book: CallBook, uuid: str) -> bool:
    if uuid in book.planned or uuid in book.placing:
        return True
    live = book.live.get(uuid)
    return live is not None and (not live.job_done or live.finishing)


async def reconcile(daemon: Daemon, book: CallBook, daemon_id: str) -> ReconcileReport:
    """One reconciliation pass (raises EslError when FreeSWITCH cannot be asked)."""
    report = ReconcileReport()
    rows = await daemon.db.run(lambda: attempts.open_attempts_of(daemon_id))
    rows = [row for row in rows if row.aleg_uuid and not _busy(book, row.aleg_uuid)]
    channels = await _live_channels(daemon, rows) if rows else {}
    never_dialled = [row.id for row in rows if row.status == CallRequestStatus.PENDING]
    if never_dialled:
        report.abandoned = await daemon.db.run(lambda: attempts.abandon_attempts(never_dialled))
    dialled = [row for row in rows if row.status != CallRequestStatus.PENDING]
    refs = await daemon.db.run(lambda: refs_for(dialled))
    answered = {row.id for row in dialled if row.status == CallRequestStatus.ANSWERED}
    for ref in refs:
        if book.recently_finished(ref.uuid):
            continue  # ended while this pass was running
        live = book.live.get(ref.uuid)
        facts = HangupFacts(cause=VANISHED_CAUSE, answered=ref.attempt_id in answered)
        if ref.uuid in channels:
            if live is None:
                live = book.adopt(ref, answered=ref.attempt_id in answered)
            elif live.answered or channels[ref.uuid] != ANSWERED_CALLSTATE:
                continue  # its survey leg (or the dispatcher, if the link dropped) deals with it
            else:
                live.answered = True  # answered while the link was down: its survey never started
            report.adopted += 1
            if await _hang_up(daemon, ref.uuid, ref.attempt_id):
                continue
            # The channel was gone after all: finish it here (a no-op if its end was already written).
        if live is not None:
            await book.finish(ref.uuid, live, facts)
        else:
            await daemon.db.run(functools.partial(record_outcome, ref, facts, time.time()))
        report.finished += 1
    report.released = await daemon.db.run(lambda: attempts.release_orphan_claims(daemon_id))
    if report.abandoned or report.finished or report.adopted or report.released:
        log.info("reconciled: %d never dialled, %d ended unseen, %d still on FreeSWITCH (hung up), "
                 "%d subscribers released", report.abandoned, report.finished, report.adopted,
                 report.released)
    return report
