"""systemd service notifications (READY=1, WATCHDOG=1, STATUS=...) over $NOTIFY_SOCKET, no library."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping


def _address(env: Mapping[str, str]) -> str | None:
    path = env.get("NOTIFY_SOCKET", "")
    if not path.startswith(("/", "@")):
        return None  # unset, or a transport (vsock) ivrd does not speak
    return "\0" + path[1:] if path.startswith("@") else path


def notify(state: str, env: Mapping[str, str] | None = None) -> bool:
    """Sends one state datagram; False when not run by systemd or the send failed."""
    address = _address(os.environ if env is None else env)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
    except OSError:
        return False
    return True


def ready(status: str = "", env: Mapping[str, str] | None = None) -> bool:
    """Startup finished (Type=notify units count as started from here)."""
    return notify("READY=1" + (f"\nSTATUS={status}" if status else ""), env)


def watchdog(env: Mapping[str, str] | None = None) -> bool:
    """Alive ping; must come at least every WatchdogSec or systemd restarts the service."""
    return notify("WATCHDOG=1", env)


def stopping(env: Mapping[str, str] | None = None) -> bool:
    return notify("STOPPING=1", env)


def status(text: str, env: Mapping[str, str] | None = None) -> bool:
    """One line shown by `systemctl status`."""
    return notify("STATUS=" + text.replace("\n", " "), env)


def watchdog_interval_s(env: Mapping[str, str] | None = None) -> float | None:
    """How often to ping (half of WatchdogSec), or None when no watchdog applies to this process."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000
