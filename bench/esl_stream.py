"""Benchmark stream: realistic FreeSWITCH channel events (100-180 headers each) and a replay server.

The events follow spec/esl.md §2.3/§2.4 (common block, channel block, Caller-* profile,
variable_* block, event-specific headers last; duplicated Hangup-Cause on HANGUP_COMPLETE)
and are URL-encoded the way FreeSWITCH serializes event-plain. The same events are also
rendered as compact event-json. Run as a script to serve: `python bench/esl_stream.py PORT`.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys

POOL_SIZE = 500
PASSWORD = "ClueCon"
_UNSAFE = set(b"\r\n #%&+:;<=>?@[\\]^`{|}\"")
EVENT_KINDS = ["CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_ANSWER", "CHANNEL_EXECUTE",
               "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_PARK", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE"]


def fs_encode(value: str) -> str:
    out = []
    for byte in value.encode("utf-8"):
        out.append(f"%{byte:02X}" if byte < 0x20 or byte > 0x7E or byte in _UNSAFE else chr(byte))
    return "".join(out)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def build_event(rng: random.Random, seq: int) -> list[tuple[str, str]]:
    kind = EVENT_KINDS[seq % len(EVENT_KINDS)]
    leg = _uuid(rng)
    number = f"1555{rng.randrange(10**7):07d}"
    ts = 1_700_000_000_000_000 + seq * 1_000
    h: list[tuple[str, str]] = [
        ("Event-Name", kind), ("Core-UUID", "0cb916f9-98ad-4fce-bcd5-5fe03c745316"),
        ("FreeSWITCH-Hostname", "fs1.example.net"), ("FreeSWITCH-Switchname", "fs1.example.net"),
        ("FreeSWITCH-IPv4", "10.0.0.5"), ("FreeSWITCH-IPv6", "::1"),
        ("Event-Date-Local", "2026-11-28 00:10:12"), ("Event-Date-GMT", "Sat, 28 Nov 2026 00:10:12 GMT"),
        ("Event-Date-Timestamp", str(ts)), ("Event-Calling-File", "switch_channel.c"),
        ("Event-Calling-Function", "switch_channel_perform_mark_answered"),
        ("Event-Calling-Line-Number", "3936"), ("Event-Sequence", str(10_000 + seq)),
    ]
    if kind == "CHANNEL_HANGUP_COMPLETE":
        h.append(("Hangup-Cause", "NORMAL_CLEARING"))
    h += [
        ("Channel-State", "CS_EXECUTE"), ("Channel-Call-State", "ACTIVE"), ("Channel-State-Number", "4"),
        ("Channel-Name", f"sofia/gateway/carrier1/{number}"), ("Unique-ID", leg),
        ("Call-Direction", "outbound"), ("Presence-Call-Direction", "outbound"),
        ("Channel-HIT-Dialplan", "false"), ("Channel-Call-UUID", leg), ("Answer-State", "answered"),
    ]
    if kind in ("CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE"):
        h.append(("Hangup-Cause", "NORMAL_CLEARING"))
    h += [(f"Channel-{d}-Codec-{k}", v) for d in ("Read", "Write")
          for k, v in (("Name", "PCMU"), ("Rate", "8000"), ("Bit-Rate", "64000"))]
    caller = [("Direction", "outbound"), ("Logical-Direction", "outbound"), ("Username", "ivrd"),
              ("Dialplan", "XML"), ("Caller-ID-Name", "Survey Line"), ("Caller-ID-Number", "15551230000"),
              ("Orig-Caller-ID-Name", "Survey Line"), ("Orig-Caller-ID-Number", "15551230000"),
              ("Callee-ID-Name", "Outbound Call"), ("Callee-ID-Number", number),
              ("Network-Addr", "203.0.113.7"), ("ANI", "15551230000"), ("Destination-Number", number),
              ("Unique-ID", leg), ("Source", "src/switch_ivr_originate.c"), ("Context", "default"),
              ("Channel-Name", f"sofia/gateway/carrier1/{number}"), ("Profile-Index", "1"),
              ("Profile-Created-Time", str(ts - 9_000_000)), ("Channel-Created-Time", str(ts - 9_000_000)),
              ("Channel-Answered-Time", str(ts - 4_000_000)), ("Channel-Progress-Time", str(ts - 7_000_000)),
              ("Channel-Progress-Media-Time", "0"), ("Channel-Hangup-Time", "0"),
              ("Channel-Transfer-Time", "0"), ("Channel-Resurrect-Time", "0"),
              ("Channel-Bridged-Time", "0"), ("Channel-Last-Hold", "0"), ("Channel-Hold-Accum", "0"),
              ("Screen-Bit", "true"), ("Privacy-Hide-Name", "false"), ("Privacy-Hide-Number", "false")]
    h += [(f"Caller-{k}", v) for k, v in caller]
    specific = _specific(kind, rng)
    h += _variables(rng, leg, number, ts, 100 + rng.randrange(81) - len(h) - len(specific))
    return h + specific


def _variables(rng: random.Random, leg: str, number: str, ts: int, count: int) -> list[tuple[str, str]]:
    base = [("direction", "outbound"), ("uuid", leg), ("session_id", str(rng.randrange(10**5))),
            ("sip_profile_name", "external"), ("sip_gateway_name", "carrier1"),
            ("origination_uuid", leg), ("origination_caller_id_number", "15551230000"),
            ("origination_caller_id_name", "Survey Line"), ("ignore_early_media", "true"),
            ("ivrd_attempt_id", str(rng.randrange(10**6))), ("ivrd_campaign_id", "7"),
            ("sip_to_uri", f"{number}@sip.carrier.example:5060"), ("DP_MATCH", "ARRAY::1000|:1000"),
            ("switch_r_sdp", "v=0\r\no=- 1 2 IN IP4 203.0.113.7\r\ns=-\r\nc=IN IP4 203.0.113.7\r\n"
             "t=0 0\r\nm=audio 4006 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"),
            ("current_application_data", "/var/lib/ivrd/sounds/welcome 8k.wav"),
            ("answer_stamp", "2026-11-28 00:10:08"), ("answer_epoch", str(ts // 1_000_000 - 4)),
            ("sip_user_agent", "Carrier SBC/4.2 (build 2026-10-01; +ssl)")]
    extra = [(f"rtp_audio_in_{k}_{i}", str(rng.randrange(10**6))) for i in range(40)
             for k in ("media_bytes", "packet_count", "jitter_min", "flaw_total")]
    return [(f"variable_{k}", v) for k, v in (base + extra)[: max(count, len(base))]]


def _specific(kind: str, rng: random.Random) -> list[tuple[str, str]]:
    if kind.startswith("CHANNEL_EXECUTE"):
        out = [("Application", "playback"), ("Application-Data", "/var/lib/ivrd/sounds/q1 8k.wav"),
               ("Application-UUID", _uuid(rng))]
        return [*out, ("Application-Response", "FILE PLAYED")] if kind.endswith("COMPLETE") else out
    return []


def render_plain(headers: list[tuple[str, str]]) -> bytes:
    payload = ("".join(f"{n}: {fs_encode(v)}\n" for n, v in headers) + "\n").encode()
    return f"Content-Length: {len(payload)}\nContent-Type: text/event-plain\n\n".encode() + payload


def render_json(headers: list[tuple[str, str]]) -> bytes:
    payload = ("{" + ",".join(f"{json.dumps(n)}:{json.dumps(v)}" for n, v in headers) + "}").encode()
    return f"Content-Length: {len(payload)}\nContent-Type: text/event-json\n\n".encode() + payload


def build_pool(seed: int = 7) -> list[list[tuple[str, str]]]:
    rng = random.Random(seed)
    return [build_event(rng, i) for i in range(POOL_SIZE)]


END_EVENT = [("Event-Name", "CUSTOM"), ("Core-UUID", "0cb916f9-98ad-4fce-bcd5-5fe03c745316"),
             ("Event-Subclass", "bench::end"), ("Event-Sequence", "1")]


async def serve(port: int, repeats: int) -> None:
    pool = build_pool()
    blocks = {"plain": b"".join(map(render_plain, pool)),
              "json": b"".join(map(render_json, pool))}
    ends = {"plain": render_plain(END_EVENT), "json": render_json(END_EVENT)}

    async def stream(fmt: str, writer: asyncio.StreamWriter) -> None:
        for _ in range(repeats):
            writer.write(blocks[fmt])
            await writer.drain()
        writer.write(ends[fmt])
        await writer.drain()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Content-Type: auth/request\n\n")
        started = False
        try:
            while True:
                line = (await reader.readuntil(b"\n\n")).decode().split("\n", 1)[0].strip()
                word, _, rest = line.partition(" ")
                word = word.lower()
                if word == "auth":
                    writer.write(b"Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
                elif word == "api":
                    writer.write(b"Content-Type: api/response\nContent-Length: 4\n\n+OK\n")
                elif word == "exit":
                    writer.write(b"Content-Type: command/reply\nReply-Text: +OK bye\n\n")
                    break
                elif word == "event" and not started:
                    fmt = "json" if rest.startswith("json") else "plain"
                    reply = f"Reply-Text: +OK event listener enabled {fmt}\n\n"
                    writer.write(b"Content-Type: command/reply\n" + reply.encode())
                    started = True
                    asyncio.get_running_loop().create_task(stream(fmt, writer))
                else:
                    writer.write(b"Content-Type: command/reply\nReply-Text: +OK\n\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 60))
