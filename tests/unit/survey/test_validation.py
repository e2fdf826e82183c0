"""Section and branching template validation."""

import pytest

from ivrd.survey.validation import default_branching_keys, validate_branching_key, validate_section


def section(**fields):
    return {"question": "Q?", **fields}


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "1", "question": "Basic Message", "audiofile": "/rest-api/audio-files/25/"},
        section(type=2, key_1="Orange"),
        section(type=3, rating_laps=10),
        section(type=4, number_digits="4", min_number="1000", max_number="9999", validate_number="True"),
        section(type=4, validate_number=False, min_number=50, max_number=10),
        section(type=4, min_number=None, max_number=None),
        section(type=5),
        section(type=6, phonenumber="12345", confirm_key="1", confirm_script="Press 1"),
        section(type=6, phonenumber="sofia/gateway/gw/12345"),
        section(type=7),
        section(type=8, conference=""),
        section(type=8, conference="room_9888"),
        section(type=9),
        section(type=10, sms_text="Hello {first_name}"),
        section(retries=0, timeout=0, completed="false"),
        section(type=2, key_5=5),
    ],
)
def test_runnable_sections_are_valid(fields):
    assert validate_section(fields) == {}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (section(type=11), "type"),
        (section(type="abc"), "type"),
        (section(type=True), "type"),
        ({"type": 1}, "question"),
        (section(question="   "), "question"),
        (section(question="x" * 501), "question"),
        (section(type=2), "key_0"),
        (section(type=2, key_3="   "), "key_0"),
        (section(type=3, rating_laps=0), "rating_laps"),
        (section(type=3, rating_laps="-2"), "rating_laps"),
        (section(type=4, number_digits=0), "number_digits"),
        (section(type=4, number_digits=129), "number_digits"),
        (section(type=4, min_number=10, max_number=5), "min_number"),
        (section(type=4, min_number=10, max_number=5, validate_number="true"), "min_number"),
        (section(type=4, max_number="ten"), "max_number"),
        (section(type=2, key_1="A", retries=-1), "retries"),
        (section(type=2, key_1="A", timeout="-5"), "timeout"),
        (section(type=6), "phonenumber"),
        (section(type=6, phonenumber=" "), "phonenumber"),
        (section(type=6, phonenumber="123\n45"), "phonenumber"),
        (section(type=6, phonenumber="1" * 51), "phonenumber"),
        (section(type=6, phonenumber="123", confirm_key="x"), "confirm_key"),
        (section(type=8, conference="my room"), "conference"),
        (section(type=8, conference="a@b"), "conference"),
        (section(type=8, conference="a+flags{mute}"), "conference"),
        (section(type=10), "sms_text"),
        (section(type=10, sms_text=""), "sms_text"),
        (section(completed="maybe"), "completed"),
        (section(key_4=["x"]), "key_4"),
    ],
)
def test_sections_that_cannot_run_name_the_field(fields, field):
    errors = validate_section(fields)
    assert field in errors
    assert errors[field]


def test_several_problems_are_reported_at_once():
    errors = validate_section({"type": 4, "number_digits": 0, "retries": -1})
    assert set(errors) == {"question", "number_digits", "retries"}


@pytest.mark.parametrize(
    ("section_type", "keys"),
    [(1, ["0"]), (5, ["0"]), (6, ["0"]), (8, ["0"]), (10, ["0"]),
     (2, ["timeout"]), (3, ["timeout"]), ("4", ["timeout"]), (7, []), (9, [])],
)
def test_default_branching_keys(section_type, keys):
    assert default_branching_keys(section_type) == keys


def test_default_branching_keys_rejects_unknown_type():
    with pytest.raises(ValueError, match="type"):
        default_branching_keys(12)


MULTI = section(type=2, key_1="Yes", key_2="No")
RATING = section(type=3, rating_laps=5)
CAPTURE = section(type=4, number_digits=4, min_number=1, max_number=2000)


@pytest.mark.parametrize(
    ("section_type", "key", "fields"),
    [
        (1, "0", section()), (1, "timeout", section()), (5, "0", section()), (6, "timeout", section()),
        (8, "0", section()), (10, "0", section()),
        (2, "1", MULTI), (2, "2", MULTI), (2, "timeout", MULTI), (2, "invalid", MULTI), (2, "any", MULTI),
        (3, "1", RATING), (3, "5", RATING), (3, "any", RATING), (3, "invalid", RATING),
        (4, "1234", CAPTURE), (4, "7", CAPTURE), (4, "timeout", CAPTURE), (4, "any", CAPTURE),
        (4, "9999", section(type=4, number_digits=4, validate_number=False)),
    ],
)
def test_acceptable_branching_keys(section_type, key, fields):
    assert validate_branching_key(section_type, key, fields) is None


@pytest.mark.parametrize(
    ("section_type", "key", "fields"),
    [
        (1, "1", section()), (1, "any", section()), (5, "invalid", section()), (10, "", section()),
        (7, "0", section()), (9, "timeout", section()),
        (2, "3", MULTI), (2, "12", MULTI), (2, "#", MULTI), (2, "", MULTI),
        (3, "0", RATING), (3, "6", RATING), (3, "05", RATING), (3, "x", RATING),
        (4, "12345", CAPTURE), (4, "3000", CAPTURE), (4, "0", CAPTURE), (4, "12a", CAPTURE), (4, "", CAPTURE),
        (4, "١٢", CAPTURE),
        (12, "0", section()),
    ],
)
def test_unacceptable_branching_keys(section_type, key, fields):
    message = validate_branching_key(section_type, key, fields)
    assert isinstance(message, str) and message
