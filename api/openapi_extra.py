"""OpenAPI paths of the special endpoints (upload, import, bulk, stats, aggregate, token, media, document)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from api.media import media_path
from api.openapi import ID_PARAM, JSON, _body, _errors, _json_response, _ref, object_schema

if TYPE_CHECKING:
    from api.resources.base import Family
from ivrd.config import Settings

_STR = {"type": "string"}
_INT = {"type": "integer"}


def extra_schemas(families: Sequence[Family]) -> dict[str, Any]:
    audio = next(f for f in families if f.name == "audio-files")
    upload = object_schema(audio.upload_fields, True)  # type: ignore[attr-defined]
    upload["properties"]["audio_file"] = {
        "type": "string",
        "format": "binary",
        "description": "WAV, FLAC, OGG, MP3 ...; converted to 8 kHz mono WAV.",
    }
    upload["required"] = ["name", "audio_file"]
    return {
        "AudioUpload": upload,
        "CampaignStats": {
            "type": "object",
            "properties": {
                "campaign": {"type": "string", "format": "uri"},
                "status": _INT,
                **{
                    name: _INT
                    for name in (
                        "total",
                        "pending",
                        "in_progress",
                        "answered",
                        "completed",
                        "failed",
                        "not_authorized",
                    )
                },
            },
        },
        "Aggregate": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"section__question": _STR, "response": _STR, "count": _INT},
            },
        },
        "BulkContactInput": {
            "type": "object",
            "required": ["phonebook_id", "phoneno_list"],
            "properties": {
                "phonebook_id": {"type": "string", "description": "Phonebook id or link."},
                "phoneno_list": {"type": "string", "description": 'Comma-separated numbers "12345,54344".'},
            },
        },
        "BulkContactResult": {"type": "object", "properties": {"result": _STR, "count": _INT}},
        "ImportReport": {
            "type": "object",
            "properties": {
                "rows": _INT,
                "created": _INT,
                "rejected": _INT,
                "limit_reached": {"type": "boolean"},
                "errors_truncated": {"type": "boolean"},
                "errors": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"row": _INT, "field": _STR, "message": _STR}},
                },
            },
        },
        "TokenInput": {
            "type": "object",
            "required": ["username", "password"],
            "properties": {"username": _STR, "password": _STR},
        },
        "Token": {"type": "object", "properties": {"token": _STR}},
    }


def _download(tag: str, operation_id: str, summary: str) -> dict[str, Any]:
    wav = {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}
    return {
        "get": {
            "tags": [tag],
            "summary": summary,
            "operationId": operation_id,
            "parameters": [{"name": "filename", "in": "path", "required": True, "schema": _STR}],
            "responses": {"200": {"description": "WAV", "content": wav}, **_errors("401", "404")},
        }
    }


def extra_paths(settings: Settings) -> dict[str, Any]:
    multipart = "multipart/form-data"
    csv_body = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {
        "/rest-api/audio-files/": {
            "post": {
                "tags": ["audio-files"],
                "summary": "Upload an audio file",
                "operationId": "create_audio-files",
                "requestBody": _body(_ref("AudioUpload"), multipart),
                "responses": {
                    "201": _json_response("Stored", _ref("AudioFiles")),
                    **_errors("400", "401", "413", "415"),
                },
            }
        },
        "/rest-api/campaigns/{object_id}/stats/": {
            "parameters": [ID_PARAM],
            "get": {
                "tags": ["campaigns"],
                "summary": "Campaign counters",
                "operationId": "campaign_stats",
                "responses": {
                    "200": _json_response("Counters", _ref("CampaignStats")),
                    **_errors("401", "404"),
                },
            },
        },
        "/rest-api/surveyaggregate/{object_id}/": {
            "parameters": [ID_PARAM],
            "get": {
                "tags": ["results"],
                "summary": "Answer counts of a sealed survey",
                "operationId": "survey_aggregate",
                "responses": {"200": _json_response("Counts", _ref("Aggregate")), **_errors("401", "404")},
            },
        },
        "/rest-api/bulkcontact/": {
            "post": {
                "tags": ["contact"],
                "summary": "Create contacts from a number list (all or none)",
                "operationId": "bulk_contacts",
                "requestBody": _body(_ref("BulkContactInput"), JSON, "application/x-www-form-urlencoded"),
                "responses": {
                    "200": _json_response("Created", _ref("BulkContactResult")),
                    **_errors("400", "401", "413", "415"),
                },
            }
        },
        "/rest-api/phonebook/{object_id}/import/": {
            "parameters": [ID_PARAM],
            "post": {
                "tags": ["phonebook"],
                "summary": "Import contacts from CSV",
                "description": "Columns (header row optional, delimiter | , ; or tab): contact, last_name, "
                "first_name, email, description, status, address, city, state, country, unit_number, "
                "additional_vars.",
                "operationId": "phonebook_import",
                "requestBody": csv_body,
                "responses": {
                    "200": _json_response("Per-row report", _ref("ImportReport")),
                    **_errors("401", "404", "413", "415"),
                },
            },
        },
        "/rest-api/api-token-auth/": {
            "post": {
                "tags": ["users"],
                "summary": "Get the API token for a username and password",
                "security": [],
                "operationId": "token_auth",
                "requestBody": _body(_ref("TokenInput"), JSON, "application/x-www-form-urlencoded"),
                "responses": {"200": _json_response("Token", _ref("Token")), **_errors("400", "415")},
            }
        },
        "/rest-api/": {
            "get": {
                "tags": ["meta"],
                "summary": "Route families and their list URLs",
                "operationId": "api_root",
                "responses": {
                    "200": _json_response("{family: url}", {"type": "object", "additionalProperties": _STR}),
                    **_errors("401"),
                },
            }
        },
        "/rest-api/openapi.json": {
            "get": {
                "tags": ["meta"],
                "summary": "This document",
                "security": [],
                "operationId": "openapi",
                "responses": {"200": _json_response("OpenAPI 3 document", {"type": "object"})},
            }
        },
        media_path(settings, settings.media.uploads_dir): _download(
            "audio-files", "download_audio", "Download a converted audio file (owner or superuser)"
        ),
        media_path(settings, settings.media.recordings_dir): _download(
            "results", "download_recording", "Download a caller's recording (survey owner or superuser)"
        ),
    }
