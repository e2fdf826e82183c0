"""API test fixtures: an app on the store's `database` fixture (SQLite and PostgreSQL) and callers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import falcon.testing
import peewee
import pytest

from api.app import create_app
from ivrd.config import Settings
from ivrd.store.models import User
from tests.integration.api.helpers import Caller, basic


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = Settings()
    return replace(base, media=replace(base.media, root=str(tmp_path / "media")))


@pytest.fixture
def app(settings: Settings, database: peewee.Database) -> Any:
    return create_app(settings, database)


@pytest.fixture
def client(app: Any) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(app)


@pytest.fixture
def caller(client: falcon.testing.TestClient, make_user: Callable[..., User]) -> Callable[..., Caller]:
    """caller(username, superuser=False, **user_fields) -> Caller with Basic credentials."""

    def factory(username: str, superuser: bool = False, **fields: object) -> Caller:
        user = make_user(username, f"{username}-pw", superuser=superuser, **fields)
        return Caller(user, client, basic(username, f"{username}-pw"))

    return factory


@pytest.fixture
def alice(caller: Callable[..., Caller]) -> Caller:
    return caller("alice")


@pytest.fixture
def bob(caller: Callable[..., Caller]) -> Caller:
    return caller("bob")
