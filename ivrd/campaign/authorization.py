"""Who may be called: the owner's whitelist/blacklist regexes and the campaign's do-not-call list.

Rules (Newfies-compatible): an empty pattern or ``*`` means "no list". A number matching the whitelist
is allowed; otherwise a number matching the blacklist is not authorized; otherwise it is allowed. A
number found in the campaign's DNC list is never called. Patterns are searched anywhere in the number
(``re.search``); anchor them with ``^``/``$`` to match whole numbers.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=256)
def compile_number_pattern(pattern: str, field_name: str = "pattern") -> re.Pattern[str] | None:
    """The compiled pattern, or None for "no list". A bad regex raises ValueError naming the field."""
    text = pattern.strip()
    if not text or text == "*":
        return None
    try:
        return re.compile(text)
    except re.error as exc:
        raise ValueError(f"{field_name}: invalid regular expression {pattern!r}: {exc}") from exc


def is_authorized(phone_number: str, whitelist: str = "", blacklist: str = "") -> bool:
    """Whitelist match → allowed; else blacklist match → not authorized; else allowed."""
    allowed = compile_number_pattern(whitelist, "whitelist")
    if allowed is not None and allowed.search(phone_number):
        return True
    denied = compile_number_pattern(blacklist, "blacklist")
    return denied is None or denied.search(phone_number) is None


def may_call(phone_number: str, *, whitelist: str = "", blacklist: str = "", in_dnc: bool = False) -> bool:
    """False for numbers on the DNC list or refused by the lists; such subscribers become NOT_AUTHORIZED."""
    return not in_dnc and is_authorized(phone_number, whitelist, blacklist)
