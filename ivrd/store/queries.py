"""Named queries shared by the API and the daemon, gathered in one namespace."""

from __future__ import annotations

from ivrd.store.accounts import (
    AccountError,
    create_token,
    create_user,
    hash_password,
    user_for_token,
    verify_password,
)
from ivrd.store.contacts_import import (
    ContactImportError,
    ImportReport,
    bulk_create_contacts,
    import_contacts_csv,
)
from ivrd.store.locks import lock_campaign, write_transaction
from ivrd.store.queries_dialer import (
    ImportProgress,
    claim_due_subscribers,
    import_phonebooks,
    release_subscribers,
    reopen_phonebook,
    subscribe_contact,
)
from ivrd.store.queries_results import (
    Answer,
    CallResults,
    add_to_aggregate,
    recording_bucket,
    save_results,
    survey_aggregates,
)
from ivrd.store.queries_survey import clone_survey, next_order, seal_survey

__all__ = [
    "AccountError",
    "Answer",
    "CallResults",
    "ContactImportError",
    "ImportProgress",
    "ImportReport",
    "add_to_aggregate",
    "bulk_create_contacts",
    "claim_due_subscribers",
    "clone_survey",
    "create_token",
    "create_user",
    "hash_password",
    "import_contacts_csv",
    "import_phonebooks",
    "lock_campaign",
    "next_order",
    "recording_bucket",
    "release_subscribers",
    "reopen_phonebook",
    "save_results",
    "seal_survey",
    "subscribe_contact",
    "survey_aggregates",
    "user_for_token",
    "verify_password",
    "write_transaction",
]
