"""The Newfies-compatible REST API (Falcon, WSGI)."""
