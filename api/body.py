"""Request bodies as a flat dict: JSON objects, url-encoded forms and the text parts of multipart forms."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import IO, Any, cast

import falcon
from falcon.media.multipart import BodyPart

from api.errors import NON_FIELD, ValidationFailed

MAX_TEXT_PART_BYTES = 1024 * 1024
FORM_TYPES = (falcon.MEDIA_URLENCODED, falcon.MEDIA_MULTIPART)


def media_type(req: falcon.Request) -> str:
    return (req.content_type or "").split(";", 1)[0].strip().lower()


def _has_body(req: falcon.Request) -> bool:
    if req.content_length is not None:
        return req.content_length > 0
    return req.get_header("Transfer-Encoding") is not None


def body_stream(req: falcon.Request) -> IO[bytes]:
    """The body as a stream: bounded by Content-Length, or the server's de-chunked input to EOF."""
    if req.content_length is not None:
        return cast(IO[bytes], req.bounded_stream)
    if req.get_header("Transfer-Encoding") is not None:
        return cast(IO[bytes], req.stream)
    return io.BytesIO(b"")


MULTIPART_SLACK_BYTES = 64 * 1024  # boundaries, part headers and text fields around the file


def multipart_parts(req: falcon.Request) -> Iterable[BodyPart]:
    """The parts of a multipart/form-data body. A chunked body (no Content-Length) is read whole
    first, up to api.upload_max_bytes plus room for the form around the file (413 beyond)."""
    if req.content_length is not None or req.get_header("Transfer-Encoding") is None:
        return cast(Iterable[BodyPart], req.get_media())
    data = _bounded_bytes(req, MULTIPART_SLACK_BYTES)
    handler = req.options.media_handlers[falcon.MEDIA_MULTIPART]
    return cast(Iterable[BodyPart], handler.deserialize(io.BytesIO(data), req.content_type, len(data)))


def read_body(req: falcon.Request) -> dict[str, object]:
    """The body as a dict of field → value; 400 when it is not an object, 415 for other media types."""
    if not _has_body(req):
        return {}
    kind = media_type(req)
    if kind in ("", falcon.MEDIA_JSON) or kind.endswith("+json"):
        data: Any = _parse_json(_bounded_bytes(req))
    elif kind == falcon.MEDIA_URLENCODED:
        text = _bounded_bytes(req).decode("utf-8", "replace")
        data = falcon.uri.parse_query_string(text, keep_blank=True, csv=False)
    elif kind == falcon.MEDIA_MULTIPART:
        parts = multipart_parts(req)
        data = {part.name: _part_text(part) for part in parts if part.name and not part.filename}
    else:
        raise falcon.HTTPUnsupportedMediaType(description=f'Unsupported media type "{kind}" in request.')
    if not isinstance(data, dict):
        raise ValidationFailed(
            {NON_FIELD: f"Invalid data. Expected a dictionary, but got {type(data).__name__}."}
        )
    return {str(key): value for key, value in data.items()}


def _bounded_bytes(req: falcon.Request, slack_bytes: int = 0) -> bytes:
    """The whole body, refusing (413) more than api.upload_max_bytes (plus `slack_bytes`) even when
    no length was sent."""
    limit: int = req.context.settings.api.upload_max_bytes + slack_bytes
    data: bytes = body_stream(req).read(limit + 1)
    if len(data) > limit:
        raise falcon.HTTPContentTooLarge(description=f"Request body larger than {limit} bytes.")
    return data


def _parse_json(data: bytes) -> Any:
    if not data.strip():
        return {}
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise falcon.HTTPBadRequest(description=f"JSON parse error - {str(exc)[:200]}") from None


def _part_text(part: BodyPart) -> str:
    data = part.stream.read(MAX_TEXT_PART_BYTES + 1)
    if len(data) > MAX_TEXT_PART_BYTES:
        raise ValidationFailed({part.name or NON_FIELD: "This form field is too large."})
    return data.decode("utf-8", "replace")
