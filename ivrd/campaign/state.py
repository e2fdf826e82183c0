"""Plain values the pacer reads (campaigns, gateways, candidate subscribers) and the plan it returns.

All instants are POSIX seconds (``float``, UTC) and carry ``_s`` in their names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ivrd.campaign.authorization import compile_number_pattern
from ivrd.campaign.status import CampaignStatus
from ivrd.campaign.window import CallingWindow, zone


def _check_not_negative(owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if value is not None and value < 0:
            raise ValueError(f"{name}: must not be negative, got {value}")


@dataclass(frozen=True)
class CampaignState:
    """One campaign as the pacer needs it.

    ``max_aleg`` 0 or None = no campaign concurrency cap. ``calls_per_minute`` 0 = never dial.
    ``next_call_at_s`` is the shared bucket value (None = the first call may go at once).
    ``active_calls`` counts the campaign's calls in progress on every daemon.
    """

    id: int
    status: int
    calls_per_minute: float
    gateway_id: int
    window: CallingWindow = field(default_factory=CallingWindow)
    timezone: str = "UTC"
    max_aleg: int | None = None
    active_calls: int = 0
    next_call_at_s: float | None = None
    whitelist: str = ""
    blacklist: str = ""

    def __post_init__(self) -> None:
        _check_not_negative(self, "calls_per_minute", "max_aleg", "active_calls")
        zone(self.timezone)
        compile_number_pattern(self.whitelist, "whitelist")
        compile_number_pattern(self.blacklist, "blacklist")

    @property
    def running(self) -> bool:
        return self.status == CampaignStatus.START and self.calls_per_minute > 0

    def free_calls(self) -> int | None:
        """Calls the campaign may still add, or None when uncapped."""
        return None if not self.max_aleg else max(0, self.max_aleg - self.active_calls)


@dataclass(frozen=True)
class GatewayState:
    """A gateway's concurrency: ``max_calls`` is its ``maximum_call`` (0 or None = unlimited);
    ``active_calls`` counts its calls in progress on every daemon. Disabled gateways dial nothing."""

    id: int
    max_calls: int | None = None
    active_calls: int = 0
    enabled: bool = True

    def __post_init__(self) -> None:
        _check_not_negative(self, "max_calls", "active_calls")

    def free_calls(self) -> int | None:
        if not self.enabled:
            return 0
        return None if not self.max_calls else max(0, self.max_calls - self.active_calls)


@dataclass(frozen=True)
class Candidate:
    """A PENDING subscriber offered for dialling.

    ``next_attempt_at_s`` None = due now. ``timezone`` is the contact's own IANA zone (None = the
    campaign's); an unknown contact zone falls back to the campaign's. ``in_dnc`` = the number is on the
    campaign's DNC list.
    """

    subscriber_id: int
    campaign_id: int
    contact_id: int
    phone_number: str
    count_attempt: int = 0
    completion_count_attempt: int = 0
    next_attempt_at_s: float | None = None
    timezone: str | None = None
    in_dnc: bool = False


@dataclass(frozen=True)
class DialerState:
    """Everything one pacing decision looks at. ``max_calls`` is the daemon's global cap
    (``dialer.max_calls``) and ``active_calls`` the calls this daemon has in progress."""

    campaigns: Sequence[CampaignState]
    gateways: Sequence[GatewayState]
    candidates: Sequence[Candidate]
    max_calls: int
    active_calls: int = 0

    def __post_init__(self) -> None:
        _check_not_negative(self, "max_calls", "active_calls")


@dataclass(frozen=True)
class DialRequest:
    """Dial this subscriber at ``start_at_s`` (== now unless the pacer plans ahead with a horizon).
    ``attempt_number`` is the subscriber's new ``count_attempt``."""

    subscriber_id: int
    campaign_id: int
    contact_id: int
    gateway_id: int
    phone_number: str
    attempt_number: int
    start_at_s: float
    is_retry: bool


@dataclass(frozen=True)
class DuePlan:
    """The result of one pacing decision.

    - ``dials``: calls to place, in start order.
    - ``not_authorized``: subscriber ids to set NOT_AUTHORIZED (DNC list or whitelist/blacklist).
    - ``next_call_at_s``: new bucket value per campaign that dialled (write back with compare-and-set).
    - ``next_wakeup_s``: when to ask again, computed on the state after these dials (None = only on
      an event such as a call ending or new work).
    """

    dials: tuple[DialRequest, ...] = ()
    not_authorized: tuple[int, ...] = ()
    next_call_at_s: Mapping[int, float] = field(default_factory=dict)
    next_wakeup_s: float | None = None
