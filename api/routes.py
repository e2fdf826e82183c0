"""The route table: every family's list/detail routes plus the special endpoints."""

from __future__ import annotations

from typing import Any

import falcon
import peewee

from api.auth import Authenticator
from api.media import media_path
from api.openapi import OpenApiDocument
from api.resources.audio import AudioCollection, AudioDownload, AudioFiles
from api.resources.base import REGISTRY, Collection, Family, Item
from api.resources.bulk import BulkContacts, PhonebookImport
from api.resources.calls import CallRecords, CallRequests, Subscribers
from api.resources.campaigns import CampaignItem, Campaigns, CampaignStats
from api.resources.contacts import Contacts, DncContacts, DncLists, Phonebooks
from api.resources.gateways import CallerIdGroups, Gateways, SmsGateways
from api.resources.recordings import RecordingDownload
from api.resources.results import Results, SealedSurveys, SurveyAggregate
from api.resources.surveys import BranchingTemplates, SectionTemplates, SurveyTemplates
from api.resources.users import TokenAuth, Users
from ivrd.config import Settings

FAMILIES: tuple[Family, ...] = (
    Users(),
    Campaigns(),
    AudioFiles(),
    SurveyTemplates(),
    SectionTemplates(),
    BranchingTemplates(),
    SealedSurveys(),
    Phonebooks(),
    Contacts(),
    Subscribers(),
    CallRequests(),
    CallRecords(),
    Results(),
    DncLists(),
    DncContacts(),
    Gateways(),
    SmsGateways(),
    CallerIdGroups(),
)
for _family in FAMILIES:
    REGISTRY[_family.name] = _family

ID = "{object_id:int(min=1, max=9223372036854775807)}"


class ApiRoot:
    """GET /rest-api/: {route family: list URL}, like Django REST framework's API root."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        base = req.context.base_url
        resp.media = {family.name: f"{base}/rest-api/{family.name}/" for family in FAMILIES}


def answer_head(resource: object) -> object:
    """HEAD wherever GET is (RFC 9110 §9.3.2): the GET responder runs, Falcon sends its headers
    (Content-Length included) without the body, and a file opened for the body is closed."""
    get = getattr(resource, "on_get", None)
    if get is None or hasattr(resource, "on_head"):
        return resource

    def on_head(req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
        get(req, resp, **params)
        stream, resp.stream = resp.stream, None
        close = getattr(stream, "close", None)
        if close is not None:
            close()

    resource.on_head = on_head  # type: ignore[attr-defined]
    return resource


def add_routes(
    app: falcon.App[falcon.Request, falcon.Response],
    settings: Settings,
    database: peewee.Database,
    authenticator: Authenticator,
) -> None:
    page_size = settings.api.page_size

    def route(path: str, resource: object) -> None:
        app.add_route(path, answer_head(resource))

    for family in FAMILIES:
        collection: Collection
        item: Item
        if isinstance(family, AudioFiles):
            collection = AudioCollection(family, database, settings)
        else:
            collection = Collection(family, database, page_size)
        item = CampaignItem(family, database) if isinstance(family, Campaigns) else Item(family, database)
        route(f"/rest-api/{family.name}/", collection)
        route(f"/rest-api/{family.name}/{ID}/", item)
    route("/rest-api/", ApiRoot())
    route(f"/rest-api/campaigns/{ID}/stats/", CampaignStats(REGISTRY["campaigns"]))
    route(f"/rest-api/surveyaggregate/{ID}/", SurveyAggregate())
    route("/rest-api/bulkcontact/", BulkContacts(database, settings))
    route(f"/rest-api/phonebook/{ID}/import/", PhonebookImport(database, settings))
    route("/rest-api/api-token-auth/", TokenAuth(authenticator))
    route("/rest-api/openapi.json", OpenApiDocument(FAMILIES, settings))
    route(media_path(settings, settings.media.uploads_dir), AudioDownload(settings))
    route(media_path(settings, settings.media.recordings_dir), RecordingDownload(settings))
