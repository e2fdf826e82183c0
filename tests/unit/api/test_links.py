"""Hyperlinks: absolute URL, path or bare id in; absolute URL out."""

from __future__ import annotations

import pytest

from api.coerce import CoerceError
from api.links import link, parse_link, parse_link_list


@pytest.mark.parametrize(
    "raw",
    [
        25,
        "25",
        " 25 ",
        "/rest-api/audio-files/25/",
        "/rest-api/audio-files/25",
        "http://host:8000/rest-api/audio-files/25/",
        "https://h/prefix/rest-api/audio-files/25/?x=1",
    ],
)
def test_accepted_forms(raw: object) -> None:
    assert parse_link(raw, "audio-files") == 25


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("/rest-api/phonebook/25/", "Incorrect URL match"),
        ("/elsewhere/25/", "No URL match"),
        (True, "type"),
        (0, "does not exist"),
        ("9999999999999999999", "does not exist"),
        ("99999999999999999999", "No URL match"),
        (1.5, "type"),
        ({"id": 1}, "type"),
    ],
)
def test_refused_forms(raw: object, message: str) -> None:
    with pytest.raises(CoerceError, match=message):
        parse_link(raw, "audio-files")


def test_lists_of_links_or_comma_strings() -> None:
    assert parse_link_list(["/rest-api/phonebook/1/", "2", 2], "phonebook") == [1, 2]
    assert parse_link_list("1,2", "phonebook") == [1, 2]
    assert parse_link_list("", "phonebook") == []
    with pytest.raises(CoerceError):
        parse_link_list({"a": 1}, "phonebook")


def test_output_links() -> None:
    assert link("http://h:8000", "users", 1) == "http://h:8000/rest-api/users/1/"
    assert link("http://h", "users", None) is None
