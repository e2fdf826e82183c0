"""Basic and Token authentication and the password-verification cache (on a SQLite file, no sockets)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import falcon
import peewee
import pytest

from api import auth
from api.auth import Authenticator, VerificationCache
from ivrd.store import accounts
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate


class FakeClock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def test_cache_expires_and_is_bounded() -> None:
    clock = FakeClock()
    cache = VerificationCache(ttl_s=10, max_entries=2, clock=clock)
    keys = [cache.key("u", f"p{n}", "hash") for n in range(3)]
    assert len(set(keys)) == 3 and cache.key("u", "p0", "other-hash") != keys[0]
    cache.remember(keys[0])
    assert cache.hit(keys[0])
    clock.now_s += 10
    assert not cache.hit(keys[0])
    for key in keys:
        cache.remember(key)
    assert len(cache) == 2 and not cache.hit(keys[0]) and cache.hit(keys[2])


def test_keys_are_secret_per_cache() -> None:
    assert VerificationCache().key("u", "p", "h") != VerificationCache().key("u", "p", "h")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[peewee.Database]:
    database = open_database(f"sqlite:///{tmp_path / 'auth.db'}")
    database.connect()
    bind(database)
    migrate(database)
    accounts.create_user("alice", "s3cret", scrypt_n=16)
    yield database
    database.close()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_uses_the_cache_after_one_verification(
    db: peewee.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda stored, pw: calls.append(pw) or real(stored, pw))
    authenticator = Authenticator(VerificationCache())
    for _ in range(3):
        assert authenticator.authenticate(basic("alice", "s3cret")).username == "alice"
    assert calls == ["s3cret"]
    with pytest.raises(falcon.HTTPUnauthorized):
        authenticator.authenticate(basic("alice", "wrong"))
    assert calls == ["s3cret", "wrong"]


def test_without_cache_every_request_verifies(db: peewee.Database, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda stored, pw: calls.append(pw) or real(stored, pw))
    authenticator = Authenticator(None)
    authenticator.authenticate(basic("alice", "s3cret"))
    authenticator.authenticate(basic("alice", "s3cret"))
    assert len(calls) == 2


def test_token_and_malformed_headers(db: peewee.Database) -> None:
    from ivrd.store.models import User

    key = accounts.create_token(User.get(User.username == "alice"))
    authenticator = Authenticator(VerificationCache())
    assert authenticator.authenticate(f"Token {key}").username == "alice"
    for header in (
        None,
        "",
        "Token nope",
        "Basic ***",
        "Basic " + base64.b64encode(b"nocolon").decode(),
        "Digest x",
        "Basic " + "A" * 5000,
    ):
        with pytest.raises(falcon.HTTPUnauthorized) as caught:
            authenticator.authenticate(header)
        assert caught.value.headers is not None and "WWW-Authenticate" in caught.value.headers
