"""The SMS sender: templates filled, sent once, failures retried then recorded, nothing lost."""

import asyncio
import datetime as dt
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator

import peewee
import pytest

from ivrd.runtime.dbwriter import DbWriter
from ivrd.runtime.sms import SmsSender, render
from ivrd.store.models import SmsGateway, SmsMessage, utc_now


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, str, bytes]] = []
    answer = 200

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        Recorder.requests.append((self.command, self.path, self.rfile.read(length)))
        self.send_response(Recorder.answer)
        self.end_headers()

    do_GET = do_POST = _handle

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway_url() -> Iterator[str]:
    Recorder.requests, Recorder.answer = [], 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _queue(gateway: SmsGateway | None, text: str = 'Hi "Ada" & co') -> SmsMessage:
    return SmsMessage.create(sms_gateway=gateway, sender="1239876", destination="+15551230001", text=text)


def _pass(database: peewee.Database, sender: SmsSender) -> int:
    writer = DbWriter(database)
    writer.start()
    try:
        return asyncio.run(sender.send_due(writer))
    finally:
        writer.stop()


def test_templates_are_filled_for_urls_and_json_bodies() -> None:
    values = {"text": "a b", "text_url": "a%20b", "text_json": '"a b"'}
    assert render("/s?t={text_url}&x={unknown}", values) == "/s?t=a%20b&x="
    assert json.loads(render('{{"t": {text_json}}}', values)) == {"t": "a b"}


def test_a_message_is_sent_once_through_its_gateway(database: peewee.Database, gateway_url: str) -> None:
    gateway = SmsGateway.create(name="http", method="POST",
                                url_template=gateway_url + "/send?to={destination_url}",
                                body_template='{{"text": {text_json}, "from": {sender_json}}}',
                                headers='{"Content-Type": "application/json"}')
    message = _queue(gateway)
    sender = SmsSender()
    assert _pass(database, sender) == 1
    assert _pass(database, sender) == 0  # sent messages are not sent again
    [(method, path, body)] = Recorder.requests
    assert method == "POST" and urllib.parse.unquote(path) == "/send?to=+15551230001"
    assert json.loads(body) == {"text": 'Hi "Ada" & co', "from": "1239876"}
    row = SmsMessage.get_by_id(message.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None


def test_failures_are_retried_with_backoff_then_recorded(database: peewee.Database, gateway_url: str) -> None:
    Recorder.answer = 503
    gateway = SmsGateway.create(name="down", method="GET", url_template=gateway_url + "/s?t={text_url}")
    message = _queue(gateway)
    sender = SmsSender(max_attempts=2, retry_base_s=3600)
    assert _pass(database, sender) == 1
    row = SmsMessage.get_by_id(message.id)
    assert (row.status, row.attempts) == ("unsent", 1) and "HTTP 503" in row.last_error
    assert _pass(database, sender) == 0  # not due before its back-off
    SmsMessage.update(updated_date=utc_now() - dt.timedelta(hours=2)).execute()
    assert _pass(database, sender) == 1
    row = SmsMessage.get_by_id(message.id)
    assert (row.status, row.attempts) == ("failed", 2)
    assert len(Recorder.requests) == 2


def test_no_gateway_is_recorded_as_failed_not_lost(database: peewee.Database) -> None:
    message = _queue(None)
    assert _pass(database, SmsSender()) == 1
    row = SmsMessage.get_by_id(message.id)
    assert row.status == "failed" and "no active SMS gateway" in row.last_error


def test_a_message_left_sending_by_a_killed_daemon_is_sent_later(
    database: peewee.Database, gateway_url: str
) -> None:
    gateway = SmsGateway.create(name="http", method="GET", url_template=gateway_url + "/s")
    message = _queue(gateway)
    SmsMessage.update(status="sending", updated_date=utc_now() - dt.timedelta(hours=1)).execute()
    assert _pass(database, SmsSender(stale_after_s=60)) == 1
    assert SmsMessage.get_by_id(message.id).status == "sent"
