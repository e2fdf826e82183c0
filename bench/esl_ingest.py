"""Event ingest rate of ivrd's Event Socket client: `python bench/esl_ingest.py HOST PORT PASSWORD`.

Subscribes to all events and counts them until a CUSTOM event with `Event-Subclass:
bench::end`; the last line printed is the rate in events/s. Every decoded header value of
every event is touched (their lengths are summed and printed) so lazy work cannot hide.
"""

from __future__ import annotations

import asyncio
import sys
import time

from ivrd.esl.client import EslConnection

END_SUBCLASS = "bench::end"


async def ingest(host: str, port: int, password: str) -> tuple[int, int, float, float]:
    conn = await EslConnection.open(host, port, password, event_queue_limit=20_000)
    started_s = time.perf_counter()  # from subscription to the end marker, as every contender
    started_cpu_s = time.process_time()
    await conn.subscribe(["ALL"])
    count = 0
    value_chars = 0
    finished = False
    while not finished:
        for event in await conn.next_events():  # the batch form of next_event()
            values = event.headers.values()
            if values[0] == "CUSTOM" and event.headers.get("Event-Subclass") == END_SUBCLASS:
                finished = True
                break
            value_chars += sum(map(len, values))
            count += 1
    elapsed_s = time.perf_counter() - started_s
    cpu_s = time.process_time() - started_cpu_s
    conn.close()
    return count, value_chars, elapsed_s, cpu_s


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit("usage: esl_ingest.py HOST PORT PASSWORD")
    count, value_chars, elapsed_s, cpu_s = asyncio.run(ingest(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
    print(f"events={count} value_chars={value_chars} seconds={elapsed_s:.3f} cpu_seconds={cpu_s:.3f}")
    print(f"{count / elapsed_s:.0f} events/s")


if __name__ == "__main__":
    main()
