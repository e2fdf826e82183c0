"""Gateways (superusers write, users read the ones granted), SMS gateways and caller-id groups."""

from __future__ import annotations

from typing import Any

import falcon

from api.errors import ErrorBag
from api.fields import Field
from api.resources.base import Family
from api.resources.common import CREATED, ID, OWNER, UPDATED, url_field
from ivrd.store.models import CallerIdGroup, CallerIdNumber, Gateway, SmsGateway, User, UserGateway


class Gateways(Family):
    name = "gateway"
    model = Gateway
    summary = "Outbound trunks. Superusers create and change them; users read the gateways granted to them."
    fields = (
        url_field("gateway"),
        ID,
        Field("name", required=True, description="Unique name."),
        Field("status", "int", choices=(0, 1), description="1 active, 0 inactive."),
        Field("description", max_length=10000),
        Field("gateways", description="Dial string prefix, e.g. sofia/gateway/NAME/."),
        Field("addprefix", description="Prefix added to dialled numbers."),
        Field("removeprefix", description="Prefix removed from dialled numbers."),
        Field("gateway_codecs"),
        Field("gateway_timeouts"),
        Field("gateway_retries"),
        Field("originate_dial_string", description="Extra originate variables a=b,c=d."),
        Field("maximum_call", "int", min_value=0, description="Simultaneous calls; 0 = unlimited."),
        Field("failover", "link", family="gateway", nullable=True),
        Field("count_call", "int", read_only=True),
        Field("count_in_use", "int", read_only=True),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        if user.is_superuser:
            return Gateway.select()
        granted = UserGateway.select(UserGateway.gateway).where(UserGateway.user == user.id)
        return Gateway.select().where(Gateway.id.in_(granted))

    def can_write(self, user: User) -> bool:
        return bool(user.is_superuser)

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        name = values.get("name")
        if isinstance(name, str):
            same = Gateway.select().where(Gateway.name == name)
            if obj is not None:
                same = same.where(Gateway.id != obj.id)
            if same.exists():
                errors.add("name", "A gateway with this name already exists.")
        if obj is not None and values.get("failover") == obj.id:
            errors.add("failover", "A gateway cannot fail over to itself.")


class SmsGateways(Family):
    name = "sms-gateway"
    model = SmsGateway
    summary = "SMS gateways (HTTP). Superusers write; users read their own and the shared ones."
    fields = (
        url_field("sms-gateway"),
        ID,
        Field("name", required=True),
        Field("status", "int", choices=(0, 1), description="1 active, 0 inactive."),
        Field("method", description="GET or POST."),
        Field("url_template", description="URL with {destination}, {text}, {sender} tags."),
        Field("body_template", max_length=10000),
        Field("headers", "json", description="JSON object of HTTP headers."),
        Field("user", "link", family="users", nullable=True, description="Owner; null = shared."),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        query = SmsGateway.select()
        if user.is_superuser:
            return query
        return query.where((SmsGateway.user == user.id) | SmsGateway.user.is_null())

    def can_write(self, user: User) -> bool:
        return bool(user.is_superuser)

    def owner_for(self, req: falcon.Request, body: Any, obj: Any, errors: ErrorBag) -> User:
        caller: User = req.context.user
        return caller

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        method = values.get("method")
        if method is not None and str(method).upper() not in ("GET", "POST"):
            errors.add("method", "Must be GET or POST.")
        elif method is not None:
            values["method"] = str(method).upper()
        user_id = values.get("user")
        if user_id is not None and not User.select().where(User.id == user_id).exists():
            errors.add("user", "Invalid hyperlink - Object does not exist.")

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        obj = SmsGateway(**self.columns(values))
        obj.save()
        return obj


def _numbers(obj: Any, ctx: Any) -> list[str]:
    rows = CallerIdNumber.select(CallerIdNumber.number).where(CallerIdNumber.group == obj.id)
    return [row.number for row in rows.order_by(CallerIdNumber.id)]


class CallerIdGroups(Family):
    name = "callerid_group"
    model = CallerIdGroup
    summary = "Pools of caller IDs a campaign rotates through instead of its single callerid."
    fields = (
        url_field("callerid_group"),
        ID,
        Field("name", required=True),
        Field("description", max_length=10000),
        Field(
            "numbers",
            "strings",
            render=_numbers,
            max_length=80,
            description='Caller ID numbers: a JSON list or "n1,n2"; writing replaces the list.',
        ),
        OWNER,
        CREATED,
        UPDATED,
    )

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        obj = super().create(req, values, owner)
        self._write_numbers(obj, values)
        return obj

    def update(self, req: falcon.Request, obj: Any, values: dict[str, object], owner: User) -> Any:
        obj = super().update(req, obj, values, owner)
        self._write_numbers(obj, values)
        return obj

    def _write_numbers(self, obj: Any, values: dict[str, object]) -> None:
        numbers = values.get("numbers")
        if not isinstance(numbers, list):
            return
        CallerIdNumber.delete().where(CallerIdNumber.group == obj.id).execute()
        for number in numbers:
            CallerIdNumber.create(group=obj.id, number=number)
