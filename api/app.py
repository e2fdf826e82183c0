"""The WSGI application: create_app(settings, database) for tests and embedding, get_app() for gunicorn."""

from __future__ import annotations

from typing import Any

import falcon
import peewee

from api import errors
from api.auth import Authenticator, VerificationCache
from api.middleware import AuthMiddleware, ContextMiddleware, DatabaseMiddleware
from api.routes import add_routes
from ivrd.config import Settings, load_settings
from ivrd.store.db import bind, open_database

WsgiApp = falcon.App[falcon.Request, falcon.Response]
DEFAULT_CACHE_TTL_S = 60.0
DEFAULT_CACHE_ENTRIES = 1024


def create_app(
    settings: Settings,
    database: peewee.Database,
    *,
    verification_cache: VerificationCache | None = None,
    cache_passwords: bool = True,
) -> WsgiApp:
    """A Falcon app serving the REST API on `database` (bound to the store's models here)."""
    bind(database)
    if verification_cache is None and cache_passwords:
        verification_cache = VerificationCache(DEFAULT_CACHE_TTL_S, DEFAULT_CACHE_ENTRIES)
    authenticator = Authenticator(verification_cache)
    middleware: list[Any] = [
        ContextMiddleware(settings),
        DatabaseMiddleware(database),
        AuthMiddleware(authenticator),
    ]
    app: WsgiApp = falcon.App(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = False
    app.req_options.auto_parse_qs_csv = False
    errors.install(app)
    add_routes(app, settings, database, authenticator)
    return app


def get_app() -> WsgiApp:
    """The app for the configured database ($IVRD_CONFIG / IVRD_* environment)."""
    settings = load_settings()
    return create_app(settings, open_database(settings.database.url))
