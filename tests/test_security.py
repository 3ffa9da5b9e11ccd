"""Security properties of the whole site: redirects, headers, CSRF, cookies, error pages,
authorization and sign-in throttling.

Several tests walk ``app.url_map`` rather than list pages by hand, so that a route added later is
covered without anyone remembering to add it here.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from hub.auth import services as auth_services
from hub.auth.models import Role, User
from hub.db import Base, utcnow
from hub.errors import PermissionDenied
from hub.posts import services
from hub.posts.models import Post, PostStatus
from hub.posts.services import PostInput
from hub.security import safe_next_url
from tests.conftest import CORPORA, TEST_PASSWORD, corpus

REDIRECTS = CORPORA / "security" / "open_redirect"
FALLBACK = "/fallback"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def _django() -> dict[str, Any]:
    path = REDIRECTS / "django_url_has_allowed_host_and_scheme_cases.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"must_reject": [], "must_accept": []}


DJANGO = _django()


# --- helpers ----------------------------------------------------------------------------------


def is_local_path(url: str) -> bool:
    parts = urlsplit(url)
    return url.startswith("/") and not url.startswith("//") and not parts.scheme and not parts.netloc


def browser_resolve(location: str, base: str = "http://hub.test/login") -> str:
    """Where a browser goes for ``location``: it trims C0 controls and spaces, drops tabs and
    newlines anywhere, and reads a backslash as a slash in http(s) URLs."""
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    return urljoin(base, cleaned)


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "p" and "error" in (a.get("class") or "").split():
            self._in_error = True
            self.errors.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_error = False

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.errors[-1] += data


def parse(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    parser.close()
    return parser


def inline_script_problems(html: str) -> list[str]:
    """Inline scripts (other than JSON-LD data) and event-handler attributes in a page."""
    found = []
    for tag, attrs in parse(html).elements:
        if tag == "script" and attrs.get("src") is None and attrs.get("type") != "application/ld+json":
            found.append("inline <script> without src")
        for name in attrs:
            if name.startswith("on"):
                found.append(f"{name}= on <{tag}>")
        for name in ("href", "src", "action", "formaction"):
            if (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{name}={attrs[name]!r} on <{tag}>")
    return found


def csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    policy = csp(response)
    scripts = policy.get("script-src", policy.get("default-src"))
    if scripts is None:
        found.append("no script-src or default-src")
    else:
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            if bad in scripts:
                found.append(f"script-src allows {bad}")
    if policy.get("frame-ancestors") != ["'none'"] and (
        response.mimetype == "text/html" or response.headers.get("X-Frame-Options") != "DENY"
    ):
        found.append(f"frame-ancestors is {policy.get('frame-ancestors')}")
    if response.mimetype == "text/html" and policy.get("object-src") != ["'none'"]:
        found.append("object-src is not 'none'")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}:
        found.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    return found


def snapshot(session) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Every row of every table, to show that a request changed nothing."""
    session.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in session.execute(sa.select(table)))
        for table in Base.metadata.sorted_tables
    }


# Tables that a GET may add rows to by design, never change: a share page creates the person's
# tracked links on first view and keeps the texts it built (a cache keyed by their inputs' hash),
# and following a share link (/s/<code>) records the click.
GET_MAY_RECORD = {"share_link", "share_proposal_cache", "click", "click_rollup"}


def login(client, email: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password, **extra})


def signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    response = client.get("/posts")
    return response.status_code == 200


# --- 1. open redirects ------------------------------------------------------------------------


@pytest.mark.parametrize("target", DJANGO["must_reject"], ids=[repr(t) for t in DJANGO["must_reject"]])
def test_django_must_reject_case_falls_back(target):
    corpus("security", "open_redirect")
    assert safe_next_url(target, FALLBACK) == FALLBACK


def test_django_must_accept_cases_are_accepted_only_as_local_paths():
    corpus("security", "open_redirect")
    assert len(DJANGO["must_accept"]) == 10
    accepted = []
    for target in DJANGO["must_accept"]:
        result = safe_next_url(target, FALLBACK)
        if result != FALLBACK:
            assert result == target
            assert is_local_path(result), target
            accepted.append(target)
    # hub's rule is stricter than Django's, but same-site absolute paths must still work.
    assert accepted == [t for t in DJANGO["must_accept"] if t.startswith("/") and not t.startswith("//")]
    assert len(accepted) == 4


def test_payloadsallthethings_never_leave_the_site():
    directory = corpus("security", "open_redirect", "payloadsallthethings")
    lines = [line for path in sorted(directory.glob("*.txt"))
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    assert len(lines) > 300
    failures = []
    accepted = 0
    for target in lines:
        result = safe_next_url(target, FALLBACK)
        if result == FALLBACK:
            continue
        accepted += 1
        if result != target:
            failures.append(f"{target!r} changed into {result!r}")
        for resolved in (urljoin("http://hub.test/login", result), browser_resolve(result)):
            parts = urlsplit(resolved)
            if (parts.scheme, parts.netloc) != ("http", "hub.test"):
                failures.append(f"{target!r} leads to {resolved!r}")
    assert not failures, f"{len(failures)} payloads escape:\n" + "\n".join(failures[:8])
    assert accepted > 0  # plain paths such as "/%2f%2fexample.com" stay on hub.test and are fine


@pytest.mark.parametrize("target", [
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example", "/\t/evil.example",
    "\t//evil.example", "/\n/evil.example", "/\r\n/evil.example", " //evil.example", "\x00//evil.example",
    "//evil.example", "///evil.example", "https:evil.example", "https://evil.example", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example", "", None, "/" + "a" * 2100,
    "\x7f//evil.example", "/\x0b/evil.example",
])
def test_browser_tricks_are_refused(target):
    assert safe_next_url(target, FALLBACK) == FALLBACK


@pytest.mark.parametrize("target", ["/posts", "/p/12-title?x=1#top", "/t/caf%C3%A9", "/search?q=//not-a-host"])
def test_same_site_paths_are_kept(target):
    assert safe_next_url(target, FALLBACK) == target


@pytest.mark.parametrize("target", ["http://example.com", "\\\\example.com", "/\\example.com", "http:/\\example.com",
                                    "javascript:alert(\"XSS\")", "\njavascript:alert(x)", "\b//example.com",
                                    "http:///example.com", "//example.com", "/\t/example.com"])
def test_sign_in_never_redirects_off_site(client, make_user, target):
    user = make_user()
    response = login(client, user.email, TEST_PASSWORD, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/posts"
    assert urlsplit(browser_resolve(location)).netloc == "hub.test"
    # Already signed in, ?next= on the sign-in page is held to the same rule.
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/posts"


def test_sign_in_follows_a_same_site_next(client, make_user):
    user = make_user()
    response = login(client, user.email, TEST_PASSWORD, next="/colleagues?q=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/colleagues?q=x"


# --- the site's routes, with real objects for their parameters ----------------------------------


@dataclass
class World:
    admin: User
    other: User
    post: Post
    others_post: Post
    tag_slug: str
    invitation_id: int
    invite_token: str
    reset_token: str
    image_filename: str


@pytest.fixture
def world(app, session, make_user, make_post) -> World:  # type: ignore[no-untyped-def]
    admin = make_user(role="admin", name="Ada Admin")
    other = make_user(name="Otto Other")
    post = make_post(author=admin, title="Admin's post", body="Body one", tags="Security", publish=True)
    services.save_revision(session, post, admin, PostInput("Admin's post", "", "Body two", "Security"),
                           base_revision_id=post.current_revision_id)
    others_post = make_post(author=other, title="Other's post", publish=True)
    invitation, token = auth_services.create_invitation(session, admin, email=None, role=Role.EMPLOYEE)
    image = services.upload_image(session, admin, _png(), alt="dot", limits=app.config)
    session.commit()
    return World(admin, other, post, others_post, post.tags[0].slug, invitation.id, token,
                 auth_services.make_reset_token(other), image.filename)


def rule_values(rule: Rule, w: World) -> list[dict[str, Any]]:
    """Values for every argument of ``rule``: ids of real objects (one set per ``any`` choice)."""
    by_endpoint: dict[str, dict[str, Any]] = {
        "public.post": {"post_id": w.post.id, "slug": w.post.slug},
        "public.author": {"user_id": w.admin.id, "slug": w.admin.slug},
        "public.tag": {"slug": w.tag_slug},
        "static": {"filename": "css/hub.css"},
        "auth.invite": {"token": w.invite_token},
        "auth.reset_password": {"token": w.reset_token},
        "posts.image": {"filename": w.image_filename},
    }
    generic = {"post_id": w.post.id, "user_id": w.other.id, "invitation_id": w.invitation_id, "number": 1,
               "token": w.invite_token, "filename": w.image_filename}
    values: dict[str, Any] = {}
    choices: list[tuple[str, list[str]]] = []
    for name in rule.arguments:
        if name in (rule.defaults or {}):
            continue  # fixed by the rule itself
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices.append((name, sorted(converter.items)))
        elif name in by_endpoint.get(rule.endpoint, {}):
            values[name] = by_endpoint[rule.endpoint][name]
        elif name in generic:
            values[name] = generic[name]
        else:
            values[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    sets = [values]
    for name, items in choices:
        sets = [{**s, name: item} for s in sets for item in items]
    return sets


def urls(app, w: World, method: str) -> list[tuple[Rule, str]]:  # type: ignore[no-untyped-def]
    found = []
    for rule in app.url_map.iter_rules():
        if method not in (rule.methods or set()):
            continue
        for values in rule_values(rule, w):
            built = rule.build(values, append_unknown=False)
            assert built is not None, f"cannot build {rule.rule} from {values}"
            found.append((rule, built[1]))
    return found


# --- 5. security on every page ------------------------------------------------------------------


def test_headers_on_a_few_pages(client, world):
    pages = ["/", f"/p/{world.post.id}-{world.post.slug}", "/login", "/p/999999", "/feed.xml", "/nowhere"]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert header_problems(response) == [], path
        assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/p/999999").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "admin", "employee"])
def test_every_get_page_is_safe(client, auth, session, world, who):
    if who == "admin":
        auth.login(world.admin)
    elif who == "employee":
        auth.login(world.other)
    before = snapshot(session)
    failures = []
    html_pages: dict[str, set[int]] = {}
    for rule, url in urls(client.application, world, "GET"):
        response = client.get(url)
        body = response.get_data()
        response.close()
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
        failures += [f"{url}: {p}" for p in header_problems(response)]
        if response.mimetype == "text/html":
            html_pages.setdefault(rule.endpoint, set()).add(response.status_code)
            failures += [f"{url}: {p}" for p in inline_script_problems(body.decode())]
    assert not failures, "\n".join(failures[:10])
    after = snapshot(session)
    for table, rows in before.items():
        if table in GET_MAY_RECORD:
            assert set(rows) <= set(after[table]), f"a GET request changed or deleted rows of {table}"
        else:
            assert after[table] == rows, f"a GET request changed the table {table}"
    if who == "admin":
        for endpoint in ("posts.new", "posts.mine", "auth.people", "auth.profile", "posts.revisions", "posts.edit",
                         "posts.revision", "posts.compare", "posts.takedown", "public.post", "public.home"):
            assert 200 in html_pages.get(endpoint, set()), endpoint
    if who == "anonymous":
        for endpoint in ("public.home", "public.post", "auth.login", "auth.signup", "auth.invite", "auth.reset_password"):
            assert 200 in html_pages.get(endpoint, set()), endpoint


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf-on"])
def test_every_post_route_needs_a_csrf_token(client, auth, session, world):
    auth.login(world.admin)
    before = snapshot(session)
    # The back-channel logout endpoint is called by the OpenID provider, server to server, with a
    # signed logout token as its proof (tests/auth/test_sso.py checks that it refuses forged ones).
    targets = [(r, u) for r, u in urls(client.application, world, "POST") if r.endpoint != "auth.backchannel_logout"]
    assert len(targets) >= 20
    failures = []
    for rule, url in targets:
        if rule.endpoint.startswith("api."):
            # The JSON API takes no CSRF token: it never reads the session cookie, so the signed-in
            # admin's cookie gets a 401 there (tests/api) and a forged request changes nothing.
            for kwargs in ({"data": {"title": "x"}}, {"json": {"title": "x"}}):
                if (status := client.post(url, **kwargs).status_code) != 401:
                    failures.append(f"POST {url} (API, cookie only): {status}")
            continue
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data={**data, "title": "x", "role": "admin", "reason": "r", "email": "a@example.com"})
            if response.status_code != 400 or "CSRF" not in response.get_data(as_text=True):
                failures.append(f"POST {url} {data}: {response.status_code}")
        json_response = client.post(url, json={"title": "x"})
        if json_response.status_code != 400:
            failures.append(f"POST {url} (JSON): {json_response.status_code}")
    assert not failures, "\n".join(failures[:10])
    assert snapshot(session) == before, "a POST without a token changed the database"
    assert signed_in(client)

    # The same kind of request with the page's token goes through (so the 400s above were CSRF).
    page = client.get("/write").get_data(as_text=True)
    token = next(a["value"] for t, a in parse(page).elements if t == "input" and a.get("name") == "csrf_token")
    preview = client.post("/posts/preview", data={"csrf_token": token, "body": "**hi**"})
    assert preview.status_code == 200
    assert "<strong>hi</strong>" in preview.get_json()["html"]


def test_post_only_routes_refuse_get(client, auth, session, world):
    auth.login(world.admin)
    before = snapshot(session)
    adapter = client.application.url_map.bind("localhost")
    post_only = [(rule, url) for rule, url in urls(client.application, world, "POST")
                 if "GET" not in (rule.methods or set()) and not adapter.test(url, method="GET")]  # /api/v1/posts
    assert any(rule.endpoint == "auth.logout" for rule, _ in post_only)
    for rule, url in post_only:
        response = client.get(url)
        assert response.status_code == 405, url
        assert "POST" in response.headers.get("Allow", ""), url
        assert header_problems(response) == []
    assert snapshot(session) == before
    assert signed_in(client), "GET /logout signed the person out"


def test_session_cookie_is_httponly_and_lax(client, make_user, app):
    user = make_user()
    response = login(client, user.email, TEST_PASSWORD, remember="y")
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: [a.strip().lower() for a in c.split(";")[1:]] for c in response.headers.getlist("Set-Cookie")}
    for name in (app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        assert name in cookies, cookies.keys()
        assert "httponly" in cookies[name]
        assert "samesite=lax" in cookies[name]
        assert "secure" not in cookies[name]  # BASE_URL is http in tests: a Secure cookie would never come back


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://hub.test"}], ids=["https"])
def test_cookies_are_secure_when_the_site_is_https(client, make_user, app):
    user = make_user()
    response = client.post("/login", base_url="https://hub.test",
                           data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: [a.strip().lower() for a in c.split(";")[1:]] for c in response.headers.getlist("Set-Cookie")}
    for name in (app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        assert "secure" in cookies[name], (name, cookies[name])
        assert "httponly" in cookies[name]
    assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=")


def test_error_pages_never_show_a_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("boom-secret")

    for headers in ({}, {"Accept": "application/json"}):
        response = client.get("/test-boom", headers=headers)
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        for leak in ("boom-secret", "Traceback", "RuntimeError", "site-packages", ".py"):
            assert leak not in body, leak
        assert header_problems(response) == []
    assert "Something went wrong" in client.get("/test-boom").get_data(as_text=True)
    assert client.get("/test-boom", headers={"Accept": "application/json"}).get_json()["error"] == "Something went wrong"
    for path in ("/p/999999", "/nowhere/%00", "/img/../../etc/passwd"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Traceback" not in response.get_data(as_text=True)


# --- 6. authorization ---------------------------------------------------------------------------


def test_services_refuse_changes_to_someone_elses_post(session, make_user, make_post):
    author = make_user()
    post = make_post(author=author, title="Mine", body="Mine", publish=True)
    base = post.current_revision_id
    for intruder in (make_user(), make_user(role="comms"), make_user(role="admin")):
        attempts = {
            "save": lambda i=intruder: services.save_revision(session, post, i, PostInput("Hijacked", "", "x"), base_revision_id=base),
            "publish": lambda i=intruder: services.publish_post(session, post, i),
            "unpublish": lambda i=intruder: services.unpublish_post(session, post, i),
            "archive": lambda i=intruder: services.archive_post(session, post, i),
            "unarchive": lambda i=intruder: services.unarchive_post(session, post, i),
            "schedule": lambda i=intruder: services.schedule_post(session, post, i, utcnow() + timedelta(days=1)),
            "unschedule": lambda i=intruder: services.cancel_schedule(session, post, i),
            "restore": lambda i=intruder: services.restore_revision(session, post, i, post.current_revision, base_revision_id=base),
        }
        for name, attempt in attempts.items():
            with pytest.raises(PermissionDenied):
                attempt()
                pytest.fail(f"{intruder.role} could {name} someone else's post")
    with pytest.raises(PermissionDenied):
        services.take_down(session, post, make_user(), "I do not like it")
    session.rollback()
    session.expire_all()
    assert post.status == PostStatus.PUBLISHED
    assert post.current_revision.title == "Mine"
    services.take_down(session, post, make_user(role="comms"), "Names a customer")
    assert post.status == PostStatus.TAKEN_DOWN


def test_views_answer_403_to_an_employee(client, auth, session, world, make_user):
    intruder = auth.login(make_user())
    p, other = world.others_post.id, world.other.id
    before = snapshot(session)
    attempts = [
        ("GET", f"/posts/{p}/edit", None),
        ("POST", f"/posts/{p}/edit", {"title": "Hijacked", "body": "x", "action": "save"}),
        ("POST", f"/posts/{p}/edit", {"title": "Hijacked", "body": "x", "action": "publish"}),
        ("POST", f"/posts/{p}/autosave", {"title": "Hijacked", "body": "x"}),
        *[("POST", f"/posts/{p}/{action}", {}) for action in ("publish", "unpublish", "archive", "unarchive", "unschedule")],
        ("POST", f"/posts/{p}/revisions/1/restore", {}),
        ("GET", f"/posts/{p}/takedown", None),
        ("POST", f"/posts/{p}/takedown", {"reason": "Because"}),
        ("GET", f"/posts/{p}/revisions", None),
        ("GET", f"/posts/{p}/revisions/1", None),
        ("GET", f"/posts/{p}/compare", None),
        ("GET", "/admin/people", None),
        ("POST", f"/admin/people/{intruder.id}/role", {"role": "admin"}),
        ("POST", f"/admin/people/{other}/role", {"role": "comms"}),
        ("POST", f"/admin/people/{other}/deactivate", {}),
        ("POST", f"/admin/people/{world.admin.id}/deactivate", {}),
        ("POST", f"/admin/people/{other}/reactivate", {}),
        ("POST", "/admin/invitations", {"email": "", "role": "admin"}),
        ("POST", f"/admin/invitations/{world.invitation_id}/revoke", {}),
        ("POST", "/admin/domains", {"domains": "evil.example"}),
    ]
    failures = []
    for method, url, data in attempts:
        response = client.open(url, method=method, data=data)
        if response.status_code != 403:
            failures.append(f"{method} {url} {data}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert snapshot(session) == before
    assert client.get(f"/p/{world.post.id}-{world.post.slug}").status_code == 200  # public pages still fine


def test_comms_can_take_down_but_not_run_people(client, auth, session, world, make_user):
    auth.login(make_user(role="comms"))
    other = world.other.id
    assert client.get("/admin/people").status_code == 200
    for url, data in ((f"/admin/people/{other}/role", {"role": "admin"}), (f"/admin/people/{other}/deactivate", {}),
                      (f"/admin/people/{other}/reactivate", {}), ("/admin/domains", {"domains": "evil.example"})):
        assert client.post(url, data=data).status_code == 403, url
    session.expire_all()
    assert world.other.role == Role.EMPLOYEE and world.other.is_active
    response = client.post(f"/posts/{world.others_post.id}/takedown", data={"reason": "Names a customer"})
    assert response.status_code == 302
    session.expire_all()
    assert world.others_post.status == PostStatus.TAKEN_DOWN


def test_deactivation_ends_existing_sessions_at_once(client, auth, session, make_user):
    admin = make_user(role="admin")
    person = make_user()
    # One browser signed in through the form with "keep me signed in", one through the session.
    remembered = client.application.test_client()
    assert login(remembered, person.email, TEST_PASSWORD, remember="y").status_code == 302
    remembered.delete_cookie(client.application.config["SESSION_COOKIE_NAME"])
    assert signed_in(remembered), "the remember cookie alone should sign in"
    auth.login(person)
    assert signed_in(client)

    auth_services.deactivate(session, admin, person)
    session.commit()

    for browser in (client, remembered):
        response = browser.get("/posts")
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"
    assert login(client, person.email, TEST_PASSWORD).status_code == 200  # and cannot sign in again


def test_sign_in_is_throttled_per_account(client, app, make_user):
    user = make_user(email="ann@example.com")
    bystander = make_user(email="bob@example.com")
    limit = app.config["LOGIN_MAX_PER_ACCOUNT"]
    for _ in range(limit):
        response = login(client, user.email, "not the password")
        assert response.status_code == 200
        assert parse(response.get_data(as_text=True)).errors == [auth_services.INVALID_LOGIN]
    right = login(client, user.email, TEST_PASSWORD)
    wrong = login(client, user.email, "still not the password")
    shouting = login(client, user.email.upper(), TEST_PASSWORD)
    assert right.status_code == wrong.status_code == shouting.status_code == 429  # slowed down, said so
    # The window slides: this window's attempts stay in sight, fading, through the next one.
    assert all(0 < int(r.headers["Retry-After"]) <= 2 * app.config["LOGIN_WINDOW_SECONDS"] for r in (right, wrong, shouting))
    right_errors = parse(right.get_data(as_text=True)).errors
    assert right_errors and right_errors == parse(wrong.get_data(as_text=True)).errors
    assert right_errors == parse(shouting.get_data(as_text=True)).errors
    assert right.get_data() == wrong.get_data()
    assert not signed_in(client)
    # Another account from the same address is not locked out.
    assert login(client, bystander.email, TEST_PASSWORD).status_code == 302


def test_unknown_account_and_wrong_password_get_identical_answers(client, make_user):
    user = make_user(email="known@example.com")
    unknown = login(client, "nobody@example.com", "some password")
    wrong = login(client, user.email, "some password")
    malformed = login(client, "not-an-address", "some password")
    assert unknown.status_code == wrong.status_code == malformed.status_code == 200
    errors = parse(unknown.get_data(as_text=True)).errors
    assert errors == [auth_services.INVALID_LOGIN]
    assert parse(wrong.get_data(as_text=True)).errors == errors
    # Byte for byte, once the address each form echoes back is taken out.
    assert unknown.get_data().replace(b"nobody@example.com", b"@") == wrong.get_data().replace(b"known@example.com", b"@")
