"""The seed how-to's five steps in-process, on SQLite and PostgreSQL, with the response shapes it shows."""

from __future__ import annotations

import re

from ivrd.store.models import Branching, Campaign, Section, SectionTemplate, Survey
from tests.integration.api.helpers import Caller, campaign_body, id_of, seed_objects, wav_bytes

ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")


def test_seed_steps_create_and_start_a_campaign(alice: Caller) -> None:
    refs = seed_objects(alice.user)
    uid = alice.user.id

    audio = alice.upload("audio created from API", "duck01.wav", wav_bytes(), user_id=f"{uid}")
    assert audio.status_code == 201, audio.text
    assert audio.json["audio_file"] == "/usermedia/upload/audiofiles/duck01.wav"
    assert audio.json["user_id"] == uid
    assert audio.json["name"] == "audio created from API"
    audio_id = audio.json["id"]

    template = alice.post("/rest-api/survey-template/", {"name": "Survey created from API"})
    assert template.status_code == 201, template.text
    assert set(template.json) >= {
        "url",
        "name",
        "tts_language",
        "description",
        "created_date",
        "updated_date",
    }
    assert template.json["user"] == f"http://falconframework.org/rest-api/users/{uid}/"
    assert template.json["description"] is None
    assert ISO_WITH_OFFSET.fullmatch(template.json["created_date"])
    assert template.headers["location"] == template.json["url"]
    template_id = id_of(template)

    section = alice.post(
        "/rest-api/section-template/",
        {
            "type": "1",
            "audiofile": f"/rest-api/audio-files/{audio_id}/",
            "question": "Basic Message",
            "survey": f"/rest-api/survey-template/{template_id}/",
        },
    )
    assert section.status_code == 201, section.text
    assert section.json["type"] == 1
    assert section.json["script"] == "Basic Message"
    assert section.json["audiofile"].endswith(f"/rest-api/audio-files/{audio_id}/")

    created = alice.post("/rest-api/campaigns/", campaign_body(uid, template_id, refs))
    assert created.status_code == 201, created.text
    campaign = created.json
    assert campaign["status"] == 0
    assert (campaign["frequency"], campaign["maxretry"], campaign["voicemail"]) == (100, 1, True)
    assert campaign["sms_gateway"] is None and campaign["dnc"] is None
    assert campaign["object_id"] == template_id
    assert campaign["startingdate"] == "2021-06-01T14:13:33+00:00"
    assert campaign["phonebook"] == [f"http://falconframework.org/rest-api/phonebook/{refs['phonebook']}/"]

    started = alice.patch(f"/rest-api/campaigns/{campaign['id']}/", {"status": 1})
    assert started.status_code == 200, started.text
    assert started.json["status"] == 1
    assert started.json["has_been_started"] is True
    survey = Survey.get(Survey.campaign == campaign["id"])
    assert started.json["survey"].endswith(f"/rest-api/sealed-survey/{survey.id}/")
    sealed = list(Section.select().where(Section.survey == survey))
    assert [s.question for s in sealed] == ["Basic Message"]
    assert [b.keys for b in Branching.select().where(Branching.section == sealed[0])] == ["0"]


def test_template_edits_after_start_do_not_reach_the_running_campaign(alice: Caller) -> None:
    refs = seed_objects(alice.user)
    template_id = id_of(alice.post("/rest-api/survey-template/", {"name": "s"}))
    section = alice.post("/rest-api/section-template/", {"question": "Hello", "survey": str(template_id)})
    campaign_id = alice.post("/rest-api/campaigns/", campaign_body(alice.user.id, template_id, refs)).json[
        "id"
    ]
    assert alice.patch(f"/rest-api/campaigns/{campaign_id}/", {"status": "1"}).status_code == 200

    changed = alice.patch(f"/rest-api/section-template/{section.json['id']}/", {"question": "Changed"})
    assert changed.status_code == 200
    assert SectionTemplate.get_by_id(section.json["id"]).question == "Changed"
    survey_id = Campaign.get_by_id(campaign_id).survey_id
    assert [s.question for s in Section.select().where(Section.survey == survey_id)] == ["Hello"]

    # Pause and restart: no second copy.
    assert alice.patch(f"/rest-api/campaigns/{campaign_id}/", {"status": 2}).status_code == 200
    assert alice.patch(f"/rest-api/campaigns/{campaign_id}/", {"status": 1}).status_code == 200
    assert Survey.select().where(Survey.campaign == campaign_id).count() == 1
