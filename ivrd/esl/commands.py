"""Pure builders of the bytes a client sends on the Event Socket (one command + headers + blank line)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ivrd.esl.errors import LocalProtocolError

EVENT_FORMATS = ("plain", "json", "xml")
INLINE_ARG_MAX_BYTES = 1024  # longer execute arguments travel as a text/plain body


def check_line(text: str, what: str) -> str:
    """`text` unchanged, or LocalProtocolError when it would break the line-based framing."""
    if "\n" in text or "\r" in text or "\x00" in text:
        raise LocalProtocolError(f"{what} must not contain a newline, carriage return or NUL: {text[:60]!r}")
    return text


def check_token(text: str, what: str) -> str:
    """A single word: non-empty, no whitespace (uuids, header names, event names)."""
    check_line(text, what)
    if not text or any(c.isspace() for c in text):
        raise LocalProtocolError(f"{what} must be one non-empty word without spaces: {text[:60]!r}")
    return text


def build(command: str, headers: Mapping[str, str] | None = None, body: str | None = None) -> bytes:
    """One client frame: command line, `Name: value` headers, blank line, optional body."""
    lines = [check_line(command, "command")]
    for name, value in (headers or {}).items():
        check_token(name, "header name")
        if ":" in name:
            raise LocalProtocolError(f"header name must not contain ':': {name!r}")
        lines.append(f"{name}: {check_line(value, f'header {name}')}")
    if body is None:
        return ("\n".join(lines) + "\n\n").encode()
    raw = body.encode()
    lines.append(f"Content-Length: {len(raw)}")
    return ("\n".join(lines) + "\n\n").encode() + raw


def auth(password: str) -> bytes:
    check_line(password, "ESL password (esl.password)")
    return build(f"auth {password}")


def api(command: str) -> bytes:
    """`api <command>`: answered by an api/response frame."""
    return build(f"api {check_line(command, 'api command').strip()}")


def bgapi(command: str, job_uuid: str | None = None) -> bytes:
    """`bgapi <command>`; `job_uuid` chooses the Job-UUID of the BACKGROUND_JOB result."""
    headers = {"Job-UUID": check_token(job_uuid, "Job-UUID")} if job_uuid else None
    return build(f"bgapi {check_line(command, 'bgapi command').strip()}", headers)


def event(names: Iterable[str], *, event_format: str = "plain", custom: Iterable[str] = ()) -> bytes:
    """`event <format> NAME… [CUSTOM subclass…]`; adds to the connection's subscriptions."""
    if event_format not in EVENT_FORMATS:
        raise LocalProtocolError(f"event format must be one of {EVENT_FORMATS}, got {event_format!r}")
    words = [check_token(n, "event name") for n in names if n != "CUSTOM"]
    subclasses = [check_token(s, "CUSTOM subclass") for s in custom]
    if subclasses:
        words += ["CUSTOM", *subclasses]
    if not words:
        raise LocalProtocolError("event: give at least one event name or CUSTOM subclass")
    return build(f"event {event_format} {' '.join(words)}")


def nixevent(names: Iterable[str], *, custom: Iterable[str] = ()) -> bytes:
    words = [check_token(n, "event name") for n in names]
    subclasses = [check_token(s, "CUSTOM subclass") for s in custom]
    if subclasses:
        words += ["CUSTOM", *subclasses]
    if not words:
        raise LocalProtocolError("nixevent: give at least one event name")
    return build(f"nixevent {' '.join(words)}")


def noevents() -> bytes:
    return build("noevents")


def filter_add(header: str, value: str) -> bytes:
    """`filter <Header> <value>`: once any filter exists only matching events are delivered."""
    check_token(header, "filter header")
    if not value.strip():
        raise LocalProtocolError("filter value must not be empty")
    return build(f"filter {header} {check_line(value, 'filter value')}")


def filter_delete(header: str, value: str | None = None) -> bytes:
    check_token(header, "filter header")
    if value is None:
        return build(f"filter delete {header}")
    return build(f"filter delete {header} {check_line(value, 'filter value')}")


def filter_delete_all() -> bytes:
    return build("filter delete all")


def exit_() -> bytes:
    return build("exit")


def sendmsg_execute(
    uuid: str,
    app: str,
    arg: str | None = None,
    *,
    event_uuid: str,
    loops: int | None = None,
) -> bytes:
    """`sendmsg <uuid>` executing `app arg`, always with `event-lock: true` and an Event-UUID.

    FreeSWITCH copies Event-UUID into the Application-UUID of the matching CHANNEL_EXECUTE and
    CHANNEL_EXECUTE_COMPLETE. Multi-line or long arguments travel as a text/plain body.
    """
    headers = {
        "call-command": "execute",
        "execute-app-name": check_token(app, "application name"),
        "event-lock": "true",
        "Event-UUID": check_token(event_uuid, "Event-UUID"),
    }
    if loops is not None:
        headers["loops"] = str(int(loops))
    body = None
    if arg is not None:
        if "\n" in arg or "\r" in arg or len(arg.encode()) > INLINE_ARG_MAX_BYTES:
            check_line(arg.replace("\n", "").replace("\r", ""), "execute argument")
            headers["Content-Type"] = "text/plain"
            body = arg
        else:
            headers["execute-app-arg"] = check_line(arg, "execute argument")
    return build(f"sendmsg {check_token(uuid, 'channel uuid')}", headers, body)


def sendmsg_hangup(uuid: str, cause: str = "NORMAL_CLEARING") -> bytes:
    headers = {"call-command": "hangup", "hangup-cause": check_token(cause, "hangup cause")}
    return build(f"sendmsg {check_token(uuid, 'channel uuid')}", headers)
