"""Parsing of `originate` arguments: {global vars}[leg vars]endpoint/number, &app(args) or an extension."""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGINATE_USAGE = ("-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
                   "[<cid_name>] [<cid_num>] [<timeout_sec>]\n")


class DialStringError(ValueError):
    """The originate arguments cannot be used; the message is the -ERR/-USAGE body."""


@dataclass
class OriginatePlan:
    endpoint: str
    number: str
    channel_name: str
    variables: dict[str, str] = field(default_factory=dict)
    on_answer: list[str] = field(default_factory=list)
    api_on_answer: list[str] = field(default_factory=list)
    gateway: str | None = None
    error_cause: str | None = None
    app: str = "park"
    app_arg: str = ""
    extension: str | None = None
    dialplan: str = "XML"
    context: str = "default"
    cid_name: str | None = None
    cid_num: str | None = None
    timeout_s: float = 60.0


def split_args(text: str) -> list[str]:
    """Split on spaces outside single quotes and {} / [] / <> groups; outer quotes are removed."""
    args: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    for char in text:
        if char == "'":
            quoted = not quoted
            current.append(char)
        elif not quoted and char in "{[<":
            depth += 1
            current.append(char)
        elif not quoted and char in "}]>" and depth:
            depth -= 1
            current.append(char)
        elif char == " " and not quoted and depth == 0:
            if current:
                args.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        args.append("".join(current))
    return [_unquote(arg) for arg in args]


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == "'" and token[-1] == "'":
        return token[1:-1]
    return token


def parse_variables(text: str) -> list[tuple[str, str]]:
    """`a=b,c='x y',d=e\\,f` (or `^^:a=b:c=d`) into ordered pairs; quotes stripped, `\\,` kept as `,`."""
    separator = ","
    if text.startswith("^^") and len(text) > 2:
        separator, text = text[2], text[3:]
    items: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in (separator, "'", "\\"):
            current.append(text[index + 1])
            index += 2
            continue
        if char == "'":
            quoted = not quoted
        elif char == separator and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    items.append("".join(current))
    pairs: list[tuple[str, str]] = []
    for item in items:
        name, sep, value = item.partition("=")
        if sep and name.strip():
            pairs.append((name.strip(), value))
    return pairs


def _take_group(text: str, opener: str, closer: str) -> tuple[str | None, str]:
    if not text.startswith(opener):
        return None, text
    end = text.find(closer)
    if end < 0:
        raise DialStringError("-ERR INVALID_URL\n")
    return text[1:end], text[end + 1 :]


def parse_endpoint(dial: str, plan: OriginatePlan) -> None:
    """Fill endpoint, gateway, number and channel name from the first leg of a dial string."""
    leg = dial.split("|")[0].split(",")[0]
    parts = leg.split("/")
    kind = parts[0].lower()
    if kind == "sofia" and len(parts) >= 4 and parts[1] == "gateway":
        plan.gateway = parts[2]
        plan.number = parts[-1].split("@")[0]
        plan.channel_name = f"sofia/external/{plan.number}@{plan.gateway}"
    elif kind == "sofia" and len(parts) >= 3:
        plan.number = parts[-1].split("@")[0]
        plan.channel_name = f"sofia/{parts[1]}/{parts[-1]}"
    elif kind == "loopback" and len(parts) >= 2:
        plan.number = parts[1]
        plan.channel_name = f"loopback/{plan.number}-a"
    elif kind == "user" and len(parts) >= 2:
        plan.number = parts[1].split("@")[0]
        plan.channel_name = f"sofia/internal/{parts[1]}"
    elif kind == "error" and len(parts) >= 2:
        plan.error_cause = parts[1]
        plan.number = parts[1]
        plan.channel_name = leg
    else:
        raise DialStringError("-ERR CHAN_NOT_IMPLEMENTED\n")
    plan.endpoint = kind
    if not plan.number:
        raise DialStringError("-ERR INVALID_URL\n")


def parse_originate(args_text: str) -> OriginatePlan:
    args = split_args(args_text.strip())
    if len(args) < 2:
        raise DialStringError(ORIGINATE_USAGE)
    dial = args[0]
    plan = OriginatePlan(endpoint="", number="", channel_name="")
    for opener, closer in (("{", "}"), ("<", ">"), ("[", "]")):
        group, dial = _take_group(dial, opener, closer)
        for name, value in parse_variables(group) if group is not None else []:
            plan.variables[name] = value
            if name.startswith("execute_on_answer"):
                plan.on_answer.append(value)
            elif name.startswith("api_on_answer"):
                plan.api_on_answer.append(value)
    variables = plan.variables
    parse_endpoint(dial, plan)
    target = args[1]
    if target.startswith("&"):
        name, _, rest = target[1:].partition("(")
        plan.app = name.strip()
        plan.app_arg = rest[:-1] if rest.endswith(")") else rest
    else:
        plan.extension = target
    optional = [None if a == "undef" else a for a in args[2:7]] + [None] * 5
    plan.dialplan = optional[0] or "XML"
    plan.context = optional[1] or "default"
    plan.cid_name, plan.cid_num = optional[2], optional[3]
    timeout_text = variables.get("originate_timeout") or optional[4]
    if timeout_text:
        try:
            plan.timeout_s = max(float(timeout_text), 0.0)
        except ValueError:
            plan.timeout_s = 60.0
    return plan
