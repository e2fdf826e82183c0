"""When a running campaign ends: at expiration, or once every subscriber is final and all is imported."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ivrd.campaign.window import CallingWindow, is_expired_s


class EndReason(Enum):
    EXPIRED = "expired"
    ALL_DONE = "all_done"


@dataclass(frozen=True)
class CampaignProgress:
    """Subscriber counts of one campaign. ``open_subscribers`` counts PENDING (retries waiting
    included) and IN_PROCESS ones; ``total_subscribers`` counts all of them."""

    total_subscribers: int
    open_subscribers: int
    phonebooks_imported: bool  # every attached phonebook is in imported_phonebook
    active_calls: int = 0


def campaign_end_reason(now_s: float, window: CallingWindow, progress: CampaignProgress) -> EndReason | None:
    """Why the campaign should move to END now, or None to keep it running.

    A campaign without any subscriber is kept (phonebooks may still be attached); it ends at expiration.
    """
    if is_expired_s(now_s, window):
        return EndReason.EXPIRED
    all_final = progress.open_subscribers == 0 and progress.active_calls == 0
    if progress.phonebooks_imported and progress.total_subscribers > 0 and all_final:
        return EndReason.ALL_DONE
    return None
