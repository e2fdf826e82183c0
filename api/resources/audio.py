"""Audio files: multipart upload converted to 8 kHz mono WAV, listing, renaming, deletion and download."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import falcon
import peewee

from api.audio_convert import NotAudio, convert_to_wav8k
from api.body import media_type, multipart_parts
from api.errors import ValidationFailed, not_found
from api.fields import Field
from api.fields import parse as parse_fields
from api.media import reserve_path, safe_stem, spool_upload
from api.resources.base import Collection, Family, save_atomically
from api.resources.common import CREATED, ID, UPDATED, owner_from_body, url_field
from ivrd.config import Settings
from ivrd.store.models import AudioFile, User

log = logging.getLogger("ivrd.api")
MAX_TEXT_PART_BYTES = 64 * 1024
SAFE_FILENAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,250}")


def _public_path(obj: Any, ctx: Any) -> str:
    return f"{ctx.settings.media.url_prefix.rstrip('/')}/{obj.audio_file}"


class AudioFiles(Family):
    name = "audio-files"
    model = AudioFile
    summary = "Uploaded prompts, stored as 16-bit mono 8 kHz WAV. POST is multipart/form-data."
    fields = (
        url_field("audio-files"),
        ID,
        Field("name", required=True, description="Label of the audio file."),
        Field(
            "audio_file",
            read_only=True,
            render=_public_path,
            description="Download path of the converted WAV (/usermedia/upload/audiofiles/<file>.wav).",
        ),
        Field("user_id", "int", read_only=True, render=lambda obj, ctx: obj.user_id, description="Owner id."),
        Field("user", "link", family="users", read_only=True, description="Owner hyperlink."),
        Field("original_name", read_only=True, description="Name of the uploaded file."),
        Field("duration_ms", "int", read_only=True, description="Duration in milliseconds."),
        Field("sample_rate", "int", read_only=True, description="Always 8000 (Hz)."),
        CREATED,
        UPDATED,
    )
    upload_fields = (
        Field("name", required=True),
        Field("audio_file", description="The audio file (WAV, FLAC, OGG, MP3 ...), multipart file part."),
        Field("user_id", "int", description="Owner id; only a superuser may upload for another user."),
    )

    def delete(self, req: falcon.Request, obj: Any) -> None:
        path = Path(req.context.settings.media.root) / str(obj.audio_file)
        obj.delete_instance()
        if obj.audio_file:
            path.unlink(missing_ok=True)


class AudioCollection(Collection):
    """POST: multipart fields `name`, `audio_file` (file), optional `user_id`."""

    def __init__(self, family: Family, database: peewee.Database, settings: Settings) -> None:
        super().__init__(family, database, settings.api.page_size)
        self.settings = settings
        self.upload_dir = Path(settings.media.root) / settings.media.uploads_dir

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        if media_type(req) != falcon.MEDIA_MULTIPART:
            raise ValidationFailed(
                {"audio_file": "Upload the file as multipart/form-data (field audio_file)."}
            )
        text, upload, original_name = self._read_form(req)
        try:
            obj = self._store(req, text, upload, original_name)
        finally:
            if upload is not None:
                upload.unlink(missing_ok=True)
        resp.status = falcon.HTTP_201
        resp.location = self.family.url(req, obj)
        resp.media = self.family.render(req, obj)

    def _read_form(self, req: falcon.Request) -> tuple[dict[str, object], Path | None, str]:
        text: dict[str, object] = {}
        upload: Path | None = None
        original_name = ""
        try:
            for part in multipart_parts(req):
                if part.name == "audio_file" and part.filename is not None and upload is None:
                    original_name = part.filename or ""
                    upload = spool_upload(part.stream, self.upload_dir, self.settings.api.upload_max_bytes)
                elif part.name and part.filename is None:
                    data = part.stream.read(MAX_TEXT_PART_BYTES + 1)
                    if len(data) > MAX_TEXT_PART_BYTES:
                        raise ValidationFailed({part.name: "This form field is too large."})
                    text[part.name] = data.decode("utf-8", "replace")
        except BaseException:
            if upload is not None:
                upload.unlink(missing_ok=True)
            raise
        return text, upload, original_name

    def _store(self, req: falcon.Request, text: dict[str, object], upload: Path | None, original: str) -> Any:
        family = self.family
        values, errors = parse_fields(family.fields, text, partial=False)
        owner = owner_from_body(req, text, None, errors, "user_id", "user")
        if upload is None:
            errors.add("audio_file", "No file was submitted.")
        errors.raise_if_any()
        assert upload is not None
        target = reserve_path(self.upload_dir, safe_stem(original), ".wav")
        try:
            converted = convert_to_wav8k(upload, target)
        except NotAudio as exc:
            target.unlink(missing_ok=True)
            raise ValidationFailed({"audio_file": str(exc)}) from None
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        relative = f"{self.settings.media.uploads_dir.strip('/')}/{target.name}"
        return self._create_row(values, owner, relative, original, converted.duration_ms, target)

    def _create_row(
        self,
        values: dict[str, object],
        owner: User,
        relative: str,
        original: str,
        duration_ms: int,
        target: Path,
    ) -> Any:
        try:
            return save_atomically(
                self.database,
                lambda: AudioFile.create(
                    user=owner.id,
                    name=values["name"],
                    audio_file=relative,
                    original_name=original[:300],
                    duration_ms=duration_ms,
                    sample_rate=8000,
                ),
            )
        except BaseException:
            target.unlink(missing_ok=True)
            raise


def send_media_file(resp: falcon.Response, path: Path, filename: str) -> None:
    """Stream a WAV file from the media root; 404 when it is missing on disk."""
    if not path.is_file():
        raise not_found()
    resp.content_type = "audio/wav"
    resp.downloadable_as = filename
    resp.set_stream(path.open("rb"), path.stat().st_size)


class MediaDownload:
    """GET <media.url_prefix><directory>/<file>: a WAV under the media root, for the users `may_read`
    lets see it (404 for everyone else, as for a file that does not exist)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def directory(self) -> str:
        raise NotImplementedError

    def may_read(self, user: User, relative: str, filename: str) -> bool:
        raise NotImplementedError

    def on_get(self, req: falcon.Request, resp: falcon.Response, filename: str) -> None:
        relative = f"{self.directory().strip('/')}/{filename}"
        if not SAFE_FILENAME.fullmatch(filename) or not self.may_read(req.context.user, relative, filename):
            raise not_found()
        send_media_file(resp, Path(self.settings.media.root) / relative, filename)


class AudioDownload(MediaDownload):
    """GET <media.url_prefix><uploads_dir>/<file>: the converted WAV, for its owner or a superuser."""

    def directory(self) -> str:
        return self.settings.media.uploads_dir

    def may_read(self, user: User, relative: str, filename: str) -> bool:
        query = AudioFile.select().where(AudioFile.audio_file == relative)
        if not user.is_superuser:
            query = query.where(AudioFile.user == user.id)
        return bool(query.exists())
