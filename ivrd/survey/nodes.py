"""Per-section values the machine puts into its actions: prompts, dial strings, rooms, result texts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivrd.survey.actions import Prompt, Transfer
from ivrd.survey.definition import CallContext, SectionDefinition, SurveyDefinition
from ivrd.survey.tags import substitute_tags

CONFERENCE_PROFILE = "default"


@dataclass(frozen=True)
class Prompts:
    """Builds prompts for one call: audio file when the section has one, else TTS of its script."""

    survey: SurveyDefinition
    context: CallContext

    def substitute(self, text: str) -> str:
        return substitute_tags(text, self.context.contact_fields, self.context.additional_vars).strip()

    def tts(self, text: str) -> Prompt | None:
        spoken = self.substitute(text)
        return Prompt(tts_text=spoken, tts_language=self.survey.tts_language) if spoken else None

    def section_prompt(self, section: SectionDefinition) -> Prompt | None:
        """None when there is nothing to play (no audio file, empty script after tags)."""
        if section.audio_path:
            return Prompt(audio_path=section.audio_path, tts_language=self.survey.tts_language)
        return self.tts(section.script)

    def invalid_prompt(self, section: SectionDefinition) -> Prompt | None:
        if section.invalid_audio_path:
            return Prompt(audio_path=section.invalid_audio_path, tts_language=self.survey.tts_language)
        return None


def transfer_destination(section: SectionDefinition, context: CallContext) -> str:
    """additional_vars `transfer_phonenumber` when present, else the section's phonenumber."""
    return context.additional_text("transfer_phonenumber") or section.phonenumber.strip()


def dial_string(destination: str, context: CallContext) -> str:
    """A destination containing '/' is a full dial string; a number goes through the campaign gateway."""
    if "/" in destination:
        return destination
    return context.gateway_dial_prefix + destination


def build_transfer(token: str, section: SectionDefinition, destination: str, prompts: Prompts) -> Transfer:
    context = prompts.context
    confirm_prompt = prompts.tts(section.confirm_script)
    transfer_ref = context.additional_text("transfer_ref")
    return Transfer(
        token=token,
        dial_string=dial_string(destination, context),
        caller_id_number=context.dialled_number,
        ringback=prompts.section_prompt(section),
        confirm_prompt=confirm_prompt,
        confirm_key=section.confirm_key.strip() if confirm_prompt else "",
        headers=(("P-Contact-Transfer-Ref", transfer_ref),) if transfer_ref else (),
    )


def conference_name(section: SectionDefinition, context: CallContext) -> str:
    """The room; an empty conference field means the campaign id."""
    return section.conference.strip() or str(context.campaign_id)


def conference_room(name: str) -> str:
    return f"{name}@{CONFERENCE_PROFILE}"


def sms_destination(context: CallContext) -> str:
    """additional_vars `sms_phonenumber` when present, else the dialled number."""
    return context.additional_text("sms_phonenumber") or context.dialled_number


def recording_file_name(section: SectionDefinition, context: CallContext, execution: int) -> str:
    """`recording-<section>-<call ref>-<execution>.wav`: unique per visit within a call."""
    call_ref = re.sub(r"[^A-Za-z0-9_-]", "", context.call_ref)
    parts = ["recording", str(section.id), call_ref, str(execution)]
    return "-".join(part for part in parts if part) + ".wav"
