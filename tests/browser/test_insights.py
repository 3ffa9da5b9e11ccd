"""Insights and listening in a real browser: a shared post's clicks on the dashboard chart and in
its CSV (people and a link-preview bot told apart), and reader feedback answered in public."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

READER_1 = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
READER_2 = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
PREVIEW_BOT = "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"


def test_two_readers_and_a_preview_bot_on_the_chart_and_in_the_csv(app, live_server, signed_in_page, new_page, make_user,
                                                                   make_post, tmp_path):
    post = make_post(author=make_user(password=PASSWORD), title="Why small pull requests win", publish=True)

    # An employee shares the post: copies the LinkedIn text (a share event) and gets their link.
    sharer_page, _sharer = signed_in_page(permissions=["clipboard-read", "clipboard-write"])
    sharer_page.goto(f"/p/{post.id}/share")
    with sharer_page.expect_request_finished(lambda r: r.url.endswith(f"/p/{post.id}/share/event")):
        sharer_page.locator("#card-linkedin .copy").click()
    expect(sharer_page.locator("#card-linkedin .copy")).to_have_text("Copied ✓")
    link = sharer_page.locator("#card-linkedin").get_attribute("data-link")
    assert link and "/s/" in link

    # Two readers follow it from their own browsers; LinkedIn's preview fetcher follows it once.
    for agent in (READER_1, READER_2, PREVIEW_BOT):
        visitor = new_page(user_agent=agent)
        visitor.goto(link)
        expect(visitor).to_have_url(re.compile(rf"/p/{post.id}-{post.slug}\?utm_source=linkedin"))
    app.extensions["hub.clicklog"].flush_all()  # clicks reach the database within a second; now

    comms_page, _comms = signed_in_page(make_user(role="comms", password=PASSWORD), accept_downloads=True)
    comms_page.get_by_role("link", name="Insights", exact=True).click()
    expect(comms_page).to_have_url(re.compile(r"/insights/$"))
    chart = comms_page.locator("#timeline")
    expect(chart.locator(".chart-legend-human")).to_have_text("Human clicks: 2")
    expect(chart.locator(".chart-legend-preview")).to_have_text("Link previews (bots): 1")
    today = datetime.now(timezone.utc).date().isoformat()
    day = chart.locator(f'g.chart-day[data-day="{today}"]')
    expect(day).to_have_attribute("data-clicks", "2")
    expect(day).to_have_attribute("data-previews", "1")
    expect(chart.locator("desc")).to_contain_text("2 human clicks and 1 link preview")
    expect(comms_page.locator("#kpi-clicks")).to_have_text("2")
    expect(comms_page.locator("#kpi-previews")).to_have_text("1")
    expect(comms_page.locator("#kpi-shares")).to_have_text("1")
    expect(comms_page.locator("#table-platforms")).to_contain_text("LinkedIn")

    with comms_page.expect_download() as download_info:
        comms_page.locator("section[aria-labelledby=h-time] .csv-link").click()
    download = download_info.value
    assert download.suggested_filename.startswith("hub-insights-days-") and download.suggested_filename.endswith(".csv")
    saved = tmp_path / "days.csv"
    download.save_as(saved)
    with saved.open(newline="") as f:
        rows = {row["day"]: row for row in csv.DictReader(f)}
    assert (rows[today]["human_clicks"], rows[today]["bot_previews"], rows[today]["unique_visitors"], rows[today]["shares"]) == ("2", "1", "2", "1")
    assert sum(int(r["human_clicks"]) for r in rows.values()) == 2

    # The sharer sees the same on "My shares".
    sharer_page.get_by_role("link", name="My shares", exact=True).first.click()
    expect(sharer_page.locator("#kpi-clicks")).to_have_text("2")
    expect(sharer_page.locator("#timeline .chart-legend-preview")).to_have_text("Link previews (bots): 1")
    app.extensions["hub.clicklog"].close()


def test_a_reader_leaves_feedback_and_the_author_answers_in_public(live_server, new_page, signed_in_page, make_user, make_post):
    author = make_user(name="Alice Author", password=PASSWORD)
    post = make_post(author=author, title="Three questions I ask every new customer", publish=True)

    reader = new_page()
    reader.goto(f"/p/{post.id}-{post.slug}")
    form = reader.locator("#feedback form")
    form.get_by_label("Your message").fill("Could you write about the fourth question too?")
    form.get_by_label("Name (optional)").fill("Rita Reader")
    form.get_by_label(re.compile("E-mail")).fill("rita@@example")  # a typo
    form.get_by_role("button", name="Send feedback").click()
    # Refused for the typo: everything typed is still there, only the e-mail needs fixing.
    expect(reader.get_by_role("alert").first).to_contain_text("not sent yet")
    expect(reader.locator("#message")).to_have_value("Could you write about the fourth question too?")
    expect(reader.locator("#name")).to_have_value("Rita Reader")
    expect(reader.locator(".field.has-error #email")).to_have_value("rita@@example")
    reader.locator("#email").fill("rita@example.org")
    reader.get_by_role("button", name="Send feedback").click()
    expect(reader).to_have_url(re.compile(rf"/p/{post.id}-{post.slug}#feedback$"))
    expect(reader.locator(".flash-success")).to_contain_text("your feedback went to the author")

    page, _ = signed_in_page(author)
    page.get_by_role("link", name="Feedback", exact=True).click()
    item = page.locator(".feedback-item").filter(has_text="fourth question")
    expect(item).to_contain_text("Rita Reader")
    expect(item.locator(".badge")).to_have_text("New")
    item.get_by_role("link", name="Answer").click()
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Public response").fill("Good idea: it is up now, under “Onboarding, part 2”.")
    page.get_by_label(re.compile("Internal note")).fill("Rita is a customer at Acme")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("public under the post")
    expect(page.locator(".badge")).to_have_text("Done")

    reader.reload()
    answers = reader.locator("#feedback .responses")
    expect(reader.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(answers).to_contain_text("Could you write about the fourth question too?")
    expect(answers).to_contain_text("Good idea: it is up now, under “Onboarding, part 2”.")
    today = datetime.now(timezone.utc)
    expect(answers.locator("time")).to_have_attribute("datetime", re.compile(rf"^{today:%Y-%m-%d}T"))
    expect(answers).to_contain_text("Alice Author answered")
    expect(reader.locator("body")).not_to_contain_text("Rita Reader")
    expect(reader.locator("body")).not_to_contain_text("rita@example.org")
    expect(reader.locator("body")).not_to_contain_text("customer at Acme")
    reader.screenshot(path=str(Path("/tmp") / "insights-you-said-we-did.png"), full_page=True)
