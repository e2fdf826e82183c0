"""Download of the messages callers recorded in record sections (owner of the survey or superuser)."""

from __future__ import annotations

from api.resources.audio import MediaDownload
from ivrd.config import Settings
from ivrd.store.models import Result, Section, Survey, User


def recording_url(settings: Settings, record_file: str) -> str | None:
    """Download path of a recording named in a result, None when the result has none."""
    if not record_file:
        return None
    prefix = settings.media.url_prefix.rstrip("/")
    return f"{prefix}/{settings.media.recordings_dir.strip('/')}/{record_file}"


class RecordingDownload(MediaDownload):
    """GET <media.url_prefix><recordings_dir>/<file>."""

    def directory(self) -> str:
        return self.settings.media.recordings_dir

    def may_read(self, user: User, relative: str, filename: str) -> bool:
        query = Result.select().join(Section).join(Survey).where(Result.record_file == filename)
        if not user.is_superuser:
            query = query.where(Survey.user == user.id)
        return bool(query.exists())
