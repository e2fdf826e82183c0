"""Building section definitions from stored rows."""

import pytest

from ivrd.survey.build import section_from_row
from ivrd.survey.definition import Branching
from ivrd.survey.sections import SectionType

ROW = {
    "id": 12, "order": 3, "type": 2, "question": "Fruit?", "script": None, "retries": 2, "timeout": 8,
    "key_0": None, "key_1": "Orange", "key_2": "", "rating_laps": 9, "validate_number": True,
    "number_digits": 2, "min_number": None, "max_number": 50, "phonenumber": None, "confirm_script": None,
    "confirm_key": None, "conference": None, "sms_text": None, "completed": True,
}


def test_section_from_row_turns_nulls_into_defaults():
    section = section_from_row(ROW, audio_path="/media/q.wav", branchings=[("1", 13), ("timeout", None)])
    assert section.type is SectionType.MULTI_CHOICE
    assert (section.id, section.order, section.retries, section.timeout_s) == (12, 3, 2, 8)
    assert section.script == "" and section.phonenumber == ""
    assert section.key_labels[:3] == ("", "Orange", "")
    assert (section.min_number, section.max_number) == (None, 50)
    assert section.audio_path == "/media/q.wav" and section.invalid_audio_path is None
    assert section.branchings == (Branching("1", 13), Branching("timeout", None))
    assert section.completed


def test_section_from_row_rejects_an_unknown_type():
    with pytest.raises(ValueError, match="section 12"):
        section_from_row({**ROW, "type": 11})
