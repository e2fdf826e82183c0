"""The systemd notification helper, against a datagram socket standing in for systemd."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivrd.runtime import sdnotify


@pytest.fixture
def systemd_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, dict[str, str]]]:
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(5)
        yield server, {"NOTIFY_SOCKET": str(path)}


def test_ready_with_status_is_one_datagram(systemd_socket: tuple[socket.socket, dict[str, str]]) -> None:
    server, env = systemd_socket
    assert sdnotify.ready("connecting to FreeSWITCH", env)
    assert server.recv(4096) == b"READY=1\nSTATUS=connecting to FreeSWITCH"


def test_watchdog_stopping_and_status(systemd_socket: tuple[socket.socket, dict[str, str]]) -> None:
    server, env = systemd_socket
    assert sdnotify.watchdog(env)
    assert sdnotify.status("12 calls\nup", env)
    assert sdnotify.stopping(env)
    assert [server.recv(4096) for _ in range(3)] == [b"WATCHDOG=1", b"STATUS=12 calls up", b"STOPPING=1"]


def test_abstract_socket_address() -> None:
    name = f"ivrd-sdnotify-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind("\0" + name)
        server.settimeout(5)
        assert sdnotify.ready(env={"NOTIFY_SOCKET": "@" + name})
        assert server.recv(4096) == b"READY=1"


def test_without_systemd_nothing_is_sent(tmp_path: Path) -> None:
    assert not sdnotify.ready(env={})
    assert not sdnotify.watchdog(env={"NOTIFY_SOCKET": "vsock:2:1234"})
    assert not sdnotify.ready(env={"NOTIFY_SOCKET": str(tmp_path / "gone")})  # no listener: no exception


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "30000000"}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}, 15.0),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_is_half_the_timeout(env: dict[str, str], expected: float | None) -> None:
    assert sdnotify.watchdog_interval_s(env) == expected
