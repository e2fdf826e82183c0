"""Download of the messages callers recorded in record sections (owner of the survey or superuser)."""

from __future__ import annotations

from pathlib import Path

import falcon

from api.errors import not_found
from api.resources.audio import SAFE_FILENAME, send_media_file
from ivrd.config import Settings
from ivrd.store.models import Result, Section, Survey, User


def recording_url(settings: Settings, record_file: str) -> str | None:
    """Download path of a recording named in a result, None when the result has none."""
    if not record_file:
        return None
    prefix = settings.media.url_prefix.rstrip("/")
    return f"{prefix}/{settings.media.recordings_dir.strip('/')}/{record_file}"


class RecordingDownload:
    """GET <media.url_prefix><recordings_dir>/<file>."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_get(self, req: falcon.Request, resp: falcon.Response, filename: str) -> None:
        user: User = req.context.user
        if not SAFE_FILENAME.fullmatch(filename):
            raise not_found()
        query = Result.select().join(Section).join(Survey).where(Result.record_file == filename)
        if not user.is_superuser:
            query = query.where(Survey.user == user.id)
        if not query.exists():
            raise not_found()
        path = Path(self.settings.media.root) / self.settings.media.recordings_dir / filename
        send_media_file(resp, path, filename)
