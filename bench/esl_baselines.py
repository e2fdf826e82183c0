"""Baseline event consumers for bench/esl_bench.py: `python bench/esl_baselines.py MODE HOST PORT PASSWORD`.

MODE is one of framing (split frames by Content-Length, no parsing), naive (decode the whole
body, then split lines), json (stdlib json over event-json), libesl (FreeSWITCH-ESL-Python,
reading every header value back), libesl-count (libesl, reading only Event-Name),
greenswitch, genesis. The last three need their package installed in the interpreter used.
Each prints `events=N value_chars=M seconds=S cpu_seconds=C` (C: this process's CPU time over
the same window) and, as its last line, `R events/s`.
Standalone on purpose: it must run in other virtualenvs, so it imports nothing from ivrd.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Callable, Iterator
from urllib.parse import unquote

CPU_START_S = [0.0]  # process CPU time when the wall clock started


def _start_clock() -> float:
    CPU_START_S[0] = time.process_time()
    return time.perf_counter()


END_MARKERS = (b"bench::end", b"bench%3A%3Aend")  # json / URL-encoded plain


def _bodies(host: str, port: int, password: str, event_format: str, clock: list[float]) -> Iterator[bytes]:
    sock = socket.create_connection((host, port))
    clock.append(_start_clock())
    sock.sendall(f"auth {password}\n\nevent {event_format} ALL\n\n".encode())
    buf = b""
    while True:
        data = sock.recv(262144)
        if not data:
            return
        buf += data
        pos = 0
        while True:
            end = buf.find(b"\n\n", pos)
            if end < 0:
                break
            start = buf.find(b"Content-Length: ", pos, end)
            length = int(buf[start + 16 : buf.find(b"\n", start + 16, end + 1)]) if start >= 0 else 0
            if end + 2 + length > len(buf):
                break
            if start >= 0 and b"event-" in buf[pos:end]:
                yield buf[end + 2 : end + 2 + length]
            pos = end + 2 + length
        buf = buf[pos:]


def _run(host: str, port: int, password: str, event_format: str,
         touch: Callable[[bytes], int]) -> tuple[int, int, float]:
    """Count events from subscription to the end marker (the clock starts when subscribing)."""
    count = chars = 0
    clock: list[float] = []
    for body in _bodies(host, port, password, event_format, clock):
        if len(body) < 400 and any(marker in body for marker in END_MARKERS):
            break
        chars += touch(body)
        count += 1
    return count, chars, time.perf_counter() - clock[0]


def naive_values(body: bytes) -> int:
    """The common mistake: URL-decode the whole payload, then split lines (breaks on %0A)."""
    headers = {}
    for line in unquote(body.decode("utf-8")).split("\n"):
        name, _, value = line.partition(": ")
        headers[name] = value
    return sum(map(len, headers.values()))


def json_values(body: bytes) -> int:
    return sum(map(len, json.loads(body).values()))


def run_libesl(host: str, port: int, password: str, touch: bool = True) -> tuple[int, int, float]:
    from freeswitchESL import ESL  # type: ignore[import-not-found]

    con = ESL.ESLconnection(host, str(port), password)
    started_s = _start_clock()
    con.events("plain", "ALL")
    count = chars = 0
    while True:
        event = con.recvEvent()
        name = event.getHeader("Event-Name")
        if name == "CUSTOM" and event.getHeader("Event-Subclass") == "bench::end":
            break
        header = event.firstHeader() if touch else None
        while header:  # read every header value back from the C event
            chars += len(event.getHeader(header) or "")
            header = event.nextHeader()
        count += 1
    return count, chars, time.perf_counter() - started_s


def run_greenswitch(host: str, port: int, password: str) -> tuple[int, int, float]:
    import gevent  # type: ignore[import-not-found]
    import gevent.event  # type: ignore[import-not-found]
    import greenswitch  # type: ignore[import-not-found]

    state = {"count": 0, "chars": 0, "start": 0.0, "end": 0.0}
    done = gevent.event.Event()

    def on_event(event: object) -> None:
        headers = event.headers  # type: ignore[attr-defined]
        if headers.get("Event-Subclass") == "bench::end":
            state["end"] = time.perf_counter()
            done.set()
            return
        state["chars"] += sum(len(str(v)) for v in headers.values())
        state["count"] += 1

    fs = greenswitch.InboundESL(host=host, port=port, password=password)
    fs.connect()
    fs.register_handle("*", on_event)
    state["start"] = _start_clock()
    fs.send("EVENT plain ALL")
    done.wait()
    return int(state["count"]), int(state["chars"]), state["end"] - state["start"]


def run_genesis(host: str, port: int, password: str) -> tuple[int, int, float]:
    import asyncio

    from genesis import Inbound  # type: ignore[import-not-found]

    state = {"count": 0, "chars": 0, "start": 0.0, "end": 0.0}

    async def main() -> None:
        done = asyncio.Event()

        async def on_event(event: dict[str, object]) -> None:
            if event.get("Event-Subclass") == "bench::end":
                state["end"] = time.perf_counter()
                done.set()
                return
            state["chars"] += sum(len(str(v)) for v in event.values())
            state["count"] += 1

        async with Inbound(host, port, password) as client:
            client.on("*", on_event)
            state["start"] = _start_clock()
            await client.send("event plain ALL")
            await done.wait()

    asyncio.run(main())
    return int(state["count"]), int(state["chars"]), state["end"] - state["start"]


def main() -> None:
    mode, host, port_text, password = sys.argv[1:5]
    port = int(port_text)
    if mode == "framing":
        result = _run(host, port, password, "plain", len)
    elif mode == "naive":
        result = _run(host, port, password, "plain", naive_values)
    elif mode == "json":
        result = _run(host, port, password, "json", json_values)
    else:
        runners: dict[str, Callable[[str, int, str], tuple[int, int, float]]] = {
            "libesl": run_libesl, "greenswitch": run_greenswitch, "genesis": run_genesis,
            "libesl-count": lambda h, p, pw: run_libesl(h, p, pw, touch=False)}
        result = runners[mode](host, port, password)
    count, chars, elapsed_s = result
    cpu_s = time.process_time() - CPU_START_S[0]
    print(f"events={count} value_chars={chars} seconds={elapsed_s:.3f} cpu_seconds={cpu_s:.3f}")
    print(f"{count / elapsed_s:.0f} events/s")


if __name__ == "__main__":
    main()
