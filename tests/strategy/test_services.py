"""Strategy services: sections with revisions and conflict checks, KPI targets, permissions."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.auth import services as people
from hub.errors import Conflict, NotFound, PermissionDenied, ValidationError
from hub.strategy import queries, services
from hub.strategy.models import KpiMetric, KpiTarget, StrategyRevision, StrategySection


@pytest.fixture
def comms(make_user):  # type: ignore[no-untyped-def]
    return make_user(role="comms", name="Cleo Comms")


def test_saving_appends_revisions_and_renders_sanitized_html(session, comms):
    first = services.save_section(session, comms, "tone", "We are **warm** and plain.", base_revision_id=None)
    second = services.save_section(session, comms, "tone", "We are warm.\r\n\n<script>alert(1)</script>", base_revision_id=first.id, note="Shorter")
    session.commit()
    assert (first.number, second.number, second.note) == (1, 2, "Shorter")
    assert "<strong>warm</strong>" in first.body_html
    assert "<script>" not in second.body_html and "\r" not in second.body
    section = session.scalar(sa.select(StrategySection).where(StrategySection.key == "tone"))
    assert section.current_revision_id == second.id
    assert [r.number for r in queries.revisions(session, section)] == [2, 1]
    assert session.scalar(sa.select(sa.func.count()).select_from(StrategyRevision)) == 2


def test_saving_the_same_text_adds_nothing(session, comms):
    first = services.save_section(session, comms, "risk", "Ask comms if unsure.", base_revision_id=None)
    assert services.save_section(session, comms, "risk", "Ask comms if unsure.", base_revision_id=None) is first


def test_a_stale_base_is_a_conflict_not_an_overwrite(session, comms, make_user):
    other = make_user(role="admin", name="Alex Admin")
    first = services.save_section(session, comms, "audiences", "Engineers.", base_revision_id=None)
    mine = services.save_section(session, other, "audiences", "Engineers and students.", base_revision_id=first.id)
    with pytest.raises(Conflict) as err:
        services.save_section(session, comms, "audiences", "Engineers and customers.", base_revision_id=first.id)
    assert err.value.current.id == mine.id and "Alex Admin" in err.value.message
    with pytest.raises(Conflict):  # two people starting an empty section at once
        services.save_section(session, comms, "audiences", "Customers.", base_revision_id=None)


def test_restore_appends_a_copy(session, comms):
    first = services.save_section(session, comms, "kpis", "Clicks matter.", base_revision_id=None)
    second = services.save_section(session, comms, "kpis", "Shares matter.", base_revision_id=first.id)
    section = session.scalar(sa.select(StrategySection).where(StrategySection.key == "kpis"))
    restored = services.restore_revision(session, comms, section, first, base_revision_id=second.id)
    assert (restored.number, restored.body, restored.note) == (3, "Clicks matter.", "")  # nobody typed a note
    assert (restored.auto_note, restored.note_text) == ({"key": "restored", "number": 1}, "Restored from revision 1")
    with pytest.raises(Conflict):
        services.restore_revision(session, comms, section, second, base_revision_id=second.id)


def test_platform_guidance_is_a_section_and_unknown_keys_are_refused(session, comms):
    services.save_section(session, comms, "platform-linkedin", "Tag colleagues sparingly.", base_revision_id=None)
    with pytest.raises(NotFound):
        services.save_section(session, comms, "platform-myspace", "x", base_revision_id=None)
    with pytest.raises(NotFound):
        services.save_section(session, comms, "secrets", "x", base_revision_id=None)


def test_a_body_that_is_too_long(session, comms):
    with pytest.raises(ValidationError) as err:
        services.save_section(session, comms, "tone", "x" * (services.BODY_MAX + 1), base_revision_id=None)
    assert err.value.field == "body"


def test_only_active_comms_and_admins_edit(session, comms, make_user):
    employee, admin = make_user(), make_user(role="admin")
    with pytest.raises(PermissionDenied):
        services.save_section(session, employee, "tone", "Mine now", base_revision_id=None)
    with pytest.raises(PermissionDenied):
        services.set_kpi_target(session, employee, platform="all", metric="shares", target=10)
    target = services.set_kpi_target(session, admin, platform="all", metric="shares", target=10)
    with pytest.raises(PermissionDenied):
        services.remove_kpi_target(session, employee, target)
    people.deactivate(session, admin, comms)
    with pytest.raises(PermissionDenied):
        services.save_section(session, comms, "tone", "x", base_revision_id=None)


def test_kpi_targets_are_set_replaced_listed_and_removed(session, comms):
    services.set_kpi_target(session, comms, platform="linkedin", metric=KpiMetric.HUMAN_CLICKS, target=500)
    services.set_kpi_target(session, comms, platform="all", metric="shares", target=120, note="Two a week per team")
    services.set_kpi_target(session, comms, platform="x", metric="clicks_per_share", target=2.5)
    services.set_kpi_target(session, comms, platform="linkedin", metric="human_clicks", target=800)  # replaces
    session.commit()
    targets = queries.kpi_targets(session)
    assert [(t.platform, t.metric, t.target) for t in targets] == [
        ("all", "shares", 120), ("x", "clicks_per_share", 2.5), ("linkedin", "human_clicks", 800)]
    assert [t.display for t in targets] == ["120", "2.5", "800"]
    assert targets[0].platform_name == "All platforms" and targets[0].period == "month" and targets[0].note == "Two a week per team"
    services.remove_kpi_target(session, comms, session.get(KpiTarget, targets[0].id))
    assert len(queries.kpi_targets(session)) == 2


@pytest.mark.parametrize("kw, field", [
    ({"platform": "myspace"}, "platform"),
    ({"metric": "likes"}, "metric"),
    ({"target": -1}, "target"),
    ({"target": float("nan")}, "target"),
    ({"period": "week"}, "period"),
])
def test_kpi_target_rules(session, comms, kw, field):
    args = {"platform": "all", "metric": "shares", "target": 10} | kw
    with pytest.raises(ValidationError) as err:
        services.set_kpi_target(session, comms, **args)
    assert err.value.field == field


def test_writing_guidance(session, comms):
    assert queries.writing_guidance(session).is_empty
    services.save_section(session, comms, "tone", "Be *human*.", base_revision_id=None)
    services.save_section(session, comms, "platform-x", "Short and direct.", base_revision_id=None)
    services.save_section(session, comms, "platform-bluesky", "   ", base_revision_id=None)  # blank: not shown
    session.commit()
    guidance = queries.writing_guidance(session)
    assert "<em>human</em>" in guidance.tone_html
    assert list(guidance.platform_html) == ["x"] and "Short and direct." in guidance.platform_html["x"]
    assert [g.name for g in guidance.platforms] == ["X"]
    assert queries.writing_guidance(session, platforms=False).platforms == ()


def test_every_part_has_a_title_and_a_hint_written_or_not(session, comms):
    services.save_section(session, comms, "platform-linkedin", "Tag colleagues sparingly.", base_revision_id=None)
    session.commit()
    assert [(v.key, v.title, v.is_empty) for v in queries.sections(session)][:2] == [
        ("audiences", "Audiences", True), ("channels", "Channels and their purpose", True)]
    linkedin = queries.section_view(session, "platform-linkedin")
    assert (linkedin.title, linkedin.hint, linkedin.is_empty) == ("Guidance for LinkedIn", "How we post on LinkedIn.", False)
    platforms = {v.key: v for v in queries.platform_sections(session)}
    assert platforms["platform-x"].hint == "How we post on X." and platforms["platform-x"].is_empty
    assert queries.section_view(session, "tone").hint == "How we sound. Shown beside the editor and the share page."
