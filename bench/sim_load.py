"""Load on the simulated FreeSWITCH: many concurrent scripted calls driven over one Event Socket.

Each call: bgapi originate … &park(), wait for CHANNEL_PARK, play_and_get_digits (the callee presses a
key), wait for its CHANNEL_EXECUTE_COMPLETE, uuid_kill, wait for CHANNEL_DESTROY. The same workload runs
with three subscriptions; the first (plain ALL, no filters) is the baseline the others are compared to.

    .venv/bin/python bench/sim_load.py [--calls 300] [--concurrency 60]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections import defaultdict

from ivrd.sim import Scenario, SimFreeSwitch

SCENARIO = {"default": {"ring_ms": 20, "dtmf": ["1"], "dtmf_delay_ms": 10}}
PROMPT = "1 1 1 2000 # silence_stream://50 silence_stream://10 choice \\d"


class Client:
    """A bare frame reader: header block, Content-Length body; events matched by (name, Unique-ID)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.replies: asyncio.Queue[bytes] = asyncio.Queue()
        self.waiters: dict[tuple[str, str], asyncio.Future[None]] = {}
        self.seen: defaultdict[str, set[str]] = defaultdict(set)
        self.events = 0
        self.bytes = 0
        self.unanswered = 0
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        buffer = b""
        while True:
            data = await self.reader.read(1 << 16)
            if not data:
                return
            self.bytes += len(data)
            buffer += data
            while (end := buffer.find(b"\n\n")) >= 0:
                head = buffer[:end]
                length = 0
                for line in head.split(b"\n"):
                    if line.startswith(b"Content-Length: "):
                        length = int(line[16:])
                if len(buffer) < end + 2 + length:
                    break
                body, buffer = buffer[end + 2 : end + 2 + length], buffer[end + 2 + length :]
                if b"text/event" in head:
                    self._event(body)
                elif self.unanswered:
                    self.unanswered -= 1
                else:
                    self.replies.put_nowait(body)

    def _event(self, body: bytes) -> None:
        self.events += 1
        name = uid = ""
        if body.startswith(b"{"):
            import json

            data = json.loads(body)
            name, uid = data.get("Event-Name", ""), data.get("Unique-ID", data.get("Job-UUID", ""))
        else:
            for line in body.split(b"\n"):
                if line.startswith(b"Event-Name: "):
                    name = line[12:].decode()
                elif line.startswith(b"Unique-ID: ") or line.startswith(b"Job-UUID: "):
                    uid = line.partition(b": ")[2].decode()
                    break
        self.seen[uid].add(name)
        waiter = self.waiters.pop((name, uid), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def send(self, text: str) -> None:
        """Write a command without waiting for its reply (replies are drained in order)."""
        self.writer.write(text.encode())
        self.unanswered += 1

    async def command(self, text: str) -> None:
        self.writer.write(text.encode())
        await self.writer.drain()
        await self.replies.get()

    async def until(self, name: str, uid: str) -> None:
        if name in self.seen[uid]:
            return
        future = asyncio.get_running_loop().create_future()
        self.waiters[(name, uid)] = future
        await asyncio.wait_for(future, 30)


async def one_call(client: Client, per_leg_filter: bool, lock: asyncio.Lock) -> None:
    leg = str(uuid.uuid4())
    async with lock:
        if per_leg_filter:
            await client.command(f"filter Unique-ID {leg}\n\n")
        await client.command(f"bgapi originate {{origination_uuid={leg}}}sofia/gateway/gw/2000 &park()\n\n")
    await client.until("CHANNEL_PARK", leg)
    async with lock:
        await client.command(f"sendmsg {leg}\ncall-command: execute\nexecute-app-name: play_and_get_digits\n"
                             f"execute-app-arg: {PROMPT}\nevent-lock: true\n\n")
    await client.until("CHANNEL_EXECUTE_COMPLETE", leg)
    async with lock:
        await client.command(f"api uuid_kill {leg}\n\n")
    await client.until("CHANNEL_DESTROY", leg)
    client.seen.pop(leg, None)
    if per_leg_filter:
        async with lock:
            await client.command(f"filter delete Unique-ID {leg}\n\n")


async def run_variant(subscription: str, per_leg_filter: bool, calls: int,
                      concurrency: int) -> dict[str, float]:
    sim = SimFreeSwitch(scenario=Scenario.from_dict(SCENARIO), heartbeat_interval_s=3600)
    await sim.start()
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    client = Client(reader, writer)
    await client.replies.get()
    await client.command("auth ClueCon\n\n")
    await client.command(subscription + "\n\n")
    if per_leg_filter:
        await client.command("filter Event-Name BACKGROUND_JOB\n\n")
    lock = asyncio.Lock()
    gate = asyncio.Semaphore(concurrency)

    async def gated() -> None:
        async with gate:
            await one_call(client, per_leg_filter, lock)

    started = time.perf_counter()
    await asyncio.gather(*(gated() for _ in range(calls)))
    elapsed_s = time.perf_counter() - started
    stats = sim.stats()
    writer.close()
    client.task.cancel()
    await sim.stop()
    return {"seconds": elapsed_s, "calls_per_s": calls / elapsed_s, "events": client.events,
            "mbytes": client.bytes / 1e6, "latency_p50_ms": stats["reaction_latency_ms"]["p50"],
            "latency_p99_ms": stats["reaction_latency_ms"]["p99"]}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=60)
    args = parser.parse_args()
    variants = [("event plain ALL", False), ("event json ALL", False),
                ("event plain ALL", True)]
    results = []
    for subscription, filtered in variants:
        label = subscription + (" + per-leg filters" if filtered else "")
        results.append((label, await run_variant(subscription, filtered, args.calls, args.concurrency)))
    base = results[0][1]
    print(f"{args.calls} calls, {args.concurrency} concurrent")
    print(f"{'subscription':40} {'s':>6} {'calls/s':>8} {'ratio':>6} {'events':>7} {'MB':>6} {'p50 ms':>7} "
          f"{'p99 ms':>7}")
    for label, r in results:
        ratio = r["calls_per_s"] / base["calls_per_s"]
        print(f"{label:40} {r['seconds']:6.2f} {r['calls_per_s']:8.1f} {ratio:6.2f} {int(r['events']):7d} "
              f"{r['mbytes']:6.1f} {r['latency_p50_ms']:7.2f} {r['latency_p99_ms']:7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
