"""Field-table building blocks shared by the route families (id, url, owner, timestamps)."""

from __future__ import annotations

from typing import Any

import falcon

from api.coerce import CoerceError
from api.errors import ErrorBag
from api.fields import Field
from api.links import link, parse_link
from ivrd.store.models import User


def url_field(family: str) -> Field:
    return Field(
        "url",
        read_only=True,
        description=f"Hyperlink of this object (/rest-api/{family}/<id>/).",
        render=lambda obj, ctx: link(ctx.base_url, family, obj.id),
    )


ID = Field("id", "int", read_only=True, description="Numeric id (also the last part of url).")
CREATED = Field("created_date", "datetime", read_only=True, description="Creation time, ISO 8601.")
UPDATED = Field("updated_date", "datetime", read_only=True, description="Last change, ISO 8601.")
OWNER = Field(
    "user",
    "link",
    family="users",
    description="Owner. Taken from the caller; only a superuser may name another user.",
)


def count_field(name: str, description: str) -> Field:
    return Field(name, "int", min_value=0, description=description)


def owner_from_body(req: falcon.Request, body: Any, obj: Any, errors: ErrorBag, *names: str) -> User:
    """The owner of a new/changed object: the caller, or the user a superuser names in `names`.

    A non-superuser may repeat their own id; naming anyone else is a 400 on that field.
    """
    caller: User = req.context.user
    current = caller if obj is None else User.get_by_id(obj.user_id)
    for name in names:
        raw = body.get(name)
        if raw in (None, ""):
            continue
        try:
            user_id = parse_link(raw.strip('"') if isinstance(raw, str) else raw, "users")
        except CoerceError as exc:
            errors.add(name, str(exc))
            return current
        if user_id == current.id:
            return current
        if not caller.is_superuser:
            errors.add(name, "You may only act for yourself.")
            return current
        target = User.get_or_none(User.id == user_id)
        if target is None:
            errors.add(name, "Invalid hyperlink - Object does not exist.")
            return current
        return target
    return current
