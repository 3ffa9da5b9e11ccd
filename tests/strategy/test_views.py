"""Strategy views: everyone reads, comms edits with revisions and conflicts, KPI targets,
and the tone of voice beside the editor and the share page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub.strategy import queries, services
from hub.strategy.models import KpiTarget, StrategyRevision


@pytest.fixture
def comms(make_user):  # type: ignore[no-untyped-def]
    return make_user(role="comms", name="Cleo Comms")


def test_everyone_signed_in_reads_the_strategy(client, auth, make_user, comms, session):
    services.save_section(session, comms, "tone", "Warm, *plain*, curious.", base_revision_id=None)
    services.set_kpi_target(session, comms, platform="linkedin", metric="human_clicks", target=1200)
    session.commit()
    assert client.get("/strategy").status_code == 302  # signed out: sign in first
    auth.login(make_user())
    page = client.get("/strategy").get_data(as_text=True)
    assert "<em>plain</em>" in page and "Tone of voice" in page
    assert "Clicks by people" in page and "1,200" in page
    assert 'id="edit-tone"' not in page  # employees read only


@pytest.mark.parametrize("method, path", [
    ("get", "/strategy/tone/edit"), ("post", "/strategy/tone/edit"), ("get", "/strategy/kpis"), ("post", "/strategy/kpis"),
    ("post", "/strategy/tone/revisions/1/restore"), ("post", "/strategy/kpis/1/remove"),
])
def test_employees_cannot_change_it(client, auth, make_user, comms, session, method, path):
    services.save_section(session, comms, "tone", "Warm.", base_revision_id=None)
    target = services.set_kpi_target(session, comms, platform="all", metric="shares", target=1)
    session.commit()
    auth.login(make_user())
    response = getattr(client, method)(path.replace("/1/remove", f"/{target.id}/remove"), data={"body": "Mine", "target": "5"})
    assert response.status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(StrategyRevision)) == 1


def test_comms_edits_a_section_and_the_history_is_kept(client, auth, comms, session):
    auth.login(comms)
    assert client.get("/strategy/tone/edit").status_code == 200
    response = client.post("/strategy/tone/edit", data={"body": "Be **human**.", "note": "First go", "base_revision_id": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/strategy#tone")
    first = session.scalars(sa.select(StrategyRevision)).one()
    client.post("/strategy/tone/edit", data={"body": "Be human and brief.", "base_revision_id": str(first.id)})
    assert "Revision 2" in client.get("/strategy").get_data(as_text=True)
    history = client.get("/strategy/tone/revisions").get_data(as_text=True)
    assert "First go" in history
    assert "<strong>human</strong>" in client.get("/strategy/tone/revisions/1").get_data(as_text=True)
    response = client.post("/strategy/tone/revisions/1/restore", data={"base_revision_id": str(first.id + 1)})
    assert response.status_code == 302
    assert [r.body for r in session.scalars(sa.select(StrategyRevision).order_by(StrategyRevision.number))] == [
        "Be **human**.", "Be human and brief.", "Be **human**."]


def test_a_stale_edit_shows_the_conflict_and_keeps_my_text(client, auth, comms, make_user, session):
    first = services.save_section(session, comms, "risk", "Ask comms.", base_revision_id=None)
    services.save_section(session, make_user(role="admin", name="Alex Admin"), "risk", "Ask comms or legal.", base_revision_id=first.id)
    session.commit()
    auth.login(comms)
    response = client.post("/strategy/risk/edit", data={"body": "My careful wording.", "base_revision_id": str(first.id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Alex Admin" in page and "My careful wording." in page
    assert session.scalar(sa.select(sa.func.count()).select_from(StrategyRevision)) == 2


def test_a_stale_restore_is_refused_and_says_why(client, auth, comms, session):
    first = services.save_section(session, comms, "risk", "Ask comms.", base_revision_id=None)
    services.save_section(session, comms, "risk", "Ask comms or legal.", base_revision_id=first.id)
    session.commit()
    auth.login(comms)
    response = client.post("/strategy/risk/revisions/1/restore", data={"base_revision_id": str(first.id)})  # revision 2 is newer
    assert response.status_code == 302 and response.headers["Location"].endswith("/strategy/risk/revisions")
    assert "The section changed while you were looking" in client.get("/strategy/risk/revisions").get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(StrategyRevision)) == 2


@pytest.mark.parametrize("path", ["/strategy/nonsense/edit", "/strategy/platform-myspace/edit", "/strategy/tone/revisions",
                                  "/strategy/tone/revisions/7"])
def test_unknown_sections_and_revisions_are_404(client, auth, comms, path):
    auth.login(comms)
    assert client.get(path).status_code == 404


def test_kpi_targets_page(client, auth, comms, session):
    auth.login(comms)
    assert client.get("/strategy/kpis").status_code == 200
    response = client.post("/strategy/kpis", data={"platform": "linkedin", "metric": "human_clicks", "target": "1500", "note": "Q3"})
    assert response.status_code == 302
    response = client.post("/strategy/kpis", data={"platform": "linkedin", "metric": "human_clicks", "target": "-4"})
    assert response.status_code == 200 and "Number must be" in response.get_data(as_text=True)
    target = session.scalars(sa.select(KpiTarget)).one()
    assert (target.platform, target.target, target.note) == ("linkedin", 1500, "Q3")
    assert client.post(f"/strategy/kpis/{target.id}/remove").status_code == 302
    assert session.scalars(sa.select(KpiTarget)).all() == []


def test_the_tone_of_voice_shows_beside_the_editor(client, auth, make_user, comms, make_post, session):
    author = make_user()
    post = make_post(author=author)
    auth.login(author)
    assert 'id="strategy-guidance"' not in client.get("/write").get_data(as_text=True)  # nothing written yet: no box
    services.save_section(session, comms, "tone", "Write like you *talk*.", base_revision_id=None)
    services.save_section(session, comms, "platform-linkedin", "Tag at most three colleagues.", base_revision_id=None)
    session.commit()
    for path in ("/write", f"/posts/{post.id}/edit"):
        page = client.get(path).get_data(as_text=True)
        assert 'id="strategy-tone"' in page and "Write like you <em>talk</em>." in page
        assert "Tag at most three colleagues" not in page  # platform guidance belongs on the share page
        assert 'id="preview-body"' in page and 'id="editor"' in page  # the editor is intact


def test_tone_and_platform_guidance_show_on_the_share_page(client, auth, make_user, comms, make_post, session):
    post = make_post(publish=True)
    services.save_section(session, comms, "tone", "Write like you *talk*.", base_revision_id=None)
    services.save_section(session, comms, "platform-linkedin", "Tag at most three colleagues.", base_revision_id=None)
    session.commit()
    auth.login(make_user())
    page = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert 'id="strategy-tone"' in page and "Write like you <em>talk</em>." in page
    assert 'id="guidance-linkedin"' in page and "Tag at most three colleagues" in page


def test_only_the_editor_and_the_share_page_read_the_guidance(client, auth, make_user, comms, make_post, session, monkeypatch):
    post = make_post(publish=True)
    services.save_section(session, comms, "tone", "Write like you *talk*.", base_revision_id=None)
    session.commit()
    calls: list[bool] = []
    real = queries.writing_guidance

    def spy(db, *, platforms=True):  # type: ignore[no-untyped-def]
        calls.append(platforms)
        return real(db, platforms=platforms)

    monkeypatch.setattr(queries, "writing_guidance", spy)
    auth.login(make_user())
    for path in ("/posts", "/strategy", "/channels/request", "/insights/me"):
        assert "strategy-guidance" not in client.get(path).get_data(as_text=True), path
    assert calls == []
    client.get("/write")
    client.get(f"/p/{post.id}/share")
    assert calls == [False, True]  # the tone beside the editor; the platforms' guidance too on the share page


class TestCsrf:
    @pytest.fixture
    def app_config(self):  # type: ignore[no-untyped-def]
        return {"WTF_CSRF_ENABLED": True}

    def test_the_remove_button_carries_a_token_that_works(self, client, auth, comms, session):
        target = services.set_kpi_target(session, comms, platform="all", metric="shares", target=10)
        session.commit()
        auth.login(comms)
        action = f"/strategy/kpis/{target.id}/remove"
        page = client.get("/strategy/kpis").get_data(as_text=True)
        form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S).group(0)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        assert client.post(action).status_code == 400
        assert client.post(action, data={"csrf_token": token}).status_code == 302
        assert session.scalars(sa.select(KpiTarget)).all() == []


@pytest.mark.parametrize("language, said", [
    ("en", "Restored from revision 1"), ("sv", "Återställd från version 1"), ("de", "Aus Version 1 wiederhergestellt"),
])
def test_the_history_says_restored_in_the_readers_language_and_typed_notes_stay(client, auth, comms, session,
                                                                                language, said):
    first = services.save_section(session, comms, "tone", "Warm.", base_revision_id=None, note="Erster Wurf, <kurz>")
    second = services.save_section(session, comms, "tone", "Cold.", base_revision_id=first.id)
    services.restore_revision(session, comms, first.section, first, base_revision_id=second.id)
    session.commit()
    auth.login(comms)
    headers = {"Accept-Language": language}
    history = client.get("/strategy/tone/revisions", headers=headers).get_data(as_text=True)
    assert f"<td>{said}</td>" in history
    assert "<td>Erster Wurf, &lt;kurz&gt;</td>" in history  # typed: verbatim, in the language it was typed in
    assert f" · {said}</p>" in client.get("/strategy/tone/revisions/3", headers=headers).get_data(as_text=True)
