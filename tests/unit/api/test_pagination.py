"""Page numbers and the absolute next/previous URLs."""

from __future__ import annotations

import falcon
import pytest

from api.pagination import page_number, page_url


def test_page_numbers() -> None:
    assert page_number({}) == 1
    assert page_number({"page": "3"}) == 3
    assert page_number({"page": "last"}) == -1
    for bad in ("0", "-1", "x", "1e3", "99999999999"):
        with pytest.raises(falcon.HTTPNotFound):
            page_number({"page": bad})


def test_page_urls_keep_other_parameters() -> None:
    base = "http://h"
    assert page_url(base, "/rest-api/contact/", {"phonebook": "2", "page": "1"}, 2) == (
        "http://h/rest-api/contact/?phonebook=2&page=2"
    )
    assert page_url(base, "/rest-api/contact/", {"page": "2"}, 1) == "http://h/rest-api/contact/"
    assert page_url(base, "/rest-api/contact/", {}, None) is None
