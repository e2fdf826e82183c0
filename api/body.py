"""Request bodies as a flat dict: JSON objects, url-encoded forms and the text parts of multipart forms."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
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


def require_length(req: falcon.Request) -> None:
    """Multipart parsing needs the body length; chunked multipart uploads get 411."""
    if req.content_length is None and req.get_header("Transfer-Encoding") is not None:
        raise falcon.HTTPLengthRequired(description="Send multipart/form-data with a Content-Length.")


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
        require_length(req)
        data = {part.name: _part_text(part) for part in _parts(req) if part.name and not part.filename}
    else:
        raise falcon.HTTPUnsupportedMediaType(description=f'Unsupported media type "{kind}" in request.')
    if not isinstance(data, dict):
        raise ValidationFailed(
            {NON_FIELD: f"Invalid data. Expected a dictionary, but got {type(data).__name__}."}
        )
    return {str(key): value for key, value in data.items()}


def _bounded_bytes(req: falcon.Request) -> bytes:
    """The whole body, refusing (413) more than api.upload_max_bytes even when no length was sent."""
    limit: int = req.context.settings.api.upload_max_bytes
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


def _parts(req: falcon.Request) -> Iterator[BodyPart]:
    form = req.get_media()
    yield from form


def _part_text(part: BodyPart) -> str:
    data = part.stream.read(MAX_TEXT_PART_BYTES + 1)
    if len(data) > MAX_TEXT_PART_BYTES:
        raise ValidationFailed({part.name or NON_FIELD: "This form field is too large."})
    return data.decode("utf-8", "replace")
