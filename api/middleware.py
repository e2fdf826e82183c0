"""Request pipeline: a database connection per worker thread, body size limit, authentication."""

from __future__ import annotations

import threading
from typing import Any

import falcon
import peewee

from api.auth import Authenticator
from ivrd.config import Settings


class DatabaseMiddleware:
    """Makes sure the thread has a connection for the request.

    With `persistent` the connection this middleware opened stays open for the thread's next request
    (gunicorn sync workers serve one request at a time per process, so this saves a connect per
    request, which matters on PostgreSQL); it is closed after a request that failed unexpectedly, so
    a broken connection is not reused. Without it, the connection is closed after each request.
    A connection opened by someone else (e.g. a test) is left alone.
    """

    def __init__(self, database: peewee.Database, persistent: bool = True) -> None:
        self.database = database
        self.persistent = persistent
        self._owned = threading.local()

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if self.database.is_closed():
            self.database.connect()
            self._owned.value = True

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        if not getattr(self._owned, "value", False) or self.database.is_closed():
            return
        if not self.persistent or getattr(req.context, "connection_suspect", False):
            self.database.close()
            self._owned.value = False


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
