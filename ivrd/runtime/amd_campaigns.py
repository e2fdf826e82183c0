"""A campaign's AMD settings (voicemail, amd_behavior, voicemail_audiofile), read once and cached.

The dialer announces each call with `Dispatcher.expect_leg` before it rings, so the settings are
read while the phone rings and are at hand the moment the call is answered.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from ivrd.amd.policy import AMD_ALWAYS, AMD_BEHAVIORS
from ivrd.runtime.dbwriter import DbWriter
from ivrd.store.models import AudioFile, Campaign

log = logging.getLogger(__name__)

CACHE_TTL_S = 15.0


@dataclass(frozen=True)
class CampaignAmd:
    """What AMD needs from a campaign. `voicemail_audio_path` is absolute (None when none is set)."""

    voicemail: bool
    amd_behavior: int = AMD_ALWAYS
    voicemail_audio_path: str | None = None


OFF = CampaignAmd(voicemail=False)


def load_campaign_amd(campaign_id: int, media_root: Path) -> CampaignAmd:
    """The campaign's settings (a database job); AMD off when the campaign is gone."""
    campaign = Campaign.get_or_none(Campaign.id == campaign_id)
    if campaign is None or not campaign.voicemail:
        return OFF
    behavior = int(campaign.amd_behavior or AMD_ALWAYS)
    if behavior not in AMD_BEHAVIORS:
        log.warning("campaign %s: amd_behavior %r is not 1, 2 or 3; using 1 (always play)", campaign_id,
                    campaign.amd_behavior)
        behavior = AMD_ALWAYS
    path = None
    if campaign.voicemail_audiofile_id is not None:
        audio = AudioFile.get_or_none((AudioFile.id == campaign.voicemail_audiofile_id)
                                      & (AudioFile.user == campaign.user_id))
        if audio is not None and audio.audio_file:
            path = str(media_root / audio.audio_file)
    return CampaignAmd(voicemail=True, amd_behavior=behavior, voicemail_audio_path=path)


class CampaignAmdCache:
    """Settings per campaign, shared by its calls for CACHE_TTL_S seconds."""

    def __init__(self, db: DbWriter, media_root: Path, ttl_s: float = CACHE_TTL_S) -> None:
        self._db = db
        self._media_root = media_root
        self._ttl_s = ttl_s
        self._entries: dict[int, tuple[float, asyncio.Future[CampaignAmd]]] = {}

    def get(self, campaign_id: int) -> asyncio.Future[CampaignAmd]:
        """A future of the settings (already done when they were read recently)."""
        now_s = time.monotonic()
        entry = self._entries.get(campaign_id)
        if entry is not None and now_s - entry[0] < self._ttl_s and not _failed(entry[1]):
            return entry[1]
        media_root = self._media_root
        future = asyncio.ensure_future(self._db.run(lambda: load_campaign_amd(campaign_id, media_root)))
        self._entries[campaign_id] = (now_s, future)
        if len(self._entries) > 1000:
            self._drop_stale(now_s)
        return future

    def current(self, campaign_id: int) -> asyncio.Future[CampaignAmd]:
        """The settings read for this campaign last (whatever their age: a call answered after a long
        ring uses what was read when it was placed), or a fresh read."""
        entry = self._entries.get(campaign_id)
        if entry is not None and not _failed(entry[1]):
            return entry[1]
        return self.get(campaign_id)

    def _drop_stale(self, now_s: float) -> None:
        for key in [k for k, (at_s, _) in self._entries.items() if now_s - at_s >= self._ttl_s]:
            del self._entries[key]


def _failed(future: asyncio.Future[CampaignAmd]) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)
