"""Ordered header multimap and the parsers of event bodies (text/event-plain and text/event-json).

Event-plain bodies are URL-encoded per header value. Values are decoded only after the
lines were split, so an encoded newline (`%0A`) inside a value never breaks the framing.

Speed: in a faithful FreeSWITCH header block the only raw `:` and space of a line are the
`: ` separator (both are URL-encoded inside values), every line ends with a newline, and
there is no raw backslash, CR or NUL. For such blocks the whole decode runs in a few C-level
passes without a Python loop per header: the separators (newline, `:`, space) become NUL
first, then `%XX` escapes are decoded (`escape_decode`), so a decoded newline can never act
as a separator; one split on NUL follows, and the shape of its result (three parts per
line, the middle one empty, no empty name) is checked. Any block that fails a check goes
through the strict line-by-line parser, which also produces the precise error message.
Both parsers decode names like values (FreeSWITCH writes names unencoded, so this only
matters for a name holding `%`).

What the shape cannot tell apart: any two adjacent separator bytes read as `: ` (`a::b`,
`a  b`, `a :b`, a raw `x: y` inside a value, a line without separator next to a blank
line), and a `%00` escape acts as a separator. FreeSWITCH never writes such lines into
event-plain (values are URL-encoded C strings), so these are read, not refused, on the
fast path; telling them apart would cost about a tenth of the decode time.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from urllib.parse import unquote_to_bytes

from ivrd.esl.errors import RemoteProtocolError

ARRAY_PREFIX = "ARRAY::"
ARRAY_SEPARATOR = "|:"


class Headers:
    """Ordered multimap of header names to decoded values; repeated names are kept.

    `get`/`[]` return the first value of a name, `get_all` every value in order.
    """

    __slots__ = ("_names", "_values")

    def __init__(self, names: list[str], values: list[str]) -> None:
        self._names = names
        self._values = values

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]]) -> Headers:
        return cls([n for n, _ in pairs], [v for _, v in pairs])

    def get(self, name: str, default: str | None = None) -> str | None:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            return default

    def __getitem__(self, name: str) -> str:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(f"no header {name!r}") from None

    def get_all(self, name: str) -> list[str]:
        return [v for n, v in zip(self._names, self._values, strict=True) if n == name]

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def names(self) -> list[str]:
        return self._names

    def values(self) -> list[str]:
        return self._values

    def items(self) -> Iterator[tuple[str, str]]:
        return zip(self._names, self._values, strict=True)

    def to_dict(self) -> dict[str, str]:
        """Plain dict; for repeated names the first value wins."""
        return dict(zip(reversed(self._names), reversed(self._values), strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return self._names == other._names and self._values == other._values

    def __hash__(self) -> int:
        return hash((tuple(self._names), tuple(self._values)))

    def __repr__(self) -> str:
        return f"Headers({list(self.items())!r})"


def url_decode(value: str) -> str:
    """Decode %XX escapes of one value; malformed escapes are kept as they are."""
    if "%" not in value:
        return value
    return unquote_to_bytes(value).decode("utf-8", "replace")


def parse_header_lines(block: bytes, what: str) -> Headers:
    """Strict line parser: `Name: value` lines, values URL-decoded one by one after splitting."""
    names: list[str] = []
    values: list[str] = []
    for number, raw in enumerate(block.split(b"\n"), start=1):
        line = raw[:-1] if raw.endswith(b"\r") else raw
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if not sep or not name or b" " in name:
            shown = line[:80].decode("utf-8", "replace")
            raise RemoteProtocolError(f"{what}: line {number} is not a 'Name: value' header: {shown!r}")
        names.append(url_decode(name.decode("utf-8", "replace")))
        values.append(url_decode(value.lstrip(b" ").decode("utf-8", "replace")))
    return Headers(names, values)


def _fast_header_block(block: bytes) -> Headers | None:
    """C-speed decode of a faithful, bodiless header block (see module docstring); None otherwise.

    The block may end after its last header line or with the blank line after it. A blank
    line anywhere else (an inner body follows) leaves an empty name, so it is refused too.
    """
    if not block.endswith(b"\n") or b"\\" in block or b"\x00" in block or b"\r" in block:
        return None
    # "Name: value\n" becomes "Name\0\0value\0": three parts per line once split on NUL
    data = block.replace(b"\n", b"\x00").replace(b":", b"\x00").replace(b" ", b"\x00")
    first = data.find(b"%")
    if first >= 0:  # only the span from the first escape to the end of the last one is decoded
        end = data.rfind(b"%") + 3
        try:
            decoded = codecs.escape_decode(data[first:end].replace(b"%", b"\\x"))[0]
        except ValueError:  # a '%' not followed by two hex digits
            return None
        data = b"".join((data[:first], decoded, data[end:]))
    parts = data.decode("utf-8", "replace").split("\x00")
    count = len(parts)
    tail = count % 3
    if tail == 0 or (tail == 2 and not block.endswith(b"\n\n")):  # the last line not ended by "\n"
        return None
    names = parts[0 : count - tail : 3]
    middles = parts[1::3]  # not all empty: a raw ':' or ' ' inside a line
    if middles.count("") != len(middles) or not all(names):
        return None
    return Headers(names, parts[2::3])


def parse_event_plain(payload: bytes) -> tuple[Headers, str]:
    """Parse a text/event-plain payload into (headers, body); body is '' when absent."""
    headers = _fast_header_block(payload)
    if headers is not None:
        names = headers.names()
        if names and names[-1] == "Content-Length" and headers.values()[-1] != "0":
            length_text = headers.values()[-1]
            raise RemoteProtocolError(f"event Content-Length says {length_text} bytes but none follow")
        return headers, ""
    end = payload.find(b"\n\n")
    if end < 0:
        block = payload if payload.endswith(b"\n") else payload + b"\n"
        rest = b""
    else:
        block = payload[: end + 1]
        rest = payload[end + 2 :]
    headers = _fast_header_block(block) if rest else None
    if headers is None:
        headers = parse_header_lines(block, "event")
    return headers, _inner_body(headers, rest)


def _inner_body(headers: Headers, rest: bytes) -> str:
    names = headers.names()
    length_text = None
    if names and names[-1] == "Content-Length":
        length_text = headers.values()[-1]
    elif rest:
        length_text = headers.get("Content-Length")
    if length_text is None:
        if rest:
            raise RemoteProtocolError(f"event has {len(rest)} bytes after its headers but no Content-Length")
        return ""
    if not length_text.isdigit():
        raise RemoteProtocolError(f"event Content-Length is not a number: {length_text[:40]!r}")
    if int(length_text) != len(rest):
        raise RemoteProtocolError(
            f"event Content-Length says {length_text} bytes but {len(rest)} bytes follow its headers"
        )
    return rest.decode("utf-8", "replace")


def _json_value(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ARRAY_PREFIX + ARRAY_SEPARATOR.join(str(item) for item in value)
    return json.dumps(value)


def parse_event_json(payload: bytes) -> tuple[Headers, str]:
    """Parse a text/event-json payload: a flat object of strings (arrays for array headers)."""
    try:
        obj = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RemoteProtocolError(f"text/event-json body is not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise RemoteProtocolError("text/event-json body is not a JSON object")
    body = obj.pop("_body", "")
    values = list(obj.values())
    if set(map(type, values)) - {str}:
        values = [_json_value(v) for v in values]
    return Headers(list(obj), values), body if isinstance(body, str) else _json_value(body)
