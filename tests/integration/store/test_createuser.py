"""`ivrd createuser`: password from stdin, refusals with clear messages, nothing secret printed."""

from __future__ import annotations

import io
from collections.abc import Callable

import peewee
import pytest

from ivrd.cli import main
from ivrd.store.accounts import create_token, user_for_token, verify_password
from ivrd.store.db import bind
from ivrd.store.models import User


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli_env(db_url: str, database: peewee.Database, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    monkeypatch.delenv("IVRD_CONFIG", raising=False)
    monkeypatch.setenv("IVRD_DATABASE_URL", db_url)

    def run(argv: list[str], stdin: str, tty: bool = False) -> int:
        monkeypatch.setattr("sys.stdin", _Terminal(stdin) if tty else io.StringIO(stdin))
        try:
            return main(argv)
        finally:
            bind(database)

    return run


def test_creates_user_from_stdin(cli_env: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["createuser", "alice", "--superuser", "--email", "a@example.org"]
    assert cli_env(argv, "s3cret-pw\nignored\n") == 0
    out, err = capsys.readouterr()
    assert "alice" in out and "s3cret-pw" not in out + err
    user = User.get(User.username == "alice")
    assert user.is_superuser and user.email == "a@example.org"
    assert verify_password(user.password_hash, "s3cret-pw")
    assert not verify_password(user.password_hash, "ignored")
    assert "s3cret-pw" not in user.password_hash


def test_refuses_empty_password(cli_env: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_env(["createuser", "bob"], "\n") == 1
    assert "password: must not be empty" in capsys.readouterr().err
    assert not User.select().where(User.username == "bob").exists()


def test_refuses_duplicate_name(cli_env: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_env(["createuser", "carol"], "pw1\n") == 0
    assert cli_env(["createuser", "carol"], "pw2\n") == 1
    assert "already exists" in capsys.readouterr().err
    assert verify_password(User.get(User.username == "carol").password_hash, "pw1")


def test_token_identifies_active_user(make_user: Callable[..., User]) -> None:
    user = make_user("dave", "pw")
    key = create_token(user)
    assert len(key) == 40 and int(key, 16) >= 0
    found = user_for_token(key)
    assert found is not None and found.id == user.id
    user.is_active = False
    user.save()
    assert user_for_token(key) is None
    assert user_for_token("0" * 40) is None


def test_prompts_twice_on_a_terminal(
    cli_env: Callable[..., int], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["first", "second", "same", "same"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli_env(["createuser", "erin"], "", tty=True) == 1
    assert "differ" in capsys.readouterr().err
    assert cli_env(["createuser", "erin"], "", tty=True) == 0
    assert verify_password(User.get(User.username == "erin").password_hash, "same")
