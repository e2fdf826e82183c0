"""Survey templates (editable) and sealed surveys (frozen copies a campaign runs on), spec §1-2."""

from __future__ import annotations

import peewee

from ivrd.store.models_base import BaseModel
from ivrd.store.models_users import AudioFile, User


class SurveyTemplate(BaseModel):
    user = peewee.ForeignKeyField(User, backref="survey_templates", on_delete="CASCADE")
    user_id: int
    name = peewee.CharField(max_length=90)
    tts_language = peewee.CharField(max_length=10, null=True, default="en")
    description = peewee.TextField(null=True)


class Survey(BaseModel):
    """A sealed survey: a copy of a template taken when its campaign first starts."""

    user = peewee.ForeignKeyField(User, backref="surveys", on_delete="CASCADE")
    user_id: int
    name = peewee.CharField(max_length=90)
    tts_language = peewee.CharField(max_length=10, null=True, default="en")
    description = peewee.TextField(null=True)
    campaign = peewee.DeferredForeignKey("Campaign", null=True, backref="surveys", on_delete="SET NULL")
    campaign_id: int | None
    survey_template = peewee.IntegerField(null=True, column_name="survey_template_id")  # source template id


class _SectionFields(BaseModel):
    order = peewee.IntegerField(default=0)
    type = peewee.IntegerField(default=1)
    question = peewee.CharField(max_length=500)
    script = peewee.CharField(max_length=1000, null=True)
    retries = peewee.IntegerField(default=0)
    timeout = peewee.IntegerField(default=5)  # seconds
    key_0 = peewee.CharField(max_length=100, null=True)
    key_1 = peewee.CharField(max_length=100, null=True)
    key_2 = peewee.CharField(max_length=100, null=True)
    key_3 = peewee.CharField(max_length=100, null=True)
    key_4 = peewee.CharField(max_length=100, null=True)
    key_5 = peewee.CharField(max_length=100, null=True)
    key_6 = peewee.CharField(max_length=100, null=True)
    key_7 = peewee.CharField(max_length=100, null=True)
    key_8 = peewee.CharField(max_length=100, null=True)
    key_9 = peewee.CharField(max_length=100, null=True)
    rating_laps = peewee.IntegerField(default=9)
    validate_number = peewee.BooleanField(default=True)
    number_digits = peewee.IntegerField(default=2)
    min_number = peewee.BigIntegerField(default=0, null=True)
    max_number = peewee.BigIntegerField(default=99, null=True)
    phonenumber = peewee.CharField(max_length=50, null=True)
    confirm_script = peewee.CharField(max_length=1000, null=True)
    confirm_key = peewee.CharField(max_length=1, null=True)
    conference = peewee.CharField(max_length=50, null=True)
    sms_text = peewee.CharField(max_length=200, null=True)
    completed = peewee.BooleanField(default=False)


# Columns copied verbatim when a template section is sealed (spec §1.1).
SECTION_COPY_FIELDS: tuple[str, ...] = tuple(
    name
    for name in _SectionFields._meta.sorted_field_names
    if name not in ("id", "created_date", "updated_date")
)


class SectionTemplate(_SectionFields):
    survey = peewee.ForeignKeyField(SurveyTemplate, backref="sections", on_delete="CASCADE")
    survey_id: int
    audiofile = peewee.ForeignKeyField(AudioFile, null=True, on_delete="SET NULL", backref="+")
    audiofile_id: int | None
    invalid_audiofile = peewee.ForeignKeyField(AudioFile, null=True, on_delete="SET NULL", backref="+")
    invalid_audiofile_id: int | None


class Section(_SectionFields):
    survey = peewee.ForeignKeyField(Survey, backref="sections", on_delete="CASCADE")
    survey_id: int
    audiofile = peewee.ForeignKeyField(AudioFile, null=True, on_delete="SET NULL", backref="+")
    audiofile_id: int | None
    invalid_audiofile = peewee.ForeignKeyField(AudioFile, null=True, on_delete="SET NULL", backref="+")
    invalid_audiofile_id: int | None
    section_template = peewee.IntegerField(null=True, column_name="section_template_id")


class BranchingTemplate(BaseModel):
    keys = peewee.CharField(max_length=150, default="")
    section = peewee.ForeignKeyField(SectionTemplate, backref="branchings", on_delete="CASCADE")
    section_id: int
    goto = peewee.ForeignKeyField(SectionTemplate, null=True, backref="+", on_delete="SET NULL")
    goto_id: int | None

    class Meta:
        indexes = ((("keys", "section"), True),)


class Branching(BaseModel):
    keys = peewee.CharField(max_length=150, default="")
    section = peewee.ForeignKeyField(Section, backref="branchings", on_delete="CASCADE")
    section_id: int
    goto = peewee.ForeignKeyField(Section, null=True, backref="+", on_delete="SET NULL")
    goto_id: int | None

    class Meta:
        indexes = ((("keys", "section"), True),)
