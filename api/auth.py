"""HTTP Basic and `Authorization: Token <key>` authentication with a bounded, short-lived password cache."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import falcon

from ivrd.store.accounts import user_for_token, verify_password
from ivrd.store.models import User

CHALLENGES = ['Basic realm="ivrd"', "Token"]
MAX_CREDENTIAL_CHARS = 4096
MAX_USERNAME_CHARS = 150
_TOKEN_KEY = re.compile(r"[0-9a-fA-F]{40}")


class VerificationCache:
    """Remembers successful password checks, keyed by HMAC(username, password, stored hash).

    The key covers the stored hash, so changing a password invalidates old entries at once; the
    secret is per process and never leaves memory, so the keys reveal nothing about passwords.
    """

    def __init__(
        self, ttl_s: float = 60.0, max_entries: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, username: str, password: str, stored_hash: str) -> bytes:
        message = b"\x00".join(
            part.encode("utf-8", "surrogatepass") for part in (username, password, stored_hash)
        )
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def hit(self, key: bytes) -> bool:
        now = self._clock()
        with self._lock:
            expires_at = self._entries.get(key)
            if expires_at is None:
                return False
            if expires_at <= now:
                del self._entries[key]
                return False
            self._entries.move_to_end(key)
            return True

    def remember(self, key: bytes) -> None:
        with self._lock:
            self._entries[key] = self._clock() + self.ttl_s
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def unauthorized(message: str) -> falcon.HTTPUnauthorized:
    return falcon.HTTPUnauthorized(description=message, challenges=CHALLENGES)


def _basic_credentials(encoded: str) -> tuple[str, str]:
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise unauthorized("Invalid basic header. Credentials not correctly base64 encoded.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    username, sep, password = text.partition(":")
    if not sep:
        raise unauthorized("Invalid basic header. Credentials string should not contain spaces.")
    return username, password


class Authenticator:
    """Turns an Authorization header into an active User, or raises 401."""

    def __init__(self, cache: VerificationCache | None = None) -> None:
        self.cache = cache

    def authenticate(self, header: str | None) -> User:
        if not header:
            raise unauthorized("Authentication credentials were not provided.")
        if len(header) > MAX_CREDENTIAL_CHARS:
            raise unauthorized("Invalid credentials header.")
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() == "basic" and value:
            return self.check_password(*_basic_credentials(value))
        if scheme.lower() == "token" and value.strip():
            key = value.strip()
            user = user_for_token(key) if _TOKEN_KEY.fullmatch(key) else None
            if user is None:
                raise unauthorized("Invalid token.")
            return user
        raise unauthorized("Invalid authorization header; use Basic or Token.")

    def check_password(self, username: str, password: str) -> User:
        usable = 0 < len(username) <= MAX_USERNAME_CHARS and "\x00" not in username
        user = User.get_or_none(User.username == username) if usable else None
        if user is None or not user.is_active or not user.password_hash:
            raise unauthorized("Invalid username/password.")
        stored = str(user.password_hash)
        key = self.cache.key(username, password, stored) if self.cache is not None else b""
        if self.cache is not None and self.cache.hit(key):
            return user
        if not verify_password(stored, password):
            raise unauthorized("Invalid username/password.")
        if self.cache is not None:
            self.cache.remember(key)
        return user

    def verify(self, username: str, password: str) -> User | None:
        """The user for these credentials or None (api-token-auth)."""
        try:
            return self.check_password(username, password)
        except falcon.HTTPUnauthorized:
            return None
