"""A model of how FreeSWITCH splits and cleans API arguments (separate_string + cleanup), for tests.

Written from the behaviour described for switch_separate_string: single quotes group text when
a closing quote follows, a backslash escapes `' " \\` and the delimiter, and turns n r t s into
newline, carriage return, tab and space; leading blanks and unquoted trailing blanks go.
"""

from __future__ import annotations

_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t", "s": " "}


def cleanup(text: str, delimiter: str) -> str:
    out: list[str] = []
    end = 0
    inside = False
    i = 0
    while i < len(text) and text[i] == " ":
        i += 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in "'\"\\" or (delimiter and nxt == delimiter) or nxt in _UNESCAPE:
                out.append(_UNESCAPE.get(nxt, nxt))
                end = len(out)
                i += 2
                continue
        if char == "'" and (inside or "'" in text[i + 1 :]):
            inside = not inside
            if inside:
                end = len(out)
        else:
            out.append(char)
            if char != " " or inside:
                end = len(out)
        i += 1
    return "".join(out[:end])


def split_char(text: str, delimiter: str, limit: int = 1024) -> list[str]:
    pieces: list[str] = []
    start = 0
    inside = False
    i = 0
    while i < len(text) and len(pieces) < limit - 1:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "'" and (inside or "'" in text[i + 1 :]):
            inside = not inside
        elif char == delimiter and not inside:
            pieces.append(text[start:i])
            start = i + 1
        i += 1
    pieces.append(text[start:])
    return [cleanup(p, delimiter) for p in pieces]


def split_blank(text: str) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    inside = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char == "'":
            inside = not inside
        elif char == " " and not inside:
            if current:
                pieces.append("".join(current))
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    if current:
        pieces.append("".join(current))
    return [cleanup(p, "") for p in pieces]


def _closing_brace(text: str) -> int:
    depth = 0
    for index, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0:
            return index
    raise ValueError("unbalanced braces")


def parse_originate(args: str) -> tuple[dict[str, str], str, str]:
    """(variables, dial string, target) as FreeSWITCH's originate would read `args`."""
    argv = split_blank(args)
    dial = argv[0]
    variables: dict[str, str] = {}
    if dial.startswith("{"):
        close = _closing_brace(dial)
        block, dial = dial[1:close], dial[close + 1 :]
        for item in split_char(block, ","):
            name_value = split_char(item, "=", limit=2)
            if len(name_value) == 2:
                variables[name_value[0]] = name_value[1]
    return variables, dial, argv[1]
