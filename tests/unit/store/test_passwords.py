"""Password hashes: salted, self-describing, verified in constant time, robust to damaged input."""

from __future__ import annotations

import base64
import hashlib

from ivrd.store.accounts import hash_password, verify_password


def test_hash_is_salted_and_self_describing() -> None:
    first = hash_password("correct horse", n=2**4)
    second = hash_password("correct horse", n=2**4)
    assert first != second
    assert first.split("$")[:4] == ["scrypt", "16", "8", "1"]
    assert verify_password(first, "correct horse")
    assert not verify_password(first, "correct horsE")


def test_default_cost_round_trip() -> None:
    stored = hash_password("pw")
    assert stored.startswith("scrypt$16384$")
    assert verify_password(stored, "pw")


def test_django_pbkdf2_hashes_verify() -> None:
    key = hashlib.pbkdf2_hmac("sha256", b"letmein", b"somesalt", 1000)
    stored = f"pbkdf2_sha256$1000$somesalt${base64.b64encode(key).decode()}"
    assert verify_password(stored, "letmein")
    assert not verify_password(stored, "letmeout")


def test_damaged_or_unknown_hashes_never_verify() -> None:
    for stored in ("", "plain", "scrypt$x$8$1$AA$AA", "scrypt$16$8$1$AA", "md5$abc", "scrypt$16$8$1$!!$??"):
        assert not verify_password(stored, "plain")
