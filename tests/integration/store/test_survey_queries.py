"""Sealing a survey template: full copy, goto remapped, audio referenced, isolated, atomic, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import peewee
import pytest

from ivrd.store.models import Branching, BranchingTemplate, Campaign, Section, SectionTemplate, Survey, User
from ivrd.store.queries_survey import clone_survey, next_order, seal_survey

from . import builders


def test_next_order_is_table_wide(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    assert next_order() == 1
    first, _ = builders.three_node_template(user)
    assert next_order() == 4
    assert next_order(Section) == 1
    assert first.id == 1


def test_seal_copies_sections_and_remaps_branching(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    template, (play, choice, record) = builders.three_node_template(user)
    camp = builders.campaign(user, survey_template=template)

    survey = seal_survey(template, camp)

    assert Campaign.get_by_id(camp.id).survey_id == survey.id == camp.survey_id
    assert survey.campaign_id == camp.id and survey.survey_template == template.id
    assert (survey.name, survey.description, survey.user_id) == ("poll", "d", user.id)
    sections = list(Section.select().where(Section.survey == survey).order_by(Section.order))
    assert [s.question for s in sections] == ["Welcome", "Colour?", "Leave a message"]
    assert [s.section_template for s in sections] == [play.id, choice.id, record.id]
    new_play, new_choice, new_record = sections
    assert new_play.audiofile_id == play.audiofile_id  # referenced, not duplicated
    assert new_choice.invalid_audiofile_id == choice.invalid_audiofile_id
    assert (new_choice.key_1, new_choice.key_2, new_choice.type) == ("Red", "Blue", 2)
    assert new_record.completed is True
    edges = {
        (b.section_id, b.keys): b.goto_id
        for b in Branching.select().where(Branching.section.in_([s.id for s in sections]))
    }
    assert edges == {
        (new_play.id, "0"): new_choice.id,
        (new_choice.id, "1"): new_record.id,
        (new_choice.id, "timeout"): None,
    }


def test_sealed_copy_is_isolated_from_later_template_edits(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    template, (play, choice, _record) = builders.three_node_template(user)
    survey = seal_survey(template)
    SectionTemplate.update(question="Changed").where(SectionTemplate.id == play.id).execute()
    BranchingTemplate.delete().where(BranchingTemplate.section == choice.id).execute()
    builders.section(template, "Added later")
    copied = Section.select().where(Section.survey == survey)
    assert sorted(s.question for s in copied) == ["Colour?", "Leave a message", "Welcome"]
    assert Branching.select().join(Section, on=Branching.section == Section.id).where(
        Section.survey == survey
    ).count() == 3


def test_sealing_a_started_campaign_twice_returns_the_same_copy(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    template, _ = builders.three_node_template(user)
    camp = builders.campaign(user, survey_template=template)
    first = seal_survey(template, camp)
    again = seal_survey(template, Campaign.get_by_id(camp.id))
    assert again.id == first.id
    assert Survey.select().count() == 1 and Section.select().count() == 3


def test_seal_is_atomic(make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user("u", "pw")
    template, _ = builders.three_node_template(user)
    camp = builders.campaign(user, survey_template=template)

    def broken(rows: object, mapping: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("ivrd.store.queries_survey._copy_branchings", broken)
    with pytest.raises(RuntimeError):
        seal_survey(template, camp)
    assert Survey.select().count() == 0 and Section.select().count() == 0
    assert Campaign.get_by_id(camp.id).survey_id is None


def test_clone_survey_for_a_duplicated_campaign(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    template, _ = builders.three_node_template(user)
    original = seal_survey(template)
    copy = clone_survey(original)
    old_ids = {s.id for s in original.sections}
    new_sections = list(copy.sections)
    assert len(new_sections) == 3 and old_ids.isdisjoint(s.id for s in new_sections)
    gotos = [b.goto_id for s in new_sections for b in s.branchings if b.goto_id is not None]
    assert gotos and all(g in {s.id for s in new_sections} for g in gotos)


def test_two_daemons_starting_one_campaign_seal_it_once(
    make_user: Callable[..., User], database: peewee.Database
) -> None:
    user = make_user("u", "pw")
    template, _ = builders.three_node_template(user)
    camp = builders.campaign(user, survey_template=template)
    start = threading.Barrier(2, timeout=30)

    def starter(_: int) -> int:
        try:
            start.wait()
            return seal_survey(template, Campaign.get_by_id(camp.id)).id
        finally:
            database.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(starter, [1, 2])
    assert first == second == Campaign.get_by_id(camp.id).survey_id
    assert Survey.select().count() == 1 and Section.select().count() == 3
