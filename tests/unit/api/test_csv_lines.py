"""The CSV body is split into bounded lines without holding the body in memory."""

from __future__ import annotations

import io

from api.resources.bulk import MAX_LINE_BYTES, csv_lines


def test_lines_are_split_across_blocks() -> None:
    body = b"".join(f"{n}|x\n".encode() for n in range(50000)) + b"last"
    lines = list(csv_lines(io.BytesIO(body)))
    assert len(lines) == 50001 and lines[123] == b"123|x\n" and lines[-1] == b"last"


def test_overlong_lines_are_cut_and_the_next_line_survives() -> None:
    body = b"a" * (3 * MAX_LINE_BYTES) + b"\nnext\ntail"
    lines = list(csv_lines(io.BytesIO(body)))
    assert [len(line) for line in lines] == [MAX_LINE_BYTES + 1, 5, 4]
    assert lines[1:] == [b"next\n", b"tail"]


def test_empty_body() -> None:
    assert list(csv_lines(io.BytesIO(b""))) == []
