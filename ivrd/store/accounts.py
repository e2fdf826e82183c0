"""Password hashing (salted, self-describing), user creation and API tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import peewee

from ivrd.store.models import ApiToken, User

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32


class AccountError(ValueError):
    """A user cannot be created as asked; the message says why."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """Returns `scrypt$n$r$p$salt$hash` (base64 salt and hash) for `password`."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_KEY_BYTES, maxmem=2**26)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def _verify_scrypt(parts: list[str], candidate: str) -> bool:
    if len(parts) != 6:
        return False
    n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
    expected = _unb64(parts[5])
    key = hashlib.scrypt(
        candidate.encode("utf-8"), salt=_unb64(parts[4]), n=n, r=r, p=p, dklen=len(expected), maxmem=2**26
    )
    return hmac.compare_digest(key, expected)


def _verify_pbkdf2(parts: list[str], candidate: str) -> bool:
    """Django's `pbkdf2_sha256$iterations$salt$hash`, so imported accounts keep their passwords."""
    if len(parts) != 4:
        return False
    expected = base64.b64decode(parts[3])
    key = hashlib.pbkdf2_hmac("sha256", candidate.encode("utf-8"), parts[2].encode("utf-8"), int(parts[1]))
    return hmac.compare_digest(key, expected)


def verify_password(stored: str, candidate: str) -> bool:
    """True when `candidate` matches the stored hash; False for any unknown or damaged format."""
    parts = stored.split("$")
    try:
        if parts[0] == "scrypt":
            return _verify_scrypt(parts, candidate)
        if parts[0] == "pbkdf2_sha256":
            return _verify_pbkdf2(parts, candidate)
    except (ValueError, TypeError):
        return False
    return False


def create_user(
    username: str,
    password: str,
    *,
    email: str = "",
    superuser: bool = False,
    scrypt_n: int = SCRYPT_N,
) -> User:
    """Creates an active user; AccountError for an empty name/password or a taken name."""
    username = username.strip()
    if not username:
        raise AccountError("username: must not be empty")
    if not password:
        raise AccountError("password: must not be empty")
    if User.select().where(User.username == username).exists():
        raise AccountError(f"username: a user named {username!r} already exists")
    try:
        return User.create(
            username=username,
            password_hash=hash_password(password, n=scrypt_n),
            email=email,
            is_superuser=superuser,
        )
    except peewee.IntegrityError:
        raise AccountError(f"username: a user named {username!r} already exists") from None


def create_token(user: User) -> str:
    """Creates and returns a new 40-hex-character API token for `user`."""
    key = secrets.token_hex(20)
    ApiToken.create(key=key, user=user)
    return key


def user_for_token(key: str) -> User | None:
    """The active user owning API token `key`, or None."""
    token = ApiToken.select(ApiToken, User).join(User).where(ApiToken.key == key).first()
    if token is None or not token.user.is_active:
        return None
    user: User = token.user
    return user
