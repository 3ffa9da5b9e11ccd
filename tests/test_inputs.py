"""The input boundary (hub/inputs.py, hub/forms.py): each attack of issue 14 that reached a 500,
as a named regression test, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from werkzeug.routing import IntegerConverter

import hub
from hub.auth.models import Role
from hub.auth.services import INVALID_LOGIN
from hub.forms import FlaskForm
from hub.inputs import MAX_INT, BoundedIntConverter
from hub.posts.models import Post
from hub.strategy.models import KpiTarget

HUGE = [str(2**63), str(10**30), str(MAX_INT + 1)]


# --- integers in the path -----------------------------------------------------------------------


def test_every_int_rule_uses_the_bounded_converter(app):
    int_args = [(rule.rule, name) for rule in app.url_map.iter_rules()
                for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
    assert len(int_args) > 30
    for rule, name in int_args:
        converter = next(r for r in app.url_map.iter_rules() if r.rule == rule)._converters[name]
        assert isinstance(converter, BoundedIntConverter), rule
        assert converter.max == MAX_INT, rule


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("template", ["/p/{}", "/p/{}-slug", "/p/{}/share", "/posts/{}/edit", "/topics/{}",
                                      "/a/{}", "/posts/1/revisions/{}", "/channels/{}", "/suggestions/{}"])
def test_an_integer_no_column_holds_is_404_in_any_path(client, auth, make_user, make_post, template, number):
    admin = make_user(role=Role.ADMIN)
    make_post(author=admin, publish=True)
    auth.login(admin)
    assert client.get(template.format(number)).status_code == 404


# --- query arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", [f"page={2**63}", f"page={10**30}", "page=0", "page=-1", "page=abc", "page=1e3"])
@pytest.mark.parametrize("path", ["/", "/posts", "/colleagues", "/insights/feedback", "/t/security", "/a/{id}-{slug}"])
def test_a_page_out_of_range_is_a_clear_400(client, auth, make_user, make_post, path, query):
    admin = make_user(role=Role.ADMIN)
    make_post(author=admin, tags="Security", publish=True)
    auth.login(admin)
    path = path.format(id=admin.id, slug=admin.slug)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "“page” must be a whole number from 1 to" in response.get_data(as_text=True)
    assert client.get(f"{path}?page=1").status_code == 200


@pytest.mark.parametrize("arg", ["a", "b"])
def test_compare_with_a_huge_revision_number_is_a_clear_400(client, auth, make_user, make_post, arg):
    author = make_user()
    post = make_post(author=author)
    auth.login(author)
    response = client.get(f"/posts/{post.id}/compare?{arg}={2**63}")
    assert response.status_code == 400
    assert f"“{arg}” must be a whole number" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["start=9999-12-31&end=9999-12-31", "end=0001-01-01", "start=0001-01-01&end=0001-01-01",
                                   "end=9999-12-31"])
@pytest.mark.parametrize("path", ["/insights/me", "/insights/", "/insights/me/export/days.csv", "/insights/export/days.csv",
                                  "/insights/export/platforms.csv"])
def test_dates_at_the_calendars_ends_are_a_clear_400(client, auth, make_user, path, query):
    auth.login(make_user(role=Role.COMMS))
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "from 1900-01-01 to 9998-12-31" in response.get_data(as_text=True)
    assert client.get(f"{path}?start=2026-01-01&end=2026-01-31").status_code in (200, 404)


# --- text the databases refuse ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/t/%00", "/s/%00", "/img/%00.png", "/t/a%00b", "/invite/%00", "/password/reset/%00",
                                  "/strategy/%00/edit"])
def test_nul_in_a_path_segment_is_404(client, auth, make_user, path):
    auth.login(make_user(role=Role.ADMIN))
    assert client.get(path).status_code == 404


def test_nul_in_a_query_argument_is_a_clear_400(client, auth, make_user):
    auth.login(make_user())
    response = client.get("/colleagues?q=a%00b")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_nul_in_the_anonymous_feedback_form_is_422_and_keeps_the_text(client, make_post, session):
    from hub.insights.models import Feedback

    post = make_post(publish=True)
    response = client.post(f"/p/{post.id}/feedback", data={"message": "Great post\x00 really", "name": "Ann\x00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("This field contains a NUL character") == 2
    assert "Great post\x00 really" in page  # what was typed comes back
    assert session.query(Feedback).count() == 0


@pytest.mark.parametrize("form", [
    {"email": "ann\x00@example.com", "password": "whatever password"},
    {"email": "ann@example.com", "password": "pass\x00word"},
])
def test_nul_in_the_sign_in_form_is_422(client, make_user, form):
    make_user(email="ann@example.com")
    response = client.post("/login", data=form)
    assert response.status_code == 422
    assert "This field contains a NUL character" in response.get_data(as_text=True)


def test_nul_in_the_sign_up_form_is_422_and_keeps_the_name(client, session):
    from hub.auth.models import User

    response = client.post("/signup", data={"display_name": "Ann\x00 Smith", "email": "ann@example.com",
                                            "password": "a long enough password"})
    assert response.status_code == 422
    assert "Ann\x00 Smith" in response.get_data(as_text=True)
    assert session.query(User).count() == 0


def test_nul_in_the_editor_keeps_the_draft_unsaved_and_typed(client, auth, make_user, session):
    auth.login(make_user())
    response = client.post("/write", data={"title": "Title", "body": "Body with \x00 inside"})
    assert response.status_code == 422
    assert "Body with \x00 inside" in response.get_data(as_text=True)
    assert session.query(Post).count() == 0


def test_a_252_character_address_on_sign_in_is_never_a_500(app, client, make_user):
    address = "a" * (252 - len("@example.com")) + "@example.com"
    assert len(address) == 252
    response = client.post("/login", data={"email": address, "password": "wrong password"})
    assert response.status_code == 200
    assert INVALID_LOGIN in response.get_data(as_text=True)


def test_every_form_derives_from_the_base_form():
    from flask_wtf import FlaskForm as FlaskWTFForm

    for module in pkgutil.walk_packages(hub.__path__, "hub."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    todo, forms = [FlaskWTFForm], []
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        forms.append(cls)
    hub_forms = [f for f in forms if f.__module__.startswith("hub.")]
    assert len(hub_forms) > 30
    assert [f.__qualname__ for f in hub_forms if not issubclass(f, FlaskForm)] == []


# --- typed fields -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [str(2**63), str(MAX_INT + 1), "-1"])
def test_a_cover_image_id_no_column_holds_is_a_field_error(client, auth, make_user, session, value):
    auth.login(make_user())
    response = client.post("/write", data={"title": "Title", "body": "Body", "cover_image_id": value})
    assert response.status_code == 200
    assert "Not a valid integer value." in response.get_data(as_text=True)
    assert session.query(Post).count() == 0


@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-Infinity"])
def test_a_kpi_target_that_is_not_a_number_is_a_field_error(client, auth, make_user, session, value):
    auth.login(make_user(role=Role.COMMS))
    response = client.post("/strategy/kpis", data={"platform": "all", "metric": "human_clicks", "target": value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid decimal value." in page
    assert f'value="{value}"' in page  # kept as typed
    assert session.query(KpiTarget).count() == 0


def test_a_kpi_target_of_zero_is_a_target(client, auth, make_user, session):
    auth.login(make_user(role=Role.COMMS))
    response = client.post("/strategy/kpis", data={"platform": "all", "metric": "human_clicks", "target": "0"})
    assert response.status_code == 302
    assert session.query(KpiTarget).one().target == 0


def test_the_kpi_service_refuses_a_signalling_nan(session, make_user):
    from decimal import Decimal

    from hub.errors import ValidationError
    from hub.strategy import services

    with pytest.raises(ValidationError):
        services.set_kpi_target(session, make_user(role=Role.COMMS), platform="all", metric="human_clicks",
                                target=Decimal("sNaN"))  # type: ignore[arg-type]
