"""The share page starts with the person's networks: chosen on their profile, else learned from
what they shared lately; the others fold away. One action is one share event; a text that could
not be posted as it is (no link, Threads' rules) is refused, not counted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.db import utcnow
from hub.errors import ValidationError
from hub.sharing import queries, services
from hub.sharing.models import ShareEvent, ShareNetwork


def _event(session, post, user, platform, *, days_ago=0):
    session.add(ShareEvent(post_id=post.id, user_id=user.id, platform=platform, kind="copy",
                           at=utcnow() - timedelta(days=days_ago)))
    session.flush()


def test_chosen_networks_are_kept_in_order_once_each(session, shared):
    _post, sharer, _links = shared
    assert services.set_networks(session, sharer, ["mastodon", "linkedin", "mastodon"]) == ["mastodon", "linkedin"]
    assert queries.chosen_networks(session, sharer) == ["mastodon", "linkedin"]
    assert queries.networks(session, sharer) == queries.Networks(("mastodon", "linkedin"), True)
    services.set_networks(session, sharer, ["bluesky"])  # a new choice replaces the old one
    assert queries.chosen_networks(session, sharer) == ["bluesky"]
    with pytest.raises(ValidationError):
        services.set_networks(session, sharer, ["bluesky", "myspace"])
    services.set_networks(session, sharer, [])
    assert session.scalar(sa.select(sa.func.count()).select_from(ShareNetwork)) == 0


def test_without_a_choice_recent_shares_rank_first(session, shared, make_user):
    post, sharer, _links = shared
    assert queries.networks(session, sharer) == queries.Networks((), False)  # nothing known: nothing first
    _event(session, post, sharer, "x")
    _event(session, post, sharer, "linkedin")
    _event(session, post, sharer, "linkedin")
    _event(session, post, sharer, "bluesky")  # one share, as many as X, but later: ranks above X
    _event(session, post, sharer, "reddit", days_ago=queries.LEARN_DAYS + 5)  # too long ago to say anything
    _event(session, post, make_user(), "threads")  # somebody else's
    assert queries.networks(session, sharer) == queries.Networks(("linkedin", "bluesky", "x"), False)
    services.set_networks(session, sharer, ["threads"])  # a choice wins over what was learned
    assert queries.networks(session, sharer).first == ("threads",)


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def test_share_page_shows_two_chosen_networks_first_and_folds_the_rest(client, auth, session, shared):
    post, sharer, _links = shared
    services.set_networks(session, sharer, ["mastodon", "linkedin"])
    session.commit()
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    mine = _section(html, 'id="my-networks"', 'id="other-networks"')
    cards = re.findall(r'id="card-([a-z]+)"', html)
    assert cards[:2] == ["mastodon", "linkedin"] and len(cards) == 10
    assert re.findall(r'id="card-([a-z]+)"', mine) == ["mastodon", "linkedin"]
    folded = _section(html, '<details class="other-networks"', "</details>")
    assert "<summary>Other networks (8)</summary>" in folded and " open" not in folded.split(">")[0]
    assert len(re.findall(r'id="card-([a-z]+)"', folded)) == 8
    assert "The networks you chose." in html


def test_share_page_learns_networks_and_shows_them_first(client, auth, session, shared):
    post, sharer, _links = shared
    _event(session, post, sharer, "bluesky")
    session.commit()
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert re.findall(r'id="card-([a-z]+)"', html)[0] == "bluesky"
    assert "Other networks (9)" in html and "shared to most lately" in html


def test_share_page_without_networks_shows_every_card_and_asks(client, auth, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert "Other networks" not in html and len(re.findall(r'id="card-([a-z]+)"', html)) == 10
    assert '<details class="card pad choose-networks" id="choose-networks" open>' in html


def test_every_button_names_its_platform(client, auth, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert 'aria-label="Copy text for LinkedIn"' in html and 'aria-label="Copy text for X"' in html
    assert html.count('aria-label="Copy text for ') == 10
    assert ">Share on Bluesky</button>" in html
    assert 'aria-label="Start again from hub\'s text for Threads"' in html


def test_link_preview_shows_title_description_and_cover_once(client, auth, session, shared, make_post, make_user):
    post, sharer, _links = shared
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert html.count('id="link-preview"') == 1
    preview = _section(html, 'id="link-preview"', "</figure>")
    assert "Shipping faster with smaller PRs" in preview
    assert "Small PRs get reviewed faster." in preview  # no summary: the start of the text, as og:description
    assert "hub.test" in preview and "<img" not in preview  # no cover: no picture, never an empty one


def test_networks_page_saves_and_goes_back_to_the_share_page(client, auth, session, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    assert client.get("/share/networks").status_code == 200
    response = client.post("/share/networks", data={"networks": ["threads", "x"], "post_id": str(post.id)})
    assert response.status_code == 302 and response.headers["Location"] == f"/p/{post.id}/share"
    assert queries.chosen_networks(session, sharer) == ["threads", "x"]
    response = client.post("/share/networks", data={"networks": ["x", "myspace"]})
    assert response.status_code == 200 and "Choose networks from the list." in response.get_data(as_text=True)
    assert queries.chosen_networks(session, sharer) == ["threads", "x"]
    response = client.post("/share/networks", data={"networks": ["x"], "post_id": "999999"})  # no such post
    assert response.status_code == 302 and response.headers["Location"] == "/share/networks"


def test_one_event_request_is_one_share(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    text = f"Worth reading http://hub.test/s/{links['linkedin'].code}"
    response = client.post(f"/p/{post.id}/share/event", data={"platform": "linkedin", "kind": "intent", "text": text})
    assert response.status_code == 200
    assert session.scalars(sa.select(ShareEvent.kind).where(ShareEvent.user_id == sharer.id)).all() == ["intent"]


@pytest.mark.parametrize(("text", "message"), [
    ("Two tags #dev #ops {link}", "one topic tag"),
    ("{link} https://a.com/1 https://b.com/2 https://c.com/3 https://d.com/4 https://e.com/5 https://f.com/6", "at most 5"),
    ("No link at all", "tracked link"),
])
def test_threads_rules_and_the_link_refuse_a_share(client, auth, session, shared, text, message):
    post, sharer, links = shared
    auth.login(sharer)
    data = {"platform": "threads", "kind": "copy", "text": text.format(link=f"http://hub.test/s/{links['threads'].code}")}
    response = client.post(f"/p/{post.id}/share/event", data=data)
    assert response.status_code == 422 and message in response.get_json()["message"]
    assert session.scalar(sa.select(sa.func.count()).select_from(ShareEvent)) == 0
    saved = client.post(f"/p/{post.id}/share/text", data={"platform": "threads", "text": data["text"]})
    assert saved.status_code == 422 and message in saved.get_json()["message"]


def test_only_warnings_between_the_persons_own_networks_count():
    alike = [queries.Warning("linkedin", "mastodon", 0.95, "platform"),
             queries.Warning("linkedin", "facebook", 0.97, "platform"),  # Facebook is not theirs: noise
             queries.Warning("x", "Ada", 0.9, "colleague")]  # a colleague's alike text matters on any card
    assert queries.Networks(("linkedin", "mastodon"), True).relevant(alike) == [alike[0], alike[2]]
    assert queries.Networks((), False).relevant(alike) == alike  # nothing known: every warning


def test_share_page_warns_only_about_the_persons_own_networks(client, auth, session, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    everything = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert "texts read almost the same" in everything  # this short post reads alike everywhere
    services.set_networks(session, sharer, ["linkedin", "mastodon"])
    session.commit()
    mine = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert all(set(pair) <= {"LinkedIn", "Mastodon"} for pair in re.findall(r"Your (\w+) and (\w+) texts read", mine))
    measured = client.post(f"/p/{post.id}/share/measure", data={"text-linkedin": "Same words here, twice over.",
                                                                "text-facebook": "Same words here, twice over."})
    assert measured.get_json()["warnings"] == []


def test_an_over_long_subject_is_refused_with_a_message_for_the_card(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    text = f"Worth reading http://hub.test/s/{links['email'].code}"
    response = client.post(f"/p/{post.id}/share/text", data={"platform": "email", "text": text, "subject": "s" * 301})
    assert response.status_code == 422
    assert response.get_json()["message"] == "The subject or title is too long: 301 characters, 300 at most."
