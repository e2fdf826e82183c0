"""Scripted callees and timed faults: the scenario file (scenario.schema.json), validated per field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ivrd.sim.origins import cause_name

SYNTHETIC_KINDS = ("human", "machine", "voicemail", "fax", "silence")
FAULT_KINDS = ("drop", "restart", "malformed", "reply_delay", "flood", "custom_event")


class ScenarioError(ValueError):
    """A scenario field is wrong; the message names it."""


@dataclass(frozen=True)
class Callee:
    """How the far end of a call behaves."""

    ring_ms: int = 1000
    answer: bool = True
    hangup_cause: str | None = None
    early_media: bool = False
    greeting: Path | None = None
    dtmf: tuple[str, ...] = ()
    dtmf_delay_ms: int = 300
    press_during_prompt: bool = False
    speech: Path | None = None
    hangup_after_ms: int | None = None
    fax: bool = False
    label: str = ""


@dataclass(frozen=True)
class Fault:
    at_ms: int
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    """The callee for each dialled number (first matching `match` regex, else the default) and faults."""

    default: Callee = field(default_factory=Callee)
    callees: list[tuple[re.Pattern[str], Callee]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    gateways: frozenset[str] | None = None

    def callee_for(self, number: str) -> Callee:
        for pattern, callee in self.callees:
            if pattern.search(number):
                return callee
        return self.default

    @classmethod
    def from_file(cls, path: str | Path) -> Scenario:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ScenarioError(f"scenario file {path}: {exc.strerror or exc}") from exc
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"scenario file {path}: invalid JSON ({exc})") from exc
        return cls.from_dict(data, base_dir=path.parent)

    @classmethod
    def from_dict(cls, data: Any, base_dir: str | Path | None = None) -> Scenario:
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        if not isinstance(data, dict):
            raise ScenarioError("scenario: must be a JSON object")
        _reject_unknown("scenario", data, {"default", "callees", "faults", "gateways", "description"})
        default = _callee("default", data.get("default", {}), base, Callee())
        callees: list[tuple[re.Pattern[str], Callee]] = []
        raw_callees = data.get("callees", [])
        if not isinstance(raw_callees, list):
            raise ScenarioError("callees: must be a list")
        for index, raw in enumerate(raw_callees):
            where = f"callees[{index}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("match"), str):
                raise ScenarioError(f"{where}.match: required, a regular expression string")
            try:
                pattern = re.compile(raw["match"])
            except re.error as exc:
                raise ScenarioError(f"{where}.match: invalid regular expression ({exc})") from exc
            body = {key: value for key, value in raw.items() if key != "match"}
            callees.append((pattern, _callee(where, body, base, default)))
        faults = [_fault(f"faults[{i}]", raw) for i, raw in enumerate(_list(data, "faults"))]
        gateways = data.get("gateways")
        if gateways is not None and not (
            isinstance(gateways, list) and all(isinstance(g, str) for g in gateways)
        ):
            raise ScenarioError("gateways: must be a list of gateway names")
        return cls(default, callees, faults, frozenset(gateways) if gateways is not None else None)


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ScenarioError(f"{key}: must be a list")
    return value


def _reject_unknown(where: str, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}: unknown field (allowed: {', '.join(sorted(allowed))})")


_INT_FIELDS = ("ring_ms", "dtmf_delay_ms", "hangup_after_ms")
_BOOL_FIELDS = ("answer", "early_media", "press_during_prompt", "fax")


def _callee(where: str, raw: Any, base: Path, inherit: Callee) -> Callee:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be an object")
    names = {f.name for f in fields(Callee)}
    _reject_unknown(where, raw, names)
    values: dict[str, Any] = {f.name: getattr(inherit, f.name) for f in fields(Callee)}
    values["label"] = ""
    for key, value in raw.items():
        values[key] = _callee_value(f"{where}.{key}", key, value, base)
    return Callee(**values)


def _callee_value(where: str, key: str, value: Any, base: Path) -> Any:
    if key in _INT_FIELDS:
        if value is None and key == "hangup_after_ms":
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ScenarioError(f"{where}: must be a non-negative integer (milliseconds)")
        return value
    if key in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise ScenarioError(f"{where}: must be true or false")
        return value
    if key == "hangup_cause":
        if value is None:
            return None
        cause = cause_name(str(value)) if isinstance(value, str | int) else None
        if cause is None:
            raise ScenarioError(f"{where}: unknown hangup cause {value!r}")
        return cause
    if key in ("greeting", "speech"):
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise ScenarioError(f"{where}: must be a WAV file path or synth:human|machine|fax|silence")
        if value.startswith("synth:"):
            if value[len("synth:"):] not in SYNTHETIC_KINDS:
                raise ScenarioError(f"{where}: unknown {value!r} (synth:human|machine|fax|silence)")
            return Path(value)
        path = Path(value)
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise ScenarioError(f"{where}: file {path} does not exist")
        return path
    if key == "dtmf":
        if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
            raise ScenarioError(f"{where}: must be a list of strings")
        bad = next((d for d in value if re.fullmatch(r"[0-9*#A-Da-d]*", d) is None), None)
        if bad is not None:
            raise ScenarioError(f"{where}: {bad!r} holds a character that is not a DTMF digit")
        return tuple(d.upper() for d in value)
    if not isinstance(value, str):
        raise ScenarioError(f"{where}: must be a string")
    return value


def _fault(where: str, raw: Any) -> Fault:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be an object")
    at_ms = raw.get("at_ms")
    if not isinstance(at_ms, int) or isinstance(at_ms, bool) or at_ms < 0:
        raise ScenarioError(f"{where}.at_ms: required, a non-negative integer (ms after start)")
    kind = raw.get("kind")
    if kind not in FAULT_KINDS:
        raise ScenarioError(f"{where}.kind: must be one of {', '.join(FAULT_KINDS)}")
    params = {key: value for key, value in raw.items() if key not in ("at_ms", "kind")}
    allowed = {"reply_delay": {"delay_ms"}, "flood": {"total_bytes"},
               "custom_event": {"subclass", "headers"}}.get(kind, set())
    _reject_unknown(where, params, allowed)
    if kind == "reply_delay" and not isinstance(params.get("delay_ms"), int):
        raise ScenarioError(f"{where}.delay_ms: required, an integer")
    if kind == "custom_event" and not isinstance(params.get("subclass"), str):
        raise ScenarioError(f"{where}.subclass: required, a string")
    return Fault(at_ms, kind, params)
