"""A started campaign's housekeeping, as a database job: seal its survey, import a bounded slice, end it.

End rule (documented behaviour): a started campaign moves to END when its expiration date has
passed, or when its phonebooks are fully imported, it has at least one subscriber, none is PENDING
(retries waiting included) or IN_PROCESS, and no attempt of any daemon is still open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ivrd.campaign import CampaignProgress, EndReason, campaign_end_reason
from ivrd.runtime.dialer_plan import campaign_window
from ivrd.store import queries_attempts as attempts
from ivrd.store.constants import CampaignStatus
from ivrd.store.models import Campaign, SurveyTemplate
from ivrd.store.queries_dialer import import_phonebooks
from ivrd.store.queries_survey import seal_survey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preparation:
    """What housekeeping found: `running` false when the campaign is no longer started."""

    running: bool
    imported: int = 0
    importing: bool = False
    ended: EndReason | None = None
    error: str = ""


def _seal(campaign: Campaign) -> str:
    """Seals the survey of a campaign started without one; an error text when it cannot run."""
    if campaign.survey_id is not None:
        return ""
    template = SurveyTemplate.get_or_none(SurveyTemplate.id == campaign.survey_template_id) \
        if campaign.survey_template_id is not None else None
    if template is None:
        return f"survey_template: campaign {campaign.id} has no survey template to run"
    seal_survey(template, campaign)
    Campaign.update(has_been_started=True).where(Campaign.id == campaign.id).execute()
    log.info("campaign %s: survey template %s sealed", campaign.id, template.id)
    return ""


def prepare_campaign(campaign_id: int, now_s: float, *, import_batch: int, check_end: bool) -> Preparation:
    """Seal, import up to `import_batch` contacts, and apply the end rule when `check_end`."""
    campaign = Campaign.get_or_none(Campaign.id == campaign_id)
    if campaign is None or campaign.status != CampaignStatus.START:
        return Preparation(running=False)
    error = _seal(campaign)
    if error:
        return Preparation(running=True, error=error)
    progress = import_phonebooks(campaign_id, max_contacts=import_batch)
    if progress.more or not check_end:
        return Preparation(running=True, imported=progress.added, importing=progress.more)
    campaign = Campaign.get_by_id(campaign_id)
    counts = attempts.campaign_counts(campaign)
    try:
        window = campaign_window(campaign)
    except ValueError as exc:
        return Preparation(running=True, imported=progress.added, error=str(exc))
    reason = campaign_end_reason(now_s, window, CampaignProgress(
        total_subscribers=counts.total_subscribers, open_subscribers=counts.open_subscribers,
        phonebooks_imported=counts.phonebooks_imported, active_calls=counts.open_attempts))
    if reason is not None and attempts.end_campaign(campaign_id):
        log.info("campaign %s: END (%s)", campaign_id, reason.value)
        return Preparation(running=False, imported=progress.added, ended=reason)
    return Preparation(running=True, imported=progress.added)
