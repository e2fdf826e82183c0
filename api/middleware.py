"""Request pipeline: one database connection per request, body size limit, authentication."""

from __future__ import annotations

from typing import Any

import falcon
import peewee

from api.auth import Authenticator
from ivrd.config import Settings


class DatabaseMiddleware:
    """Opens the connection for the request and closes it afterwards (only if this request opened it)."""

    def __init__(self, database: peewee.Database) -> None:
        self.database = database

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.opened_connection = self.database.connect(reuse_if_open=True)

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        if getattr(req.context, "opened_connection", False) and not self.database.is_closed():
            self.database.close()


class ContextMiddleware:
    """Sets req.context.base_url and settings; 413 for bodies over api.upload_max_bytes (unless streamed)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.base_url = settings.api.base_url.rstrip("/")

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.settings = self.settings
        req.context.base_url = self.base_url or req.prefix.rstrip("/")
        req.context.user = None

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, params: dict[str, Any]
    ) -> None:
        length = req.content_length
        limit = self.settings.api.upload_max_bytes
        if length is not None and length > limit and not getattr(resource, "streams_body", False):
            raise falcon.HTTPContentTooLarge(description=f"Request body larger than {limit} bytes.")


class AuthMiddleware:
    """Authenticates every routed request except resources that set `auth_required = False`."""

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    def process_resource(
        self, req: falcon.Request, resp: falcon.Response, resource: Any, params: dict[str, Any]
    ) -> None:
        if resource is None or not getattr(resource, "auth_required", True):
            return
        req.context.user = self.authenticator.authenticate(req.get_header("Authorization"))
