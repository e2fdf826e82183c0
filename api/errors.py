"""JSON error bodies: {"field": ["message"]} for validation, {"detail": "..."} for everything else."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import falcon

log = logging.getLogger("ivrd.api")

NON_FIELD = "non_field_errors"


class ValidationFailed(Exception):
    """A 400 answer naming every offending field."""

    def __init__(self, errors: Mapping[str, str | list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors: dict[str, list[str]] = {
            name: [message] if isinstance(message, str) else list(message) for name, message in errors.items()
        }


def field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({name: message})


class ErrorBag:
    """Collects messages per field; `raise_if_any()` turns them into one ValidationFailed."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def merge(self, other: Mapping[str, list[str]]) -> None:
        for name, messages in other.items():
            for message in messages:
                self.add(name, message)

    def __contains__(self, name: object) -> bool:
        return name in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def not_found() -> falcon.HTTPNotFound:
    return falcon.HTTPNotFound(description="Not found.")


def forbidden(message: str = "You do not have permission to perform this action.") -> falcon.HTTPForbidden:
    return falcon.HTTPForbidden(description=message)


_DEFAULT_DETAILS = {
    400: "Malformed request.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    413: "Request body too large.",
    415: "Unsupported media type in request.",
}


def _write(resp: falcon.Response, status: str, body: Mapping[str, Any]) -> None:
    resp.status = status
    resp.content_type = falcon.MEDIA_JSON
    resp.text = json.dumps(body)


def handle_validation(req: falcon.Request, resp: falcon.Response, ex: ValidationFailed, params: Any) -> None:
    _write(resp, falcon.HTTP_400, ex.errors)


def serialize_http_error(req: falcon.Request, resp: falcon.Response, exception: falcon.HTTPError) -> None:
    """Every HTTPError (401, 404, 405, 413, 415, malformed JSON ...) as {"detail": "..."}."""
    detail = (
        exception.description or _DEFAULT_DETAILS.get(exception.status_code) or exception.title or "Error."
    )
    if exception.status_code == 405:
        detail = f'Method "{req.method}" not allowed.'
    resp.content_type = falcon.MEDIA_JSON
    resp.text = json.dumps({"detail": detail})


def handle_unexpected(req: falcon.Request, resp: falcon.Response, ex: Exception, params: Any) -> None:
    """Last resort: log the traceback, answer a JSON 500 without details."""
    log.exception("unhandled error on %s %s", req.method, req.path)
    req.context.connection_suspect = True
    _write(resp, falcon.HTTP_500, {"detail": "Internal server error."})


def install(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(ValidationFailed, handle_validation)
    app.set_error_serializer(serialize_http_error)
