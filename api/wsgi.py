"""Gunicorn entry point: `gunicorn api.wsgi:app`."""

from __future__ import annotations

from api.app import get_app

app = get_app()
