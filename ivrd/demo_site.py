"""The demo's data: superuser, gateway, caller-ID group and phonebook, and the walkthrough it prints."""

from __future__ import annotations

import datetime as dt
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path

from ivrd import sounds
from ivrd.store.accounts import hash_password
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate
from ivrd.store.models import (
    CallerIdGroup,
    CallerIdNumber,
    Contact,
    Gateway,
    Phonebook,
    User,
    UserGateway,
)

ADMIN_USERNAME = "admin"
GATEWAY_NAME = "demo"
PHONEBOOK_NAME = "demo callees"

# Numbers chosen to match the simulator's demo scenario (ivrd/sim/scenarios/demo.json).
DEMO_CONTACTS: tuple[tuple[str, str], ...] = (
    ("15551230001", "Ada"),
    ("15551230002", "Grace"),
    ("15551230003", "Alan"),
    ("15550001000", "Busy Line"),
    ("15550051000", "Rejecting Line"),
    ("15550061000", "Impatient Ike"),
)


@dataclass(frozen=True)
class DemoSite:
    data_dir: Path
    api_url: str
    username: str
    password: str
    gateway_id: int
    phonebook_id: int
    callerid_group_id: int

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'ivrd.db'}"

    @property
    def media_root(self) -> Path:
        return self.data_dir / "media"


def _credentials(data_dir: Path) -> str:
    """The admin password kept in DATA_DIR/credentials (mode 0600), made on first use."""
    path = data_dir / "credentials"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password


def _admin(password: str) -> User:
    user = User.get_or_none(User.username == ADMIN_USERNAME)
    if user is None:
        return User.create(username=ADMIN_USERNAME, password_hash=hash_password(password), is_superuser=True)
    user.password_hash = hash_password(password)
    user.is_superuser = user.is_active = True
    user.save()
    return user


def _seed(user: User) -> tuple[int, int, int]:
    gateway = Gateway.get_or_none(Gateway.name == GATEWAY_NAME) or Gateway.create(
        name=GATEWAY_NAME, gateways="sofia/gateway/demo/")
    if not UserGateway.select().where(UserGateway.user == user, UserGateway.gateway == gateway).exists():
        UserGateway.create(user=user, gateway=gateway)
    group = CallerIdGroup.get_or_none(CallerIdGroup.user == user)
    if group is None:
        group = CallerIdGroup.create(user=user, name="demo caller IDs")
        CallerIdNumber.create(group=group, number="15557770001", name="ivrd demo")
    phonebook = Phonebook.get_or_none(Phonebook.user == user, Phonebook.name == PHONEBOOK_NAME)
    if phonebook is None:
        phonebook = Phonebook.create(user=user, name=PHONEBOOK_NAME)
        for number, first_name in DEMO_CONTACTS:
            Contact.create(phonebook=phonebook, contact=number, first_name=first_name)
    return gateway.id, phonebook.id, group.id


def prepare_site(data_dir: Path, bind_address: str) -> DemoSite:
    """Migrates the demo database, sets the superuser's password and seeds the demo objects."""
    data_dir.mkdir(parents=True, exist_ok=True)
    password = _credentials(data_dir)
    database = bind(open_database(f"sqlite:///{data_dir.resolve() / 'ivrd.db'}"))
    with database.connection_context():
        migrate(database)
        with database.atomic():
            user = _admin(password)
            gateway_id, phonebook_id, group_id = _seed(user)
    database.close()
    site = DemoSite(data_dir.resolve(), f"http://{bind_address}", ADMIN_USERNAME, password,
                    gateway_id, phonebook_id, group_id)
    site.media_root.mkdir(exist_ok=True)
    return site


def _capture(variable: str, command: str, key: str) -> str:
    extract = f"import json,sys; print(json.load(sys.stdin)[{key!r}])"
    return f"{variable}=$({command} | python3 -c {shlex.quote(extract)}); echo {variable}=${variable}"


def walkthrough(site: DemoSite, prompt_wav: Path, now: dt.datetime) -> str:
    """The seed's five steps as a shell script with this site's host, credentials and objects."""
    auth = f"-u {shlex.quote(site.username + ':' + site.password)}"
    api = f"{site.api_url}/rest-api"
    json_headers = "-H 'Content-Type: application/json'"
    starting = (now - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    expiring = (now + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    question = (
        '{"type": "2", "question": "Are you happy with our service? Press 1 for yes, 2 for no.", '
        '"key_1": "Yes", "key_2": "No", "retries": "1", "timeout": "5", '
        '"survey": "/rest-api/survey-template/\'"$SURVEY_ID"\'/"}'
    )
    thanks = (
        '{"type": "1", "audiofile": "/rest-api/audio-files/\'"$AUDIO_ID"\'/", "question": "Thank you", '
        '"completed": "True", "survey": "/rest-api/survey-template/\'"$SURVEY_ID"\'/"}'
    )
    branching = (
        '{"keys": "any", "section": "/rest-api/section-template/\'"$QUESTION_ID"\'/", '
        '"goto": "/rest-api/section-template/\'"$THANKS_ID"\'/"}'
    )
    campaign = (
        '{"name": "campaign-via-api-\'"$SURVEY_ID"\'", "description": "", "callerid": "1239876", '
        f'"startingdate": "{starting}", "expirationdate": "{expiring}", "frequency": "60", '
        '"max_aleg": 10, "max_xfer": 10, "dial_method": 1, "agent_dial_rate": 1, '
        '"callmaxduration": "60", "maxretry": "0", "intervalretry": "30", "calltimeout": "20", '
        f'"aleg_gateway": "/rest-api/gateway/{site.gateway_id}/", "sms_gateway": "", '
        '"object_id": "\'"$SURVEY_ID"\'", "extra_data": "2000", "voicemail": "False", '
        '"amd_behavior": "1", "voicemail_audiofile": "", "dnc": "", '
        f'"phonebook": ["/rest-api/phonebook/{site.phonebook_id}/"], '
        '"daily_start_time": "00:00:00", "daily_stop_time": "23:59:59", '
        f'"callerid_group": "/rest-api/callerid_group/{site.callerid_group_id}/"}}'
    )
    upload = (f"curl -s {auth} -H 'Accept: application/json' --request POST {api}/audio-files/ "
              f"--form 'name=\"audio created from API\"' --form 'audio_file=@\"{prompt_wav}\"'")
    survey = (f"curl -s {auth} {json_headers} -X POST "
              f"--data '{{\"name\": \"Survey created from API\"}}' {api}/survey-template/")
    lines = [
        "# 1) upload an audio file",
        _capture("AUDIO_ID", upload, "id"),
        "# 2) create a survey template",
        _capture("SURVEY_ID", survey, "id"),
        "# 3) add a multi-choice question, a thank-you message, and a branching from any answer to it",
        _capture("QUESTION_ID", f"curl -s {auth} {json_headers} -X POST --data '{question}' "
                 f"{api}/section-template/", "id"),
        _capture("THANKS_ID", f"curl -s {auth} {json_headers} -X POST --data '{thanks}' "
                 f"{api}/section-template/", "id"),
        f"curl -s {auth} {json_headers} -X POST --data '{branching}' {api}/branching-template/; echo",
        "# 4) create a campaign on the demo phonebook and gateway",
        _capture("CAMPAIGN_ID",
                 f"curl -s {auth} {json_headers} -X POST --data '{campaign}' {api}/campaigns/", "id"),
        "# 5) start it",
        f"curl -s {auth} {json_headers} -X PATCH --data '{{\"status\": 1}}' "
        f"{api}/campaigns/$CAMPAIGN_ID/; echo",
        "# then watch the calls and the answers arrive",
        f"curl -s {auth} {api}/campaigns/$CAMPAIGN_ID/stats/; echo",
        f"curl -s {auth} {api}/results/; echo",
    ]
    return "\n".join(lines) + "\n"


def prompt_file(sounds_root: Path) -> Path:
    return sounds.prompt_file(sounds.THANK_YOU, 8000, sounds_root)
