"""Own words on the share page, texts kept as typed with their problems named, the key point
behind every proposal, and the colleague sameness guard."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub import platforms
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.posts import services as posts
from hub.sharing import proposals as proposal_cache
from hub.sharing import queries, services
from hub.sharing.models import OwnWords, ShareText

WORDS = "We tried this on my team and reviews went from days to hours."


def _link(links, platform: str) -> str:  # type: ignore[no-untyped-def]
    return f"http://hub.test/s/{links[platform].code}"


# --- services --------------------------------------------------------------------------------


def test_own_words_are_kept_per_post_and_person(session, shared, make_user):
    post, sharer, _links = shared
    services.save_own_words(session, post, sharer, "  First try\r\n")
    services.save_own_words(session, post, sharer, WORDS)
    other = make_user()
    services.save_own_words(session, post, other, "Theirs")
    session.commit()
    rows = session.execute(sa.select(OwnWords.user_id, OwnWords.words).order_by(OwnWords.id)).all()
    assert rows == [(sharer.id, WORDS), (other.id, "Theirs")]
    assert queries.own_words(session, post, sharer) == WORDS
    assert queries.own_words(session, post, make_user()) == ""


def test_own_words_refused_when_too_long_draft_or_deactivated(session, shared, make_post, make_user):
    post, sharer, _links = shared
    services.save_own_words(session, post, sharer, WORDS)
    session.commit()
    with pytest.raises(ValidationError) as info:
        services.save_own_words(session, post, sharer, "x" * (services.OWN_WORDS_MAX + 1))
    assert info.value.field == "own_words" and f"{services.OWN_WORDS_MAX} characters" in info.value.message
    session.rollback()
    assert queries.own_words(session, post, sharer) == WORDS  # nothing lost
    with pytest.raises(NotFound):
        services.save_own_words(session, make_post(), sharer, WORDS)
    gone = make_user()
    gone.status = type(gone.status)("deactivated")
    with pytest.raises(PermissionDenied):
        services.save_own_words(session, post, gone, WORDS)


@pytest.mark.parametrize(
    ("platform", "text", "expected"),
    [
        ("x", "{link} " + "a" * 300, "Too long for X"),
        ("x", "My take, without the link", "tracked link"),
        ("threads", "Two tags #one #two {link}", "one topic tag"),
        ("threads", "{link} " + " ".join(f"https://e{i}.com/a" for i in range(6)), "at most 5 links"),
    ],
)
def test_text_problems_refuse_a_text_that_could_not_be_posted(session, shared, platform, text, expected):
    post, sharer, links = shared
    text = text.format(link=_link(links, platform))
    with pytest.raises(ValidationError) as info:
        services.save_share_text(session, post, sharer, platform, text, link=_link(links, platform))
    assert expected in info.value.message
    assert session.scalar(sa.select(ShareText.id)) is None


def test_texts_that_never_carry_the_link_are_kept_without_it(session, shared):
    post, sharer, links = shared
    for platform in ("instagram", "reddit"):
        row = services.save_share_text(
            session, post, sharer, platform, "Our team's story, link in bio", link=_link(links, platform)
        )
        assert row.text == "Our team's story, link in bio"


def test_every_proposal_is_built_around_the_key_point(session, make_user, make_post, monkeypatch):
    author = make_user()
    post = posts.create_draft(
        session,
        author,
        posts.PostInput(
            "Small PRs",
            "",
            "Small pull requests get reviewed in hours. Big ones wait.",
            key_point="Split your work.",
        ),
    )
    posts.publish_post(session, post, author)
    session.commit()
    sharer = make_user()
    links = services.links_for(session, post, sharer)
    calls = []
    real = proposal_cache.propose

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(proposal_cache, "propose", spy)
    queries.cards(session, post, sharer, links, "http://hub.test", None, words=WORDS)
    assert calls and calls[-1]["key_point"] == "Split your work." and calls[-1]["own_words"] == WORDS


def test_own_words_appear_in_every_rebuilt_text_and_no_two_are_identical(session, shared):
    post, sharer, links = shared
    services.save_share_text(
        session,
        post,
        sharer,
        "bluesky",
        f"Mine, as I wrote it {_link(links, 'bluesky')}",
        link=_link(links, "bluesky"),
    )
    cards = {
        c.platform: c
        for c in queries.cards(session, post, sharer, links, "http://hub.test", None, words=WORDS)
    }
    assert cards["bluesky"].source == "yours" and WORDS not in cards["bluesky"].text  # their own text stays
    for pid in ("x", "linkedin", "mastodon", "whatsapp", "email"):
        assert cards[pid].source == "words" and WORDS in cards[pid].text, pid
        assert cards[pid].count <= cards[pid].limit
        assert cards[pid].text.count(_link(links, pid)) == 1
    texts = [c.text for c in cards.values()]
    assert len(set(texts)) == len(texts)


# --- views -----------------------------------------------------------------------------------


def test_typing_own_words_saves_them_and_rebuilds_the_cards(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    response = client.post(f"/p/{post.id}/share/words", data={"words": WORDS})
    assert response.status_code == 200
    data = response.get_json()
    assert data["saved"] and data["words"] == WORDS
    assert set(data["cards"]) == set(platforms.PLATFORMS)
    assert WORDS in data["cards"]["x"]["text"] and WORDS in data["cards"]["linkedin"]["text"]
    assert data["cards"]["x"]["source"] == "words" and data["cards"]["x"]["count"] <= 280
    assert _link(links, "x") in data["cards"]["x"]["text"]
    # after a reload: the words are in the field, and the cards are built around them
    page = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    field = re.search(r'<textarea id="own-words"[^>]*>(.*?)</textarea>', page, re.S)
    assert field and field.group(1) == WORDS
    assert page.count("Built on your words") >= 5


def test_overlong_own_words_are_refused_clearly_and_nothing_is_lost(client, auth, session, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    client.post(f"/p/{post.id}/share/words", data={"words": WORDS})
    for words in ("y" * (services.OWN_WORDS_MAX + 1), "z" * 6000):
        response = client.post(f"/p/{post.id}/share/words", data={"words": words})
        assert response.status_code == 422
        assert f"{services.OWN_WORDS_MAX} characters" in response.get_json()["message"]
    assert queries.own_words(session, post, sharer) == WORDS


def test_own_words_only_ever_for_the_signed_in_person_on_public_posts(
    client, auth, session, shared, make_user, make_post
):
    post, sharer, _links = shared
    auth.login(sharer)
    client.post(f"/p/{post.id}/share/words", data={"words": WORDS})
    colleague = auth.login(make_user())
    # a user_id in the request changes nothing: words are always the signed-in person's
    assert (
        client.post(f"/p/{post.id}/share/words", data={"words": "Mine", "user_id": sharer.id}).status_code
        == 200
    )
    assert queries.own_words(session, post, sharer) == WORDS
    assert queries.own_words(session, post, colleague) == "Mine"
    assert WORDS not in client.get(f"/p/{post.id}/share").get_data(as_text=True)
    draft = make_post()
    assert client.post(f"/p/{draft.id}/share/words", data={"words": "x"}).status_code == 404
    assert client.post(f"/p/{draft.id}/share/text", data={"platform": "x", "text": "x"}).status_code == 404
    auth.logout()
    response = client.post(f"/p/{post.id}/share/words", data={"words": "anonymous"})
    assert response.status_code in (302, 401)
    assert session.scalar(sa.select(sa.func.count()).select_from(OwnWords)) == 2


def test_save_text_names_the_problem_and_keeps_nothing_wrong(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    response = client.post(
        f"/p/{post.id}/share/text", data={"platform": "threads", "text": "Two #tags #here"}
    )
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "one topic tag" in message and "tracked link" in message
    assert session.scalar(sa.select(ShareText.id)) is None
    ok = f"Mine {_link(links, 'threads')}"
    assert (
        client.post(f"/p/{post.id}/share/text", data={"platform": "threads", "text": ok}).status_code == 200
    )
    measured = client.post(f"/p/{post.id}/share/measure", data={"text-threads": "#a #b"}).get_json()
    assert any("one topic tag" in p for p in measured["platforms"]["threads"]["problems"])


def test_reset_goes_back_to_hubs_text(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    client.post(f"/p/{post.id}/share/words", data={"words": WORDS})
    client.post(f"/p/{post.id}/share/text", data={"platform": "x", "text": f"Handmade {_link(links, 'x')}"})
    assert "Handmade" in client.get(f"/p/{post.id}/share").get_data(as_text=True)
    data = client.post(f"/p/{post.id}/share/text/reset", data={"platform": "x"}).get_json()
    assert data["reset"] and data["cards"]["x"]["source"] == "words" and WORDS in data["cards"]["x"]["text"]
    assert session.scalar(sa.select(ShareText.id)) is None


def test_the_author_is_asked_why_they_wrote_it(client, auth, shared):
    post, _sharer, _links = shared
    auth.login(post.author)
    page = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert 'placeholder="Why did you write this?"' in page and "Why are you sharing this?" not in page
    public = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert (
        re.search(r"Tell (<bdi>)?" + re.escape(post.author.display_name), public) is None  # with or without <bdi>
        and 'id="feedback-for-author"' in public
    )


def test_colleagues_are_asked_why_they_share(client, auth, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    page = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert 'placeholder="Why are you sharing this?"' in page and "In your own words" in page
    public = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert f"Tell <bdi>{post.author.display_name}</bdi> what you think" in public  # names are isolated (bdi)


def test_colleague_sameness_is_warned_on_the_card_with_the_reason(client, auth, session, shared, make_user):
    post, sharer, links = shared
    text = "Small pull requests changed how our whole team works together, and reviews got faster."
    services.save_share_text(session, post, sharer, "linkedin", f"{text} {_link(links, 'linkedin')}")
    session.commit()
    colleague = auth.login(make_user())
    mine = services.links_for(session, post, colleague)
    session.commit()
    client.post(
        f"/p/{post.id}/share/text",
        data={"platform": "linkedin", "text": f"{text} #team {_link(mine, 'linkedin')}"},
    )
    page = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    card = page[page.index('id="card-linkedin"') : page.index('id="card-bluesky"')]
    assert "Sam Sharer" in card and "looks scripted" in card and "own words" in card
    data = client.post(f"/p/{post.id}/share/measure", data={"text-linkedin": text + "!"}).get_json()
    warning = next(w for w in data["warnings"] if w["kind"] == "colleague")
    assert warning["platform"] == "linkedin" and "looks scripted" in warning["message"]
    # their own words make it theirs: no warning any more
    data = client.post(
        f"/p/{post.id}/share/measure",
        data={
            "text-linkedin": "I did not believe it until our team tried it: splitting work into tiny "
            "changes made reviews a pleasure. " + _link(mine, "linkedin")
        },
    ).get_json()
    assert not [w for w in data["warnings"] if w["kind"] == "colleague"]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], ids=["csrf-on"])
@pytest.mark.parametrize(
    "path, data",
    [
        ("words", {"words": WORDS}),
        ("text", {"platform": "instagram", "text": "Mine, link in bio"}),
        ("text/reset", {"platform": "x"}),
    ],
)
def test_new_posts_need_the_csrf_token(client, auth, session, shared, path, data):
    post, sharer, _links = shared
    auth.login(sharer)
    assert client.post(f"/p/{post.id}/share/{path}", data=data).status_code == 400
    assert client.post(f"/p/{post.id}/share/{path}", data={**data, "csrf_token": "forged"}).status_code == 400
    assert queries.own_words(session, post, sharer) == "" and session.scalar(sa.select(ShareText.id)) is None
    page = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page
    )
    assert token
    assert (
        client.post(f"/p/{post.id}/share/{path}", data={**data, "csrf_token": token.group(1)}).status_code
        == 200
    )
