"""Tag substitution in scripts and SMS texts."""

import pytest

from ivrd.survey.tags import spell_digits, substitute_tags

CONTACT = {"first_name": "Ann", "last_name": "Lee", "contact": "3312", "city": "Lyon", "phonebook_id": 7}


@pytest.mark.parametrize(
    ("text", "additional", "expected"),
    [
        ("Hello {first_name} {last_name}", {}, "Hello Ann Lee"),
        ("Hello {first_name}", {"first_name": "Bea"}, "Hello Bea"),
        ("Your number is {contact}", {}, "Your number is 3 3 1 2"),
        ("Call {Phone1} or {phone2}", {"Phone1": "+4411", "phone2": 123}, "Call + 4 4 1 1 or 1 2 3"),
        ("Book {phonebook_id} ref {ref_id}", {"ref_id": "9"}, "Book  ref "),
        ("Hi {nobody}!", {}, "Hi !"),
        ("Amount {amount} due {paid}", {"amount": 12.5, "paid": False}, "Amount 12.5 due false"),
        ("Nested {data}", {"data": {"a": 1}}, "Nested "),
        ("No tags at all", {"x": "y"}, "No tags at all"),
        ("Literal {not a tag} stays", {}, "Literal {not a tag} stays"),
        ("One pass {a}", {"a": "{city}"}, "One pass {city}"),
        ("{city}{city}", {}, "LyonLyon"),
        ("Empty {middle_name}", {"middle_name": None}, "Empty "),
    ],
)
def test_substitute_tags(text, additional, expected):
    assert substitute_tags(text, CONTACT, additional) == expected


def test_spell_digits_drops_spaces():
    assert spell_digits("06 12") == "0 6 1 2"
