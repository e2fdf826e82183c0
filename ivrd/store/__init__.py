"""Peewee models shared by the API and the daemon, database binding, migrations and queries."""
