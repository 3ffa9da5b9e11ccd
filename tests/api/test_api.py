"""The JSON API v1 over the Flask test client: tokens (hashed, scoped, revocable, rate limited), posts,
share texts and links, topics and insights, through the same services and rules as the web. Every
answer is checked against the OpenAPI 3.1 document (tests/api/conftest.py)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from hub.api import openapi
from hub.api.models import ApiToken
from hub.posts.models import Post, PostStatus
from tests.api.conftest import body


def test_the_document_is_valid_openapi_3_1_and_served_without_a_token(api):
    validate(openapi.document("http://hub.test"))  # raises on anything the 3.1 schema refuses
    response = api.get("/openapi.json")
    assert response.status_code == 200
    doc = body(response)
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": "http://hub.test/api/v1"}]
    assert {"/posts", "/posts/{post_id}/publish", "/posts/{post_id}/share", "/topics", "/insights"} <= set(doc["paths"])


def test_no_token_is_a_401_with_a_bearer_challenge(api):
    response = api.get("/posts")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="hub"'
    assert "Authorization: Bearer" in body(response)["message"]


def test_a_signed_in_browser_session_is_never_accepted(api, auth, make_user):
    auth.login(make_user())  # the test client now carries a valid session cookie
    assert api.get("/me").status_code == 401
    response = api.post("/posts", json={"title": "From a forged form"})
    assert response.status_code == 401  # no cookie ever acts on the API, so CSRF has nothing to ride on


@pytest.mark.parametrize("header", ["Bearer hub_not-a-real-token", "Bearer \x00", "Basic dXNlcjpwYXNz",
                                    "Bearer " + "x" * 5000, "bearer"])
def test_a_wrong_token_is_a_401(api, header):
    response = api.get("/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_only_a_hash_of_the_token_is_stored_and_me_says_whose_it_is(api, session, make_user, make_token):
    user = make_user(name="Ann Author")
    raw = make_token(user, ("read",), name="Report script")
    row = session.scalars(sa.select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (row.name, row.prefix, row.token_hash, row.scopes_text) and raw.startswith(row.prefix)
    assert row.last_used_at is None
    response = api.get("/me", token=raw)
    assert response.status_code == 200
    me = body(response)
    assert me["name"] == "Ann Author" and me["token"]["scopes"] == ["read"] and me["token"]["prefix"] == row.prefix
    session.expire_all()
    assert row.last_used_at is not None


def test_a_revoked_token_or_a_deactivated_owner_stops_working(api, client, auth, session, make_user, make_token):
    user, admin = make_user(), make_user(role="admin")
    raw = make_token(user)
    assert api.get("/me", token=raw).status_code == 200
    token_id = session.scalars(sa.select(ApiToken.id)).one()
    auth.login(user)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    response = api.get("/me", token=raw)
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]

    other = make_token(user)
    from hub.auth.services import deactivate

    deactivate(session, admin, user)
    session.commit()
    assert api.get("/me", token=other).status_code == 401


def test_a_read_token_cannot_write(api, make_user, make_token):
    raw = make_token(make_user(), ("read",))
    response = api.post("/posts", token=raw, json={"title": "Hello"})
    assert response.status_code == 403 and "write" in body(response)["message"]


def test_create_a_draft_then_publish_it_through_the_posts_rules(api, session, make_user, make_token):
    author = make_user(name="Ann Author")
    api.token = make_token(author)
    response = api.post("/posts", json={"title": "Our new office", "body": "We *moved*.", "summary": "News",
                                        "tags": ["Office", "office", "Culture"], "key_point": "We moved."})
    assert response.status_code == 201
    draft = body(response)
    assert response.headers["Location"] == f"/api/v1/posts/{draft['id']}"
    assert (draft["status"], draft["title"], draft["tags"], draft["revision"], draft["url"]) == (
        "draft", "Our new office", ["Office", "Culture"], 1, None)
    post = session.get(Post, draft["id"])
    assert post.author_id == author.id and post.status == PostStatus.DRAFT

    response = api.post(f"/posts/{draft['id']}/publish")
    assert response.status_code == 200
    published = body(response)
    assert published["status"] == "published" and published["url"].endswith(f"/p/{draft['id']}-our-new-office")
    session.expire_all()
    assert session.get(Post, draft["id"]).status == PostStatus.PUBLISHED

    listed = body(api.get("/posts"))
    assert [p["id"] for p in listed["items"]] == [draft["id"]] and listed["next_page"] is None


def test_colleagues_cannot_see_a_draft_nor_publish_a_published_post(api, make_user, make_post, make_token):
    author, colleague = make_user(), make_user()
    draft = make_post(author=author, title="Secret plans")
    live = make_post(author=author, title="Public news", publish=True)
    api.token = make_token(colleague)
    assert api.get(f"/posts/{draft.id}").status_code == 404
    assert api.post(f"/posts/{draft.id}/publish").status_code == 404
    assert body(api.get(f"/posts/{live.id}"))["title"] == "Public news"
    response = api.post(f"/posts/{live.id}/publish")
    assert response.status_code == 403 and "author" in body(response)["message"]
    assert api.get("/posts/2147483648").status_code == 404  # beyond any id column: never reaches the database
    assert api.get("/posts/999999").status_code == 404


def test_publishing_keeps_the_posts_rules(api, session, make_user, make_token):
    from hub.posts import services
    from hub.posts.services import PostInput

    author, comms = make_user(), make_user(role="comms")
    post = services.create_draft(session, author, PostInput("Taken down soon", body="Text"))
    services.publish_post(session, post, author)
    services.take_down(session, post, comms, "Contains a customer's name.")
    session.commit()
    response = api.post(f"/posts/{post.id}/publish", token=make_token(author))
    assert response.status_code == 422 and "taken down" in body(response)["message"]


@pytest.mark.parametrize(
    ("kwargs", "status", "field"),
    [
        ({"data": "title=Hi", "content_type": "application/x-www-form-urlencoded"}, 400, None),
        ({"data": "{not json", "content_type": "application/json"}, 400, None),
        ({"json": ["title"]}, 400, None),
        ({"data": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"}, 400, None),
        ({"json": {}}, 422, "title"),
        ({"json": {"title": "   "}}, 422, "title"),
        ({"json": {"title": 42}}, 422, "title"),
        ({"json": {"title": "A\x00B"}}, 422, "title"),
        ({"data": '{"title": "lone \\ud800 surrogate"}', "content_type": "application/json"}, 422, "title"),
        ({"json": {"title": "x" * 301}}, 422, "title"),
        ({"json": {"title": "Hi", "body": "x" * 200_001}}, 422, "body"),
        ({"json": {"title": "Hi", "tags": "a,b"}}, 422, "tags"),
        ({"json": {"title": "Hi", "tags": [f"t{i}" for i in range(11)]}}, 422, "tags"),
        ({"json": {"title": "Hi", "tags": ["x" * 41]}}, 422, "tags"),
        ({"json": {"title": "Hi", "key_point": "x" * 301}}, 422, "key_point"),
        ({"json": {"title": "Hi", "titel": "typo"}}, 422, "titel"),
        ({"json": {"title": "Hi", "body": "*" * 50_000}}, 422, "body"),  # more formatting than hub renders
    ],
)
def test_bad_input_is_a_clear_400_or_422_never_a_500(api, session, make_user, make_token, kwargs, status, field):
    response = api.post("/posts", token=make_token(make_user()), **kwargs)
    assert response.status_code == status, body(response)
    assert body(response).get("field") == field
    assert session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


@pytest.mark.parametrize("query", ["per_page=0", "per_page=101", "page=0", "page=abc", "page=99999999999999999999",
                                   "scope=everyone", "q=%00"])
def test_list_arguments_out_of_bounds_are_a_400(api, make_user, make_token, query):
    assert api.get(f"/posts?{query}", token=make_token(make_user())).status_code == 400


def test_pages_of_posts(api, make_user, make_post, make_token):
    author = make_user()
    ids = [make_post(author=author, title=f"Post {n}", publish=True).id for n in range(3)]
    make_post(author=author, title="A draft")
    api.token = make_token(author)
    first = body(api.get("/posts?per_page=2"))
    assert len(first["items"]) == 2 and first["next_page"] == 2
    second = body(api.get("/posts?per_page=2&page=2"))
    assert second["next_page"] is None
    assert sorted(p["id"] for p in first["items"] + second["items"]) == sorted(ids)
    mine = body(api.get("/posts?scope=mine&per_page=100"))
    assert len(mine["items"]) == 4 and {"draft", "published"} == {p["status"] for p in mine["items"]}


def test_share_texts_and_tracked_links_of_a_post(api, session, make_user, make_post, make_token):
    from hub.sharing.models import ShareLink

    author, colleague = make_user(), make_user()
    post = make_post(author=author, title="We cut support tickets by a third",
                     body="Our support team answered 18,000 tickets last quarter. Tickets dropped by a third.",
                     publish=True)
    draft = make_post(author=author, title="Not yet")
    api.token = make_token(colleague)
    response = api.get(f"/posts/{post.id}/share")
    assert response.status_code == 200
    share = body(response)
    links = {link["platform"]: link for link in share["links"]}
    texts = {t["platform"]: t for t in share["texts"]}
    assert set(links) == set(texts) and {"x", "linkedin", "bluesky"} <= set(texts)
    assert texts["x"]["link"] == links["x"]["url"] == f"http://hub.test/s/{links['x']['code']}"
    assert links["x"]["url"] in texts["x"]["text"] and texts["x"]["fits"]
    stored = {link.platform: link.code for link in session.scalars(
        sa.select(ShareLink).where(ShareLink.user_id == colleague.id, ShareLink.post_id == post.id))}
    assert stored == {p: link["code"] for p, link in links.items()}
    assert body(api.get(f"/posts/{post.id}/share"))["links"] == share["links"]  # stable after
    assert api.get(f"/posts/{draft.id}/share").status_code == 404
    assert api.get(f"/posts/{draft.id}/share", token=make_token(author)).status_code == 404  # not shareable yet


def test_topics_on_the_board(api, session, make_user, make_token):
    from hub.topics import services
    from hub.topics.services import TopicInput

    comms, employee = make_user(role="comms"), make_user()
    open_topic = services.create_topic(session, comms, TopicInput("Hiring in Berlin", brief="Tell *why*.",
                                                                  audience="Job seekers", hashtags="Jobs, Berlin"))
    proposed = services.propose_topic(session, employee, TopicInput("Our new canteen"))
    session.commit()
    api.token = make_token(employee)
    board = body(api.get("/topics"))["items"]
    assert [t["title"] for t in board] == ["Hiring in Berlin"] and board[0]["hashtags"] == ["Jobs", "Berlin"]
    assert [t["id"] for t in body(api.get("/topics?state=proposed"))["items"]] == [proposed.id]
    assert body(api.get(f"/topics/{open_topic.id}"))["audience"] == "Job seekers"
    assert api.get("/topics/424242").status_code == 404
    assert api.get("/topics?state=everything").status_code == 400


def test_insights_are_the_dashboards_figures_with_the_same_permissions(api, make_user, make_post, make_token):
    employee, comms = make_user(), make_user(role="comms")
    make_post(author=employee, title="Counted", publish=True)
    mine = api.get("/insights?start=2026-01-01&end=2026-01-31", token=make_token(employee))
    assert mine.status_code == 200
    figures = body(mine)
    assert figures["scope"] == "mine" and len(figures["days"]) == 31 and figures["totals"]["people"] == 1
    denied = api.get("/insights?scope=company", token=make_token(employee))
    assert denied.status_code == 403
    company = api.get("/insights?scope=company", token=make_token(comms))
    assert company.status_code == 200 and body(company)["totals"]["posts_written"] == 1
    bad = api.get("/insights?start=2026-02-30", token=make_token(employee))
    assert bad.status_code == 422 and body(bad)["field"] == "start"
    assert api.get("/insights?start=0001-01-01", token=make_token(employee)).status_code == 422


def test_each_token_has_a_request_budget(app, api, make_user, make_token):
    app.config.update(API_RATE_LIMIT=3, API_RATE_WINDOW_SECONDS=3600)
    user = make_user()
    first, second = make_token(user), make_token(user)
    for remaining in (2, 1, 0):
        response = api.get("/me", token=first)
        assert response.status_code == 200 and response.headers["RateLimit-Remaining"] == str(remaining)
    response = api.get("/me", token=first)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert api.get("/me", token=second).status_code == 200  # the budget is per token


def test_unknown_routes_and_methods_answer_json(api, make_user, make_token):
    api.token = make_token(make_user())
    assert api.client.get("/api/v1/nothing-here").status_code == 404
    assert api.client.get("/api/v1/nothing-here").is_json
    response = api.client.delete("/api/v1/posts", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 405 and response.is_json


def test_guessing_tokens_from_one_address_is_limited(api, monkeypatch, make_user, make_token):
    from hub.api import views

    monkeypatch.setattr(views, "FAILED_AUTH_MAX", 2)
    for _ in range(2):
        assert api.get("/me", token="hub_guess").status_code == 401
    response = api.get("/me", token="hub_guess")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert api.get("/me", token=make_token(make_user())).status_code == 200  # a real token still works
