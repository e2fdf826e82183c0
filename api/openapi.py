"""The OpenAPI 3 document, generated from the same field tables the resources use."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import falcon

from api.fields import Field
from ivrd.config import Settings

if TYPE_CHECKING:
    from api.resources.base import Family

JSON = "application/json"
ERROR_CODES = {
    "400": ("BadRequest", "Validation failed: {field: [messages]}."),
    "401": ("Unauthorized", "Missing or bad credentials (WWW-Authenticate says how)."),
    "403": ("Forbidden", "Authenticated but not allowed."),
    "404": ("NotFound", "No such object, or not yours."),
    "405": ("MethodNotAllowed", "Method not allowed on this route."),
    "413": ("ContentTooLarge", "Body larger than api.upload_max_bytes."),
    "415": ("UnsupportedMediaType", "Unsupported Content-Type."),
}
_KIND_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "str": {"type": "string"},
    "phone": {"type": "string", "pattern": "^[0-9+*#w]+$"},
    "datetime": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "format": "time", "example": "08:30:00"},
    "json": {"type": "object", "additionalProperties": True},
    "tz": {"type": "string", "example": "Europe/Paris"},
    "link": {"type": "string", "format": "uri"},
    "links": {"type": "array", "items": {"type": "string", "format": "uri"}},
    "strings": {"type": "array", "items": {"type": "string"}},
}


def field_schema(f: Field, for_input: bool) -> dict[str, Any]:
    schema = dict(_KIND_SCHEMAS.get(f.kind, {"type": "string"}))
    if f.render is not None and f.kind == "str" and f.name == "sections":
        schema = {"type": "array", "items": {"type": "object"}}
    if f.name == "object_id" and not for_input:
        schema = {"type": "integer"}
    if f.max_length is not None and schema.get("type") == "string":
        schema["maxLength"] = f.max_length
    if f.min_value is not None and f.kind in ("int", "float"):
        schema["minimum"] = f.min_value
    if f.max_value is not None and f.kind == "int":
        schema["maximum"] = f.max_value
    if f.choices:
        schema["enum"] = list(f.choices)
    if f.nullable or (not for_input and f.kind in ("link", "datetime", "time")):
        schema["nullable"] = True
    if f.family:
        schema["x-route-family"] = f.family
        if for_input:
            schema["description"] = f"Hyperlink /rest-api/{f.family}/<id>/ (absolute or path) or bare id."
    if f.description:
        schema["description"] = (schema.get("description", "") + " " + f.description).strip()
    return schema


def object_schema(fields: Sequence[Field], for_input: bool) -> dict[str, Any]:
    chosen = [f for f in fields if (not f.read_only if for_input else not f.write_only)]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: field_schema(f, for_input) for f in chosen},
    }
    required = [f.name for f in chosen if f.required] if for_input else []
    if required:
        schema["required"] = required
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: {"$ref": f"#/components/responses/{ERROR_CODES[code][0]}"} for code in codes}


def _json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _body(schema: dict[str, Any], *types: str) -> dict[str, Any]:
    return {"required": True, "content": {t: {"schema": schema} for t in (types or (JSON,))}}


ID_PARAM = {"name": "object_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
PAGE_PARAM = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}


def family_paths(family: Family) -> dict[str, Any]:
    name, tag = family.schema_name(), family.name
    forms = (JSON, "application/x-www-form-urlencoded")
    filters = [
        {"name": f.name, "in": "query", "schema": {"type": "string"}, "description": f"Filter on {f.name}."}
        for f in family.fields
        if f.filter
    ]
    collection: dict[str, Any] = {
        "get": {
            "tags": [tag],
            "summary": f"List {tag}",
            "operationId": f"list_{tag}",
            "parameters": [PAGE_PARAM, *filters],
            "responses": {
                "200": _json_response("One page", _ref(f"{name}Page")),
                **_errors("400", "401", "404"),
            },
        }
    }
    if "POST" in family.collection_methods:
        collection["post"] = {
            "tags": [tag],
            "summary": f"Create {tag}",
            "operationId": f"create_{tag}",
            "requestBody": _body(_ref(f"{name}Input"), *forms),
            "responses": {
                "201": _json_response("Created", _ref(name)),
                **_errors("400", "401", "403", "413", "415"),
            },
        }
    item: dict[str, Any] = {
        "parameters": [ID_PARAM],
        "get": {
            "tags": [tag],
            "summary": f"Get one {tag}",
            "operationId": f"get_{tag}",
            "responses": {"200": _json_response("The object", _ref(name)), **_errors("401", "404")},
        },
    }
    for method in ("PUT", "PATCH"):
        if method in family.item_methods:
            item[method.lower()] = {
                "tags": [tag],
                "summary": f"{'Replace' if method == 'PUT' else 'Change'} {tag}",
                "operationId": f"{method.lower()}_{tag}",
                "requestBody": _body(_ref(f"{name}Input"), *forms),
                "responses": {
                    "200": _json_response("Updated", _ref(name)),
                    **_errors("400", "401", "403", "404", "413", "415"),
                },
            }
    if "DELETE" in family.item_methods:
        item["delete"] = {
            "tags": [tag],
            "summary": f"Delete {tag}",
            "operationId": f"delete_{tag}",
            "responses": {"204": {"description": "Deleted"}, **_errors("401", "403", "404")},
        }
    return {f"/rest-api/{tag}/": collection, f"/rest-api/{tag}/{{object_id}}/": item}


def family_schemas(family: Family) -> dict[str, Any]:
    name = family.schema_name()
    page = {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
            "results": {"type": "array", "items": _ref(name)},
        },
        "required": ["count", "next", "previous", "results"],
    }
    schemas = {name: object_schema(family.fields, False), f"{name}Page": page}
    if "POST" in family.collection_methods or "PATCH" in family.item_methods:
        schemas[f"{name}Input"] = object_schema(family.fields, True)
    return schemas


def build_document(families: Sequence[Family], settings: Settings) -> dict[str, Any]:
    from api.openapi_extra import extra_paths, extra_schemas

    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Detail": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
        "ValidationError": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "example": {"name": ["This field is required."]},
        },
    }
    for family in families:
        paths.update(family_paths(family))
        schemas.update(family_schemas(family))
    for path, operations in extra_paths(settings).items():
        paths.setdefault(path, {}).update(operations)
    schemas.update(extra_schemas(families))
    responses = {
        ref: _json_response(text, _ref("ValidationError" if code == "400" else "Detail"))
        for code, (ref, text) in ERROR_CODES.items()
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "ivrd REST API",
            "version": "1",
            "description": "Newfies-Dialer compatible REST API. HEAD is answered wherever GET is.",
        },
        "servers": [{"url": settings.api.base_url.rstrip("/") or "/"}],
        "security": [{"basicAuth": []}, {"tokenAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic"},
                "tokenAuth": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Authorization: Token <key> (see /rest-api/api-token-auth/).",
                },
            },
        },
    }


class OpenApiDocument:
    """GET /rest-api/openapi.json (no authentication)."""

    auth_required = False

    def __init__(self, families: Sequence[Family], settings: Settings) -> None:
        self.document = build_document(families, settings)
        self.body = json.dumps(self.document).encode()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_JSON
        resp.data = self.body
