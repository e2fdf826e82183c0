"""Generic list/detail resources over a route family: owner scoping, relation checks, pagination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

import falcon
import peewee

from api import fields as fieldlib
from api.body import read_body
from api.errors import NON_FIELD, ErrorBag, ValidationFailed, forbidden, not_found
from api.fields import Field
from api.links import link
from api.pagination import paginate
from api.resources.common import owner_from_body
from ivrd.store.models import User

INT32_MAX = 2**31 - 1
MISSING_RELATION = "Invalid hyperlink - Object does not exist."
REGISTRY: dict[str, Family] = {}


def bind_fields(model: Any, table: tuple[Field, ...]) -> tuple[Field, ...]:
    """Fill max_length / integer bounds from the model so the database never sees an oversized value."""
    bound: list[Field] = []
    for f in table:
        column = model._meta.fields.get(f.source)
        if f.kind in ("str", "phone") and f.max_length is None and isinstance(column, peewee.CharField):
            f = replace(f, max_length=column.max_length)
        if f.kind == "int" and not isinstance(column, peewee.BigIntegerField):
            f = replace(
                f,
                min_value=-INT32_MAX - 1 if f.min_value is None else f.min_value,
                max_value=INT32_MAX if f.max_value is None else f.max_value,
            )
        bound.append(f)
    return tuple(bound)


def owned_by(query: Any, owner_column: Any, user: User) -> Any:
    """`query` narrowed to the rows whose `owner_column` (the row's user, or its parent's) is `user`;
    superusers see every row."""
    return query if user.is_superuser else query.where(owner_column == user.id)


class Family:
    """One route family (`/rest-api/<name>/`): its model, field table and ownership rules."""

    name: ClassVar[str]
    model: ClassVar[Any]  # a peewee model class
    fields: ClassVar[tuple[Field, ...]]
    summary: ClassVar[str] = ""
    collection_methods: ClassVar[tuple[str, ...]] = ("GET", "POST")
    item_methods: ClassVar[tuple[str, ...]] = ("GET", "PUT", "PATCH", "DELETE")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "fields" in cls.__dict__:
            cls.fields = bind_fields(cls.model, cls.fields)

    @classmethod
    def schema_name(cls) -> str:
        return "".join(part.capitalize() for part in cls.name.replace("_", "-").split("-"))

    # --- scoping -------------------------------------------------------------------------
    def visible(self, user: User) -> Any:
        """Rows `user` may read (superusers: all)."""
        return owned_by(self.model.select(), self.model.user, user)

    def writable(self, user: User) -> Any:
        return self.visible(user)

    def can_write(self, user: User) -> bool:
        return True

    def linkable(self, owner: User) -> Any:
        """Rows another object owned by `owner` may point to."""
        return self.visible(owner)

    # --- hooks for subclasses ------------------------------------------------------------
    def zone(self, body: Mapping[str, object], obj: Any) -> dt.tzinfo:
        return dt.UTC

    def owner_for(self, req: falcon.Request, body: Mapping[str, object], obj: Any, errors: ErrorBag) -> User:
        """Owner of the object: the caller, or the user a superuser names in `user` (owned models only)."""
        if "user" not in self.model._meta.fields:
            user: User = req.context.user
            return user
        return owner_from_body(req, body, obj, errors, "user")

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        """Family-specific validation; add messages to `errors`."""

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        obj = self.model(**self.columns(values))
        if "user" in self.model._meta.fields:
            obj.user = owner.id
        obj.save()
        return obj

    def update(self, req: falcon.Request, obj: Any, values: dict[str, object], owner: User) -> Any:
        for name, value in self.columns(values).items():
            setattr(obj, name, value)
        save_changes(obj)
        return obj

    def delete(self, req: falcon.Request, obj: Any) -> None:
        obj.delete_instance()

    def render(self, req: falcon.Request, obj: Any) -> dict[str, object]:
        return fieldlib.render(self.fields, obj, req.context)

    def prefetch(self, rows: list[Any]) -> None:
        """Load what rendering a page of rows needs in bulk (hook; avoids one query per row)."""

    def filter_list(self, req: falcon.Request, query: Any) -> Any:
        """Apply ?<field>=<value> filters of fields declared with filter=True."""
        for f in self.fields:
            if not f.filter or f.name not in req.params:
                continue
            try:
                value = fieldlib.coerce_value(f, req.params[f.name])
            except ValueError as exc:
                raise ValidationFailed({f.name: str(exc)}) from None
            column = getattr(self.model, f.source)
            query = query.where(column == value)
        return query

    # --- helpers -------------------------------------------------------------------------
    def columns(self, values: Mapping[str, object]) -> dict[str, object]:
        by_name = {f.name: f for f in self.fields}
        return {
            by_name[name].source: value
            for name, value in values.items()
            if name in by_name
            and by_name[name].kind != "links"
            and by_name[name].source in self.model._meta.fields
        }

    def url(self, req: falcon.Request, obj: Any) -> str:
        return link(req.context.base_url, self.name, obj.id) or ""

    def get_visible(self, user: User, object_id: int) -> Any:
        obj = self.visible(user).where(self.model.id == object_id).first()
        if obj is None:
            raise not_found()
        return obj

    def check_relations(self, values: Mapping[str, object], owner: User, errors: ErrorBag) -> None:
        for f in self.fields:
            if f.kind not in ("link", "links") or f.family == "users" or values.get(f.name) in (None, []):
                continue
            ids = values[f.name] if f.kind == "links" else [values[f.name]]
            assert isinstance(ids, list)
            target = REGISTRY[f.family]
            found = {row.id for row in target.linkable(owner).where(target.model.id.in_(ids))}
            if any(object_id not in found for object_id in ids):
                errors.add(f.name, MISSING_RELATION)

    def parse(self, req: falcon.Request, obj: Any, *, partial: bool) -> tuple[dict[str, object], User]:
        body = read_body(req)
        values, errors = fieldlib.parse(self.fields, body, partial=partial, zone=self.zone(body, obj))
        owner = self.owner_for(req, body, obj, errors)
        self.check_relations(values, owner, errors)
        if not errors:
            self.check(req, values, obj, owner, errors)
        errors.raise_if_any()
        return values, owner


def save_changes(obj: Any) -> None:
    """Write only the columns this request changed, so concurrent writes by the daemon to other
    columns (counters, pacing state) are never overwritten with stale values."""
    dirty = list(obj.dirty_fields)
    if dirty:
        obj.save(only=[*dirty, type(obj).updated_date])


def save_atomically(database: peewee.Database, action: Any) -> Any:
    """Run a write in a transaction; a constraint violation becomes a 400, never a 500."""
    try:
        with database.atomic():
            return action()
    except peewee.IntegrityError as exc:
        raise ValidationFailed(
            {NON_FIELD: f"The object conflicts with existing data ({_first_line(exc)})."}
        ) from None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


class Collection:
    """`/rest-api/<family>/`: GET (paginated list) and POST (create)."""

    def __init__(self, family: Family, database: peewee.Database, page_size: int) -> None:
        self.family = family
        self.database = database
        self.page_size = page_size
        if "POST" not in family.collection_methods:
            self.on_post = None  # type: ignore[assignment]

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        family = self.family
        query = family.filter_list(req, family.visible(req.context.user)).order_by(family.model.id)
        resp.media = paginate(
            query, req, self.page_size, lambda row: family.render(req, row), family.prefetch
        )

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        family = self.family
        if not family.can_write(req.context.user):
            raise forbidden()
        values, owner = family.parse(req, None, partial=False)
        obj = save_atomically(self.database, lambda: family.create(req, values, owner))
        resp.status = falcon.HTTP_201
        resp.location = family.url(req, obj)
        resp.media = family.render(req, obj)


class Item:
    """`/rest-api/<family>/<id>/`: GET, PUT, PATCH, DELETE."""

    def __init__(self, family: Family, database: peewee.Database) -> None:
        self.family = family
        self.database = database
        for method in ("PUT", "PATCH", "DELETE"):
            if method not in family.item_methods:
                setattr(self, f"on_{method.lower()}", None)

    def on_get(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        resp.media = self.family.render(req, self.family.get_visible(req.context.user, object_id))

    def _writable(self, req: falcon.Request, object_id: int) -> Any:
        family, user = self.family, req.context.user
        obj = family.get_visible(user, object_id)
        if not family.can_write(user) or not family.writable(user).where(family.model.id == obj.id).exists():
            raise forbidden()
        return obj

    def _update(self, req: falcon.Request, resp: falcon.Response, object_id: int, partial: bool) -> None:
        family = self.family
        obj = self._writable(req, object_id)
        values, owner = family.parse(req, obj, partial=partial)
        obj = save_atomically(self.database, lambda: family.update(req, obj, values, owner))
        resp.media = family.render(req, obj)

    def on_put(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        self._update(req, resp, object_id, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        self._update(req, resp, object_id, partial=True)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        obj = self._writable(req, object_id)
        save_atomically(self.database, lambda: self.family.delete(req, obj))
        resp.status = falcon.HTTP_204
