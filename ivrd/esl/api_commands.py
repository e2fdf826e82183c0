"""Pure builders of FreeSWITCH API command lines (sent with `api` or `bgapi`): originate, uuid_*.

Quoting follows how FreeSWITCH reads an originate line: the whole argument string is first
split on spaces (single quotes group, backslash escapes `\\ ' " n r t s`), then the `{…}`
block is split on `,` and each item once on `=`, every step removing quotes and escapes
again. A value is therefore escaped for the three steps from the inside out; `,` becomes
`\\,`, and a value holding spaces is wrapped in single quotes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ivrd.esl.commands import check_line, check_token
from ivrd.esl.errors import LocalProtocolError

_VARIABLE_NAME = re.compile(r"[A-Za-z0-9_.\-]+\Z")
_APP_NAME = re.compile(r"[A-Za-z0-9_]+\Z")
_ESCAPED_AFTER_BACKSLASH = frozenset("'\"\\nrts")


def _escape_step(text: str, delimiter: str) -> str:
    """Escape `text` so one FreeSWITCH split-and-clean step on `delimiter` gives it back."""
    specials = _ESCAPED_AFTER_BACKSLASH | {delimiter} if delimiter else _ESCAPED_AFTER_BACKSLASH
    out: list[str] = []
    for index, char in enumerate(text):
        if char == "\\":
            following = text[index + 1] if index + 1 < len(text) else ""
            out.append("\\\\" if following == "" or following in specials else "\\")
        elif char == "'" or (delimiter and char == delimiter):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def quote_argument(text: str, what: str) -> str:
    """One space-separated API argument that FreeSWITCH reads back as `text`."""
    check_line(text, what)
    if text != text.strip():
        raise LocalProtocolError(f"{what} must not start or end with whitespace: {text!r}")
    escaped = _escape_step(text, "")
    return f"'{escaped}'" if (" " in escaped or "\t" in escaped) else escaped


def channel_variable_block(variables: Mapping[str, str | int | bool]) -> str:
    """`{name=value,…}` for originate, every value escaped so FreeSWITCH sets it verbatim."""
    items = []
    for name, raw in variables.items():
        if not _VARIABLE_NAME.match(name):
            raise LocalProtocolError(f"channel variable name {name!r} must match [A-Za-z0-9_.-]+")
        value = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
        what = f"channel variable {name}"
        check_line(value, what)
        if "{" in value or "}" in value:
            raise LocalProtocolError(f"{what} must not contain '{{' or '}}': {value!r}")
        if value != value.strip():
            raise LocalProtocolError(f"{what} must not start or end with whitespace: {value!r}")
        if not value:
            raise LocalProtocolError(f"{what} must not be empty (FreeSWITCH drops empty variables)")
        inner = _escape_step(_escape_step(value, "="), ",")
        items.append(f"{name}={quote_argument(inner, what)}")
    return "{" + ",".join(items) + "}"


def originate(
    dial_string: str,
    *,
    variables: Mapping[str, str | int | bool] | None = None,
    app: str = "park",
    app_args: str = "",
    timeout_s: int | None = None,
) -> str:
    """`originate {vars}<dial string> &app(args)` (send with bgapi; the result is a BACKGROUND_JOB)."""
    check_token(dial_string, "dial string")
    if any(c in dial_string for c in "{}'\"\\"):
        raise LocalProtocolError(
            f"dial string must not contain braces, quotes or backslashes: {dial_string!r}")
    if not _APP_NAME.match(app):
        raise LocalProtocolError(f"originate application name {app!r} must match [A-Za-z0-9_]+")
    check_line(app_args, "originate application arguments")
    if ")" in app_args:
        raise LocalProtocolError(f"originate application arguments must not contain ')': {app_args!r}")
    target = quote_argument(f"&{app}({app_args})", "originate application")
    block = channel_variable_block(variables) if variables else ""
    parts = ["originate", block + dial_string, target]
    if timeout_s is not None:
        if timeout_s <= 0:
            raise LocalProtocolError(f"originate timeout_s must be positive, got {timeout_s}")
        parts += ["undef", "undef", "undef", "undef", str(int(timeout_s))]
    return " ".join(parts)


def uuid_kill(uuid: str, cause: str = "NORMAL_CLEARING") -> str:
    return f"uuid_kill {check_token(uuid, 'channel uuid')} {check_token(cause, 'hangup cause')}"


def uuid_break(uuid: str, *, all_queued: bool = False) -> str:
    suffix = " all" if all_queued else ""
    return f"uuid_break {check_token(uuid, 'channel uuid')}{suffix}"


def uuid_record(uuid: str, action: str, path: str, limit_s: int | None = None) -> str:
    if action not in ("start", "stop", "mask", "unmask"):
        raise LocalProtocolError(f"uuid_record action must be start/stop/mask/unmask, got {action!r}")
    line = f"uuid_record {check_token(uuid, 'channel uuid')} {action} {check_token(path, 'recording path')}"
    return line if limit_s is None else f"{line} {int(limit_s)}"


def uuid_exists(uuid: str) -> str:
    return f"uuid_exists {check_token(uuid, 'channel uuid')}"


def uuid_getvar(uuid: str, name: str) -> str:
    return f"uuid_getvar {check_token(uuid, 'channel uuid')} {check_token(name, 'variable name')}"


def uuid_setvar(uuid: str, name: str, value: str) -> str:
    return (f"uuid_setvar {check_token(uuid, 'channel uuid')} {check_token(name, 'variable name')} "
            f"{check_line(value, f'variable {name}')}")


def show_channels_json() -> str:
    return "show channels as json"
