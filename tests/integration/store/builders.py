"""Small object builders for store tests (a gateway, a campaign with phonebooks, a survey template)."""

from __future__ import annotations

from ivrd.store.models import (
    AudioFile,
    BranchingTemplate,
    Campaign,
    CampaignPhonebook,
    Contact,
    Gateway,
    Phonebook,
    SectionTemplate,
    SurveyTemplate,
    User,
)
from ivrd.store.queries_survey import next_order


def gateway(name: str = "gw") -> Gateway:
    return Gateway.create(name=name, gateways=f"sofia/gateway/{name}/")


def campaign(user: User, name: str = "c", **fields: object) -> Campaign:
    gw = Gateway.get_or_none(Gateway.name == "gw") or gateway()
    return Campaign.create(user=user, name=name, aleg_gateway=gw, **fields)


def phonebook(
    user: User, numbers: list[str], inactive: frozenset[str] = frozenset(), name: str = "pb"
) -> Phonebook:
    book = Phonebook.create(user=user, name=name)
    rows = [{"phonebook": book.id, "contact": n, "status": 0 if n in inactive else 1} for n in numbers]
    if rows:
        Contact.insert_many(rows).execute()
    return book


def attach(camp: Campaign, *books: Phonebook) -> None:
    for book in books:
        CampaignPhonebook.create(campaign=camp, phonebook=book)


def section(template: SurveyTemplate, question: str, **fields: object) -> SectionTemplate:
    return SectionTemplate.create(survey=template, question=question, order=next_order(), **fields)


def three_node_template(user: User) -> tuple[SurveyTemplate, list[SectionTemplate]]:
    """Play (-> choice) ; choice 1 -> record, timeout -> hang up ; record (completed)."""
    audio = AudioFile.create(user=user, name="hello", audio_file="upload/audiofiles/hello.wav")
    template = SurveyTemplate.create(user=user, name="poll", description="d")
    play = section(template, "Welcome", type=1, audiofile=audio)
    choice = section(template, "Colour?", type=2, key_1="Red", key_2="Blue", invalid_audiofile=audio)
    record = section(template, "Leave a message", type=5, completed=True)
    BranchingTemplate.create(section=play, keys="0", goto=choice)
    BranchingTemplate.create(section=choice, keys="1", goto=record)
    BranchingTemplate.create(section=choice, keys="timeout", goto=None)
    return template, [play, choice, record]
