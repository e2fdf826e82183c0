"""Serializers declared as field tables: one table drives input coercion, output and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api import coerce, links
from api.coerce import CoerceError
from api.errors import ErrorBag

# Field kinds: int float bool str phone datetime time json tz link links strings
# What null / "" means for an optional, non-nullable field of these kinds.
_EMPTY_VALUES: dict[str, object] = {"str": "", "links": [], "strings": [], "json": "{}"}


@dataclass(frozen=True)
class Field:
    """One serializer field; `attr` is the model attribute when it differs from the JSON name."""

    name: str
    kind: str = "str"
    required: bool = False
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple[int, ...] = ()
    family: str = ""
    attr: str = ""
    filter: bool = False
    description: str = ""
    example: object = None
    render: Callable[[Any, Any], object] | None = field(default=None, compare=False)

    @property
    def source(self) -> str:
        return self.attr or self.name


def coerce_value(f: Field, raw: object, zone: dt.tzinfo = dt.UTC) -> object:
    """The Python value for `raw` (already known not to be null); raises CoerceError."""
    kind = f.kind
    if kind == "int":
        value = coerce.to_int(raw, f.min_value, f.max_value)
        if f.choices and value not in f.choices:
            raise CoerceError(f'"{value}" is not a valid choice; expected one of {list(f.choices)}.')
        return value
    if kind == "float":
        number = coerce.to_float(raw)
        if f.min_value is not None and number < f.min_value:
            raise CoerceError(f"Ensure this value is greater than or equal to {f.min_value}.")
        return number
    if kind == "bool":
        return coerce.to_bool(raw)
    if kind == "phone":
        return coerce.to_phone(raw, f.max_length or 90)
    if kind == "datetime":
        return coerce.to_datetime(raw, zone)
    if kind == "time":
        return coerce.to_time(raw)
    if kind == "json":
        return coerce.to_json_text(raw)
    if kind == "tz":
        return coerce.to_timezone_name(raw)
    if kind == "link":
        return links.parse_link(raw, f.family)
    if kind == "links":
        return links.parse_link_list(raw, f.family)
    if kind == "strings":
        return _string_list(raw, f.max_length)
    return coerce.to_str(raw, f.max_length)


def _string_list(raw: object, max_length: int | None) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or len(items) > 1000:
        raise CoerceError("Expected a list of strings or a comma-separated string.")
    return [coerce.to_phone(item, max_length or 80) for item in items if str(item).strip()]


def parse(
    fields: tuple[Field, ...],
    body: Mapping[str, object],
    *,
    partial: bool,
    zone: dt.tzinfo = dt.UTC,
) -> tuple[dict[str, object], ErrorBag]:
    """Coerce the writable fields present in `body` (unknown ones ignored); missing required are errors."""
    values: dict[str, object] = {}
    errors = ErrorBag()
    for f in fields:
        if f.read_only:
            continue
        if f.name not in body:
            if f.required and not partial:
                errors.add(f.name, "This field is required.")
            continue
        raw = body[f.name]
        if raw is None or (isinstance(raw, str) and raw == "" and f.kind != "str"):
            if f.nullable:
                values[f.name] = None
            elif f.kind in _EMPTY_VALUES and not f.required:
                empty = _EMPTY_VALUES[f.kind]
                values[f.name] = list(empty) if isinstance(empty, list) else empty
            else:
                errors.add(
                    f.name, "This field may not be null." if raw is None else "This field is required."
                )
            continue
        try:
            value = coerce_value(f, raw, zone)
        except CoerceError as exc:
            errors.add(f.name, str(exc))
            continue
        if f.required and f.kind == "str" and not str(value).strip():
            errors.add(f.name, "This field may not be blank.")
            continue
        values[f.name] = value
    return values, errors


def render_value(f: Field, obj: Any, base_url: str) -> object:
    if f.kind == "link":
        return links.link(base_url, f.family, getattr(obj, f"{f.source}_id"))
    value = getattr(obj, f.source)
    if f.kind == "datetime":
        return coerce.format_datetime(value)
    if f.kind == "time":
        return coerce.format_time(value)
    if f.kind == "json":
        return _json_object(value)
    if f.kind == "int" and isinstance(value, bool):
        return int(value)
    return value


def _json_object(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value) if value else {}
        except ValueError:
            return value
    return value


def render(fields: tuple[Field, ...], obj: Any, ctx: Any) -> dict[str, object]:
    """The JSON object for `obj`; fields with their own `render` get (obj, ctx)."""
    out: dict[str, object] = {}
    for f in fields:
        if f.write_only:
            continue
        out[f.name] = f.render(obj, ctx) if f.render is not None else render_value(f, obj, ctx.base_url)
    return out
