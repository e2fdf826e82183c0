"""Per-connection event subscription and filters, with mod_event_socket's matching rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivrd.sim.events import EVENT_NAMES, Event, canonical_event_name

FORMATS = ("plain", "json", "xml")


def _compile_filter_regex(value: str) -> re.Pattern[str] | None:
    """`/pattern/flags` as switch_regex_compile reads it (flags i, m, s, x)."""
    body = value[1:]
    flags = 0
    if "/" in body:
        body, _, flag_text = body.rpartition("/")
        for letter in flag_text:
            flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(letter, 0)
    try:
        return re.compile(body, flags)
    except re.error:
        return None


@dataclass
class EventFilter:
    header: str
    value: str

    def matches(self, header: str, value: str) -> bool:
        """Whether `filter delete <header> [<value>]` removes this filter."""
        return self.header.lower() == header.lower() and (not value or self.value == value)

    def verdict(self, event_value: str) -> tuple[bool, bool]:
        """(positive?, matched?) for a header value, following the +/- prefix and `/regex/` rules."""
        comp_to = self.value
        positive = True
        while comp_to and comp_to[0] in "+- ":
            if comp_to[0] != " ":
                positive = comp_to[0] == "+"
            comp_to = comp_to[1:]
        if self.value.startswith("/"):
            pattern = _compile_filter_regex(comp_to)
            return positive, bool(pattern and pattern.search(event_value))
        return positive, event_value.lower() == comp_to.lower()


@dataclass
class Subscription:
    """What one listener receives: format, names, CUSTOM subclasses and filters."""

    event_format: str = "plain"
    enabled: bool = False
    all_events: bool = False
    names: set[str] = field(default_factory=set)
    subclasses: set[str] = field(default_factory=set)
    filters: list[EventFilter] = field(default_factory=list)

    def subscribe(self, tokens: list[str]) -> str:
        """Apply `event <format> <names...>`; returns the Reply-Text."""
        keys = 0
        custom = False
        for index, token in enumerate(tokens):
            if index == 0 and token.lower() in FORMATS:
                self.event_format = token.lower()
                continue
            if custom:
                self.subclasses.add(token)
                continue
            name = canonical_event_name(token)
            if name is None:
                continue
            keys += 1
            if name == "ALL":
                self.all_events = True
            self.names.add(name)
            custom = custom or name == "CUSTOM"
        if not keys:
            return "-ERR no keywords supplied"
        self.enabled = True
        return f"+OK event listener enabled {self.event_format}"

    def nix(self, tokens: list[str]) -> str:
        """Apply `nixevent <names...>`; returns the Reply-Text."""
        keys = 0
        custom = False
        for token in tokens:
            if custom:
                self.subclasses.discard(token)
                continue
            name = canonical_event_name(token)
            if name is None:
                continue
            keys += 1
            if name == "CUSTOM":
                custom = True
            elif name == "ALL":
                self.all_events = False
                self.names.clear()
            else:
                if self.all_events:
                    self.all_events = False
                    self.names.discard("ALL")
                    self._expand_all()
                self.names.discard(name)
        return "+OK events nixed" if keys else "-ERR no keywords supplied"

    def _expand_all(self) -> None:
        self.names |= set(EVENT_NAMES) - {"ALL"}

    def stop(self) -> str:
        """Apply `noevents`."""
        if not self.enabled:
            return "-ERR not listening for events"
        self.enabled = False
        self.all_events = False
        self.names.clear()
        self.subclasses.clear()
        return "+OK no longer listening for events"

    def filter_command(self, args: str) -> str:
        """Apply `filter [add|delete] <Header> [<value>]`; returns the Reply-Text."""
        header, sep, value = args.lstrip(" ").partition(" ")
        if header.lower() == "delete" and sep:
            name, _, delete_value = value.partition(" ")
            if name.lower() == "all":
                self.filters.clear()
            else:
                self.filters = [f for f in self.filters if not f.matches(name, delete_value)]
            return f"+OK filter deleted. [{name}][{delete_value}]"
        if not sep:
            return "-ERR invalid syntax"
        if header.lower() == "add":
            header, sep, value = value.partition(" ")
            if not sep:
                return "-ERR invalid syntax"
        self.filters.append(EventFilter(header, value))
        return f"+OK filter added. [{header}]=[{value}]"

    def listens_to(self, event: Event) -> bool:
        if not self.enabled:
            return False
        if self.all_events:
            return True
        if event.name not in self.names:
            return False
        return event.name != "CUSTOM" or event.subclass is None or event.subclass in self.subclasses

    def passes_filters(self, event: Event) -> bool:
        if not self.filters:
            return True
        send = False
        for event_filter in self.filters:
            value = event.get(event_filter.header)
            if value is None:
                continue
            positive, matched = event_filter.verdict(value)
            if send and positive:
                continue
            if matched:
                if not positive:
                    return False
                send = True
        return send

    def wants(self, event: Event) -> bool:
        return self.listens_to(event) and self.passes_filters(event)
