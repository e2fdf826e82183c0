"""Models round-trip on SQLite and PostgreSQL: defaults, UTC timestamps, relations, constraints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import peewee
import pytest

from ivrd.store.models import (
    Branching,
    Campaign,
    CampaignPhonebook,
    Contact,
    DncContact,
    DncList,
    Gateway,
    Phonebook,
    Section,
    Subscriber,
    Survey,
    User,
)


def test_campaign_defaults_and_relations(make_user: Callable[..., User]) -> None:
    user = make_user("alice", "secret")
    gateway = Gateway.create(name="gw1", gateways="sofia/gateway/gw1/")
    phonebook = Phonebook.create(user=user, name="pb")
    campaign = Campaign.create(user=user, name="c1", aleg_gateway=gateway)
    CampaignPhonebook.create(campaign=campaign, phonebook=phonebook)

    loaded = Campaign.get_by_id(campaign.id)
    assert len(loaded.campaign_code) == 5 and loaded.campaign_code.isupper()
    assert loaded.frequency == 10 and loaded.calltimeout == 45 and loaded.intervalretry == 300
    assert loaded.daily_start_time == dt.time(0, 0) and loaded.daily_stop_time == dt.time(23, 59, 59)
    assert loaded.created_date.tzinfo is not None
    assert loaded.expirationdate - loaded.startingdate > dt.timedelta(hours=23)
    assert [cp.phonebook.name for cp in loaded.campaign_phonebooks] == ["pb"]
    assert loaded.user.username == "alice"


def test_aware_datetimes_are_stored_as_utc(make_user: Callable[..., User]) -> None:
    user = make_user("bob", "pw")
    gateway = Gateway.create(name="gw")
    paris = dt.timezone(dt.timedelta(hours=2))
    start = dt.datetime(2026, 5, 1, 14, 0, tzinfo=paris)
    campaign = Campaign.create(user=user, name="c", aleg_gateway=gateway, startingdate=start)
    loaded = Campaign.get_by_id(campaign.id)
    assert loaded.startingdate == start
    assert loaded.startingdate.utcoffset() == dt.timedelta(0)
    assert loaded.startingdate.hour == 12


def test_unique_constraints(make_user: Callable[..., User]) -> None:
    user = make_user("carol", "pw")
    dnc = DncList.create(user=user, name="dnc")
    DncContact.create(dnc=dnc, phone_number="123")
    with pytest.raises(peewee.IntegrityError):
        DncContact.create(dnc=dnc, phone_number="123")


def test_subscriber_unique_per_campaign_and_contact(make_user: Callable[..., User]) -> None:
    user = make_user("dave", "pw")
    gateway = Gateway.create(name="gw")
    phonebook = Phonebook.create(user=user, name="pb")
    contact = Contact.create(phonebook=phonebook, contact="555")
    campaign = Campaign.create(user=user, name="c", aleg_gateway=gateway)
    Subscriber.create(contact=contact, campaign=campaign, duplicate_contact="555")
    with pytest.raises(peewee.IntegrityError):
        Subscriber.create(contact=contact, campaign=campaign, duplicate_contact="555")


def test_deleting_a_phonebook_cascades_to_contacts(make_user: Callable[..., User]) -> None:
    user = make_user("erin", "pw")
    phonebook = Phonebook.create(user=user, name="pb")
    Contact.create(phonebook=phonebook, contact="1")
    phonebook.delete_instance()
    assert Contact.select().count() == 0


def test_branching_goto_null_means_hangup(make_user: Callable[..., User]) -> None:
    user = make_user("fred", "pw")
    survey = Survey.create(user=user, name="s")
    first = Section.create(survey=survey, question="q1", order=1)
    second = Section.create(survey=survey, question="q2", order=2)
    Branching.create(section=first, keys="1", goto=second)
    Branching.create(section=first, keys="timeout", goto=None)
    gotos = {b.keys: b.goto for b in first.branchings}
    assert gotos["1"].id == second.id and gotos["timeout"] is None
    second.delete_instance()
    assert Branching.get(Branching.keys == "1").goto is None
