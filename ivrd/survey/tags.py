"""Tag substitution in prompt scripts and SMS texts: `{field}` → the contact's value (spec §1.5).

Rules: every contact column and every key of the contact's `additional_vars` is a tag, the JSON
keys overriding columns; names ending in `_id` are never substituted; `{contact}` and
`{phone1}`..`{phone3}` (any letter case) are spelled digit by digit ("1 2 3") so text-to-speech
reads a phone number; tags with no value are removed. Substitution is one pass: a value that
itself looks like a tag is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["spell_digits", "substitute_tags", "tag_values"]

_TAG = re.compile(r"\{([A-Za-z0-9_]+)\}")
_SPELLED_TAGS = frozenset({"contact", "phone1", "phone2", "phone3"})


def spell_digits(text: str) -> str:
    """Spell a number character by character, separated by spaces: '+3312' → '+ 3 3 1 2'."""
    return " ".join(character for character in text if not character.isspace())


def _as_text(value: object) -> str | None:
    """Scalars become text; None, lists and objects have no tag value."""
    if value is None or isinstance(value, list | dict | tuple | set):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def tag_values(contact_fields: Mapping[str, object], additional_vars: Mapping[str, object]) -> dict[str, str]:
    """The tag table: contact columns, overridden by additional_vars, minus `*_id` names."""
    values: dict[str, str] = {}
    for source in (contact_fields, additional_vars):
        for name, value in source.items():
            text = _as_text(value)
            if text is None or name.endswith("_id"):
                continue
            values[name] = spell_digits(text) if name.lower() in _SPELLED_TAGS else text
    return values


def substitute_tags(
    text: str, contact_fields: Mapping[str, object], additional_vars: Mapping[str, object]
) -> str:
    """Replace every `{name}` tag of `text`; unknown tags disappear."""
    if "{" not in text:
        return text
    values = tag_values(contact_fields, additional_vars)
    return _TAG.sub(lambda match: values.get(match.group(1), ""), text)
