"""Users (a user sees themself, superusers all and may create/change users) and api-token-auth."""

from __future__ import annotations

from typing import Any

import falcon

from api.auth import Authenticator
from api.body import read_body
from api.errors import NON_FIELD, ErrorBag, ValidationFailed
from api.fields import Field
from api.links import link
from api.resources.base import Family, owned_by
from api.resources.common import CREATED, ID, UPDATED, count_field, url_field
from ivrd.store.accounts import create_token, hash_password
from ivrd.store.models import ApiToken, User, UserGateway


def _gateways(obj: Any, ctx: Any) -> list[str | None]:
    rows = (
        UserGateway.select(UserGateway.gateway)
        .where(UserGateway.user == obj.id)
        .order_by(UserGateway.gateway)
    )
    return [link(ctx.base_url, "gateway", row.gateway_id) for row in rows]


class Users(Family):
    name = "users"
    model = User
    summary = "Accounts. A user sees only themself; superusers see and change everyone."
    fields = (
        url_field("users"),
        ID,
        Field("username", required=True, description="Unique login name."),
        Field("password", write_only=True, max_length=256, description="Required on create; stored hashed."),
        Field("email"),
        Field("first_name"),
        Field("last_name"),
        Field("is_superuser", "bool"),
        Field("is_active", "bool"),
        count_field("max_frequency", "Campaign frequency limit, calls per minute."),
        count_field("max_callmaxduration_s", "Campaign callmaxduration limit, seconds."),
        count_field("max_maxretry", "Campaign maxretry limit."),
        count_field("max_calltimeout_s", "Campaign calltimeout limit, seconds."),
        count_field("max_campaigns", "Maximum number of campaigns."),
        count_field("max_subscribers_per_campaign", "0 = unlimited."),
        count_field("max_contacts", "Maximum contacts over all phonebooks; 0 = unlimited."),
        Field("whitelist", max_length=1000, description="Regex of numbers always allowed; '' or '*' = none."),
        Field("blacklist", max_length=1000, description="Regex of numbers refused; '' or '*' = none."),
        Field("accountcode"),
        Field("gateways", "links", family="gateway", render=_gateways, description="Gateways granted."),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        return owned_by(User.select(), User.id, user)

    def can_write(self, user: User) -> bool:
        return bool(user.is_superuser)

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        if obj is None and not values.get("password"):
            errors.add("password", "This field is required.")
        username = values.get("username")
        if isinstance(username, str):
            values["username"] = username = username.strip()
            taken = User.select().where(User.username == username)
            if obj is not None:
                taken = taken.where(User.id != obj.id)
            if taken.exists():
                errors.add("username", "A user with that username already exists.")

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        return self.update(req, User(), values, owner)

    def update(self, req: falcon.Request, obj: Any, values: dict[str, object], owner: User) -> Any:
        password = values.pop("password", None)
        if isinstance(password, str) and password:
            obj.password_hash = hash_password(password)
        for name, value in self.columns(values).items():
            setattr(obj, name, value)
        obj.save()
        if "gateways" in values:
            UserGateway.delete().where(UserGateway.user == obj.id).execute()
            gateway_ids = values["gateways"]
            assert isinstance(gateway_ids, list)
            for gateway_id in gateway_ids:
                UserGateway.create(user=obj.id, gateway=gateway_id)
        return obj

    def delete(self, req: falcon.Request, obj: Any) -> None:
        if obj.id == req.context.user.id:
            raise ValidationFailed({NON_FIELD: "You cannot delete your own account."})
        obj.delete_instance(recursive=False)


class TokenAuth:
    """POST /rest-api/api-token-auth/ {username, password} → {"token": key} (created on first use)."""

    auth_required = False

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = read_body(req)
        errors = ErrorBag()
        for name in ("username", "password"):
            if not isinstance(body.get(name), str) or not body[name]:
                errors.add(name, "This field is required.")
        errors.raise_if_any()
        user = self.authenticator.verify(str(body["username"]), str(body["password"]))
        if user is None:
            raise ValidationFailed({NON_FIELD: "Unable to log in with provided credentials."})
        token = ApiToken.select().where(ApiToken.user == user.id).order_by(ApiToken.id).first()
        resp.media = {"token": create_token(user) if token is None else token.key}
