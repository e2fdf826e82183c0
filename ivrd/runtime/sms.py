"""Sends queued SMS messages through their campaign's HTTP SMS gateway, with retries; none is lost.

A message row moves unsent → sending → sent, or back to unsent with `attempts` + 1 and
`last_error` after a failed try, and to failed after `max_attempts`. Claiming a row is a
conditional update, so several daemons on one database never send the same message twice; a
row left in `sending` by a killed daemon returns to unsent after `stale_after_s`.

Gateway templates (`url_template`, `body_template`) take `{destination}`, `{text}`, `{sender}`
raw, `{destination_url}`, `{text_url}`, `{sender_url}` percent-encoded for URLs, and
`{destination_json}`, `{text_json}`, `{sender_json}` as JSON string literals for JSON bodies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivrd.store.models import SmsGateway, SmsMessage, utc_now

if TYPE_CHECKING:
    from ivrd.runtime.daemon import Daemon
    from ivrd.runtime.dbwriter import DbWriter

log = logging.getLogger(__name__)

UNSENT, SENDING, SENT, FAILED = "unsent", "sending", "sent", "failed"


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def template_values(message: SmsMessage) -> dict[str, str]:
    raw = {"destination": message.destination, "text": message.text, "sender": message.sender}
    values = dict(raw)
    for name, value in raw.items():
        values[f"{name}_url"] = urllib.parse.quote(value, safe="")
        values[f"{name}_json"] = json.dumps(value)
    return values


def render(template: str, values: Mapping[str, str]) -> str:
    """Fills `{name}` placeholders; unknown names become empty, literal braces are `{{`/`}}`."""
    return template.format_map(_Blank(values))


@dataclass(frozen=True)
class SmsRequest:
    method: str
    url: str
    body: bytes | None
    headers: dict[str, str]


def build_request(gateway: SmsGateway, message: SmsMessage) -> SmsRequest:
    values = template_values(message)
    method = (gateway.method or "POST").upper()
    body = None
    if method != "GET" and gateway.body_template:
        body = render(gateway.body_template, values).encode()
    headers = json.loads(gateway.headers or "{}")
    if not isinstance(headers, dict):
        raise ValueError("headers: must be a JSON object")
    fields = {str(name): str(value) for name, value in headers.items()}
    return SmsRequest(method, render(gateway.url_template, values), body, fields)


def deliver(request: SmsRequest, timeout_s: float) -> None:
    """One HTTP try; raises with a readable reason on a non-2xx answer or a network error."""
    outgoing = urllib.request.Request(request.url, data=request.body, headers=request.headers,
                                      method=request.method)
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RuntimeError(f"unreachable: {getattr(exc, 'reason', exc)}") from None


class SmsSender:
    """The daemon component that drains the SMS queue."""

    name = "sms"

    def __init__(self, *, poll_interval_s: float = 2.0, max_attempts: int = 5, retry_base_s: float = 30.0,
                 timeout_s: float = 10.0, stale_after_s: float = 300.0, batch: int = 50) -> None:
        self.poll_interval_s = poll_interval_s
        self.max_attempts = max_attempts
        self.retry_base_s = retry_base_s
        self.timeout_s = timeout_s
        self.stale_after_s = stale_after_s
        self.batch = batch

    async def run(self, daemon: Daemon) -> None:
        while True:
            try:
                await self.send_due(daemon.db)
            except Exception:
                log.exception("SMS sender: pass failed; trying again later")
            await asyncio.sleep(self.poll_interval_s)

    def _claim_due(self) -> list[int]:
        """Returns the stale `sending` rows to the queue, then claims the messages due now."""
        now = utc_now()
        stale = now - dt.timedelta(seconds=self.stale_after_s)
        SmsMessage.update(status=UNSENT).where(SmsMessage.status == SENDING,
                                               SmsMessage.updated_date < stale).execute()
        claimed: list[int] = []
        for message in SmsMessage.select().where(SmsMessage.status == UNSENT).order_by(SmsMessage.id):
            if len(claimed) >= self.batch:
                break
            wait_s = self.retry_base_s * (2 ** (message.attempts - 1)) if message.attempts else 0.0
            if message.updated_date + dt.timedelta(seconds=wait_s) > now:
                continue
            taken = SmsMessage.update(status=SENDING, updated_date=now).where(
                SmsMessage.id == message.id, SmsMessage.status == UNSENT).execute()
            if taken:
                claimed.append(message.id)
        return claimed

    def _prepare(self, message_id: int) -> SmsRequest | str:
        message = SmsMessage.get_by_id(message_id)
        gateway = None
        if message.sms_gateway_id is not None:
            gateway = SmsGateway.get_or_none(SmsGateway.id == message.sms_gateway_id)
        if gateway is None or gateway.status != 1 or not gateway.url_template:
            return "no active SMS gateway for this campaign"
        try:
            return build_request(gateway, message)
        except (ValueError, KeyError, IndexError) as exc:
            return f"gateway template: {exc}"

    def _record(self, message_id: int, error: str | None, *, final: bool = False) -> None:
        now = utc_now()
        message = SmsMessage.get_by_id(message_id)
        if error is None:
            message.status, message.sent_at, message.last_error = SENT, now, ""
        else:
            message.last_error = error[:1000]
            message.status = FAILED if final or message.attempts + 1 >= self.max_attempts else UNSENT
        message.attempts += 1
        message.updated_date = now
        message.save()

    async def send_due(self, db: DbWriter) -> int:
        """One pass: claims what is due, sends each message, records the outcome. Returns tries."""
        claimed = await db.run(self._claim_due)
        for message_id in claimed:
            prepared = await db.run(lambda m=message_id: self._prepare(m))  # type: ignore[misc]
            if isinstance(prepared, str):
                log.warning("SMS %d not sent: %s", message_id, prepared)
                await db.run(lambda m=message_id, e=prepared: self._record(m, e, final=True))  # type: ignore[misc]
                continue
            try:
                await asyncio.to_thread(deliver, prepared, self.timeout_s)
                error = None
            except RuntimeError as exc:
                error = str(exc)
                log.warning("SMS %d to %s failed: %s", message_id, prepared.url.split("?")[0], error)
            await db.run(lambda m=message_id, e=error: self._record(m, e))  # type: ignore[misc]
        return len(claimed)


def install_sms_sender(daemon: Daemon) -> SmsSender:
    sender = SmsSender()
    daemon.add_component(sender)
    return sender
