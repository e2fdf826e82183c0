"""Exceptions of the Event Socket layer: protocol violations, lost links and rejected logins."""

from __future__ import annotations


class EslError(Exception):
    """Base class of every Event Socket error."""


class RemoteProtocolError(EslError):
    """The peer sent bytes that are not a valid Event Socket stream.

    `frames` holds the frames that were complete before the bad bytes, so a caller can
    still dispatch them before dropping the connection.
    """

    def __init__(self, message: str, frames: list[object] | None = None) -> None:
        super().__init__(message)
        self.frames: list[object] = frames if frames is not None else []


class LocalProtocolError(EslError):
    """A command could not be built: an argument would break the wire format."""


class ConnectionLost(EslError):
    """The connection to FreeSWITCH ended; every command still waiting for a reply fails with this."""


class AuthenticationFailed(EslError):
    """FreeSWITCH rejected the password. Final: reconnecting with the same password cannot help."""


class CommandFailed(EslError):
    """FreeSWITCH answered a command with -ERR (only raised by helpers that ask for it)."""

    def __init__(self, command: str, reply: str) -> None:
        super().__init__(f"{command!r} failed: {reply}")
        self.command = command
        self.reply = reply
