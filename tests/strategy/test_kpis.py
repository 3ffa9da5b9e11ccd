"""KPI targets beside the insights dashboard's figures."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hub.channels import services as channel_services
from hub.db import utcnow
from hub.strategy import services
from hub.strategy.queries import kpi_progress


def counts(clicks: int, shares: int) -> SimpleNamespace:
    return SimpleNamespace(clicks=clicks, shares=shares, clicks_per_share=clicks / shares if shares else None)


def dashboard(days: int) -> SimpleNamespace:
    totals = SimpleNamespace(clicks=900, shares=300, clicks_per_share=3.0, posts_written=12, sharers=40)
    return SimpleNamespace(totals=totals, range=SimpleNamespace(length=days),
                           platforms=[SimpleNamespace(platform="linkedin", name="LinkedIn", counts=counts(600, 200))])


@pytest.fixture
def comms(make_user):  # type: ignore[no-untyped-def]
    return make_user(role="comms")


def test_targets_beside_the_figures_scaled_to_the_range(session, comms):
    for platform, metric, target in (("all", "human_clicks", 1000), ("linkedin", "human_clicks", 600), ("linkedin", "clicks_per_share", 2.5),
                                     ("x", "shares", 50), ("all", "active_sharers", 50), ("linkedin", "posts_published", 4)):
        services.set_kpi_target(session, comms, platform=platform, metric=metric, target=target)
    session.commit()
    month = 365.25 / 12
    rows = {(p.target.platform, p.target.metric): p for p in kpi_progress(session, dashboard(days=round(month * 2)))}
    clicks = rows[("all", "human_clicks")]
    assert clicks.actual == 900 and clicks.scaled and clicks.expected == pytest.approx(2000 * round(month * 2) / (month * 2))
    assert clicks.met is False and clicks.share == pytest.approx(900 / clicks.expected)
    assert rows[("linkedin", "human_clicks")].actual == 600
    rate = rows[("linkedin", "clicks_per_share")]
    assert (rate.actual, rate.expected, rate.scaled, rate.met) == (3.0, 2.5, False, True)  # rates are not scaled
    assert rows[("x", "shares")].actual == 0  # nothing on X in the range
    assert (rows[("all", "active_sharers")].actual, rows[("all", "active_sharers")].expected) == (40, 50)
    unknown = rows[("linkedin", "posts_published")]
    assert unknown.actual is None and unknown.share is None and unknown.met is None  # not counted per platform


def test_the_company_dashboard_shows_targets_and_channel_health(client, auth, comms, session, make_user):
    services.set_kpi_target(session, comms, platform="linkedin", metric="human_clicks", target=1200)
    channel_services.create_channel(session, comms, channel_services.ChannelInput(
        platform="x", handle="@orphan", url="https://x.com/orphan", purpose="", audience=""), today=utcnow().date())
    session.commit()
    auth.login(comms)
    page = client.get("/insights/").get_data(as_text=True)
    assert 'id="table-kpi-targets"' in page and "1,200 a month" in page
    assert 'id="channel-health"' in page and "@orphan on X" in page
    mine = client.get("/insights/me").get_data(as_text=True)
    assert "table-kpi-targets" not in mine and "channel-health" not in mine
    auth.login(make_user())
    assert "table-kpi-targets" not in client.get("/insights/me").get_data(as_text=True)
