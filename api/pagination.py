"""Page-number pagination: {"count", "next", "previous", "results"} with absolute next/previous URLs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import falcon
import peewee

MAX_PAGE = 10**9


def page_number(params: Mapping[str, Any]) -> int:
    """The 1-based page from ?page=N; 404 "Invalid page." as Django REST framework answers."""
    raw = params.get("page", "1")
    if isinstance(raw, list):
        raw = raw[-1]
    text = str(raw).strip()
    if text == "last":
        return -1
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise falcon.HTTPNotFound(description="Invalid page.")
    return int(text)


def page_url(base_url: str, path: str, params: Mapping[str, Any], page: int | None) -> str | None:
    if page is None:
        return None
    query = {key: value for key, value in params.items() if key != "page"}
    if page > 1:
        query["page"] = str(page)
    encoded = urlencode(query, doseq=True)
    return f"{base_url}{path}" + (f"?{encoded}" if encoded else "")


def paginate(
    query: Any,
    req: falcon.Request,
    page_size: int,
    render: Callable[[Any], dict[str, object]],
    prefetch: Callable[[list[Any]], None] | None = None,
) -> dict[str, object]:
    """One page of a peewee query (already ordered) as the list envelope."""
    count = int(query.order_by().select(peewee.fn.COUNT(peewee.SQL("*"))).scalar() or 0)
    last_page = max(1, -(-count // page_size))
    page = page_number(req.params)
    if page == -1:
        page = last_page
    if page > last_page:
        raise falcon.HTTPNotFound(description="Invalid page.")
    rows = list(query.offset((page - 1) * page_size).limit(page_size))
    if prefetch is not None and rows:
        prefetch(rows)
    base_url = req.context.base_url
    return {
        "count": count,
        "next": page_url(base_url, req.path, req.params, page + 1 if page < last_page else None),
        "previous": page_url(base_url, req.path, req.params, page - 1 if page > 1 else None),
        "results": [render(row) for row in rows],
    }
