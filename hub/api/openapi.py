"""The OpenAPI 3.1 document of the JSON API v1, served at ``/api/v1/openapi.json``.

Kept as Python beside the views it describes (it ships inside the package, like any module), and
checked against the real responses in tests/api (openapi-core validates every answer the tests get)."""

from __future__ import annotations

from typing import Any

VERSION = "1.0.0"


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = _nullable("string", format="date-time")
RATIO = _nullable("number", minimum=0)

COUNTS = {
    "clicks": {"type": "integer", "minimum": 0},
    "visitors": {"type": "integer", "minimum": 0},
    "previews": {"type": "integer", "minimum": 0},
    "shares": {"type": "integer", "minimum": 0},
    "clicks_per_share": RATIO,
}


def _object(properties: dict[str, Any], *, required: list[str] | None = None, extra: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Error": _object({
        "error": {"type": "string", "description": "The status in words (\"Not found\")."},
        "message": {"type": "string", "description": "What went wrong, for people."},
        "field": {"type": "string", "description": "The request field the error is about, when there is one."},
    }, required=["error", "message"]),
    "Person": _object({
        "id": {"type": "integer"}, "name": {"type": "string"}, "job_title": {"type": "string"},
    }),
    "Me": _object({
        "id": {"type": "integer"}, "name": {"type": "string"}, "job_title": {"type": "string"},
        "email": {"type": "string"},
        "role": {"enum": ["employee", "comms", "admin"]},
        "token": _object({
            "id": {"type": "integer"}, "name": {"type": "string"}, "prefix": {"type": "string"},
            "scopes": {"type": "array", "items": {"enum": ["read", "write"]}},
        }),
    }),
    "Post": _object({
        "id": {"type": "integer"},
        "status": {"enum": ["draft", "scheduled", "published", "archived", "taken_down"]},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "body": {"type": "string", "description": "Markdown."},
        "tags": {"type": "array", "items": {"type": "string"}},
        "key_point": _nullable("string", description="The author's key point; null: never set."),
        "revision": _nullable("integer", description="The number of the revision shown."),
        "has_unpublished_changes": {"type": "boolean"},
        "author": _ref("Person"),
        "topic_id": _nullable("integer"),
        "url": _nullable("string", format="uri", description="The public page, while published."),
        "created_at": DATETIME,
        "updated_at": DATETIME,
        "published_at": NULLABLE_DATETIME,
        "scheduled_for": NULLABLE_DATETIME,
    }),
    "PostPage": _object({
        "items": {"type": "array", "items": _ref("Post")},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        "next_page": _nullable("integer", description="The next page's number; null on the last page."),
    }),
    "NewPost": {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 300},
            "summary": {"type": "string", "maxLength": 600},
            "body": {"type": "string", "maxLength": 200000, "description": "Markdown."},
            "tags": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 40}},
            "key_point": _nullable("string", maxLength=300),
        },
        "required": ["title"],
        "additionalProperties": False,
    },
    "ShareText": _object({
        "platform": {"type": "string"},
        "name": {"type": "string"},
        "text": {"type": "string"},
        "subject": _nullable("string"),
        "source": {"enum": ["yours", "author", "proposed", "words"]},
        "count": {"type": "integer", "description": "The length as the platform counts it."},
        "limit": {"type": "integer"},
        "fits": {"type": "boolean"},
        "link": {"type": "string", "format": "uri", "description": "Your tracked link for this platform."},
        "intent": _nullable("string", description="The platform's share-screen address."),
        "problems": {"type": "array", "items": {"type": "string"}},
    }),
    "TrackedLink": _object({
        "platform": {"type": "string"}, "code": {"type": "string"}, "url": {"type": "string", "format": "uri"},
    }),
    "Share": _object({
        "post_id": {"type": "integer"},
        "own_words": {"type": "string"},
        "texts": {"type": "array", "items": _ref("ShareText")},
        "links": {"type": "array", "items": _ref("TrackedLink")},
    }),
    "Topic": _object({
        "id": {"type": "integer"},
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "state": {"enum": ["proposed", "open", "closed"]},
        "brief": {"type": "string", "description": "Markdown."},
        "audience": {"type": "string"},
        "platforms": {"type": "array", "items": {"type": "string"}},
        "key_messages": {"type": "array", "items": {"type": "string"}},
        "hashtags": {"type": "array", "items": {"type": "string"}},
        "useful_until": _nullable("string", format="date"),
        "created_at": DATETIME,
        "added_at": NULLABLE_DATETIME,
        "closed_at": NULLABLE_DATETIME,
    }),
    "TopicList": _object({"items": {"type": "array", "items": _ref("Topic")}}),
    "Insights": _object({
        "scope": {"enum": ["mine", "company"]},
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
        "totals": _object({
            **{k: {"type": "integer", "minimum": 0} for k in (
                "clicks", "visitors", "previews", "shares", "copies", "intents", "posts_written", "authors",
                "sharers", "people")},
            "clicks_per_share": RATIO,
            "participation": RATIO,
        }),
        "days": {"type": "array", "items": _object({"day": {"type": "string", "format": "date"}, **COUNTS})},
        "platforms": {"type": "array", "items": _object({
            "platform": {"type": "string"}, "name": {"type": "string"}, **COUNTS})},
        "posts": {"type": "array", "items": _object({
            "post_id": {"type": "integer"}, "title": {"type": "string"}, "author": {"type": "string"},
            "topic_id": _nullable("integer"), **COUNTS})},
        "topics": {"type": "array", "items": _object({
            "topic_id": _nullable("integer"), "title": {"type": "string"}, "posts": {"type": "integer"}, **COUNTS})},
    }),
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


RESPONSES: dict[str, Any] = {
    "BadRequest": _error("The request is malformed (a query argument out of range, a body that is not a JSON object)."),
    "Unauthorized": {**_error("No token, or an unknown or revoked one."),
                     "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
    "Forbidden": _error("The token lacks the scope, or its owner may not do this."),
    "NotFound": _error("No such thing, or not one the token's owner may see."),
    "Conflict": _error("Someone changed the same thing at the same moment; nothing was saved."),
    "Unprocessable": _error("A field breaks a rule; ``field`` names it."),
    "TooManyRequests": {**_error("The token's request budget is spent for this window."),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}


def _ok(schema: str, description: str, status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}}


def _errors(*names: str) -> dict[str, Any]:
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404", "Conflict": "409",
             "Unprocessable": "422", "TooManyRequests": "429"}
    return {codes[n]: {"$ref": f"#/components/responses/{n}"} for n in ("Unauthorized", "TooManyRequests", *names)}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


READ = [{"token": ["read"]}]
WRITE = [{"token": ["write"]}]
DAY = {"type": "string", "format": "date"}

PATHS: dict[str, Any] = {
    "/openapi.json": {"get": {
        "operationId": "openapi", "summary": "This document.", "security": [],
        "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
    "/me": {"get": {
        "operationId": "me", "summary": "Who the token belongs to, and what it may do.", "security": READ,
        "responses": {**_ok("Me", "The token's owner."), **_errors("Forbidden")},
    }},
    "/posts": {
        "get": {
            "operationId": "listPosts", "summary": "Published posts (newest first), or your own.", "security": READ,
            "parameters": [
                _query("scope", {"enum": ["published", "mine"], "default": "published"},
                       "`published`: everyone's published posts; `mine`: your own, in any state."),
                _query("q", {"type": "string", "maxLength": 200}, "Search words."),
                _query("page", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}, "Page number."),
                _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                       "Posts per page."),
            ],
            "responses": {**_ok("PostPage", "A page of posts."), **_errors("BadRequest", "Forbidden")},
        },
        "post": {
            "operationId": "createDraft", "summary": "Create a draft (revision 1); nothing is published.",
            "security": WRITE,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewPost")}}},
            "responses": {
                **_ok("Post", "The new draft.", "201"),
                **_errors("BadRequest", "Forbidden", "Conflict", "Unprocessable"),
            },
        },
    },
    "/posts/{post_id}": {"get": {
        "operationId": "getPost", "security": READ,
        "summary": "A post: its newest revision for its author and comms, the live one for everyone else.",
        "parameters": [_id("post_id")],
        "responses": {**_ok("Post", "The post."), **_errors("Forbidden", "NotFound")},
    }},
    "/posts/{post_id}/publish": {"post": {
        "operationId": "publishPost", "security": WRITE,
        "summary": "Publish the post's newest revision now (its author only; no approval step exists).",
        "parameters": [_id("post_id")],
        "responses": {**_ok("Post", "The published post."),
                      **_errors("Forbidden", "NotFound", "Conflict", "Unprocessable")},
    }},
    "/posts/{post_id}/share": {"get": {
        "operationId": "shareTexts", "security": READ,
        "summary": "Your share text for every platform and your tracked links (made on first use).",
        "parameters": [_id("post_id")],
        "responses": {**_ok("Share", "Texts and links."), **_errors("Forbidden", "NotFound")},
    }},
    "/topics": {"get": {
        "operationId": "listTopics", "summary": "Topics on the board.", "security": READ,
        "parameters": [_query("state", {"enum": ["open", "past", "proposed", "closed"], "default": "open"},
                              "`open`: current, closing soon first; `past`: past their date; `proposed`; "
                              "`closed`: the newest 50.")],
        "responses": {**_ok("TopicList", "The topics."), **_errors("BadRequest", "Forbidden")},
    }},
    "/topics/{topic_id}": {"get": {
        "operationId": "getTopic", "summary": "One topic and its brief.", "security": READ,
        "parameters": [_id("topic_id")],
        "responses": {**_ok("Topic", "The topic."), **_errors("Forbidden", "NotFound")},
    }},
    "/insights": {"get": {
        "operationId": "insights", "security": READ,
        "summary": "The dashboard's figures: your shares, or the company's (comms and admins).",
        "parameters": [
            _query("scope", {"enum": ["mine", "company"], "default": "mine"}, "Whose figures."),
            _query("start", DAY, "First day (UTC), YYYY-MM-DD; 30 days before `end` by default."),
            _query("end", DAY, "Last day (UTC), YYYY-MM-DD; today by default."),
            _query("posts", {"type": "integer", "minimum": 0, "maximum": 100, "default": 20},
                   "How many posts to list, by clicks."),
        ],
        "responses": {**_ok("Insights", "The figures."), **_errors("BadRequest", "Forbidden", "Unprocessable")},
    }},
}


def document(base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with this site's address as its server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hub API",
            "version": VERSION,
            "description": (
                "Posts, share texts, tracked links, topics and insights of hub. Authenticate every request "
                "with a personal access token (Profile, Access tokens) as `Authorization: Bearer <token>`; "
                "cookies are never accepted. Each token has a request budget per window "
                "(`RateLimit-Remaining` says what is left; a 429 carries `Retry-After`)."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "security": READ,
        "paths": PATHS,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "A personal access token (`hub_…`)."}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    }
