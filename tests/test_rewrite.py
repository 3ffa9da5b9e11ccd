"""Tests of hub.rewrite: share-text proposals per platform and the near-duplicate guard."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

import pytest
from ugrapheme import grapheme_split

from hub.platforms import PLATFORMS, measure
from hub.rewrite import (
    NEAR_DUPLICATE_THRESHOLD,
    Proposal,
    RulesGenerator,
    build_source,
    check_proposal,
    disclosure_forms,
    find_hashtags,
    make_hashtag,
    merge_hashtags,
    plain_text,
    propose,
    shorten,
    similar_pairs,
    similarity,
)
from hub.rewrite.text import ELLIPSIS, cut_points, split_sentences

URL_PLATFORMS = [p for p in PLATFORMS if p not in ("instagram", "reddit")]
MAX_HASHTAGS = {"x": 2, "threads": 1, "instagram": 5, "bluesky": 1, "reddit": 0, "whatsapp": 0, "email": 0}

# --------------------------------------------------------------------------------------
# A deterministic generator of varied posts
# --------------------------------------------------------------------------------------

WORDS = {
    "en": "team people culture hiring growth customers product launch remote work learning "
    "engineers onboarding feedback quarterly results community design story journey".split(),
    "sv": "vi har byggt en ny tjänst för kunder och medarbetare i Göteborg Malmö där "
    "hållbarhet är viktigt för oss och våra kollegor på kontoret växer".split(),
    "de": "wir haben eine neue Lösung für Kunden und Mitarbeitende in München gebaut die "
    "Größe Straße Übung ist nicht einfach aber wichtig für unser Team".split(),
    "ar": "نحن فريق نعمل على منتج جديد للعملاء في مدينة الرياض مع زملاء رائعين".split(),
    "he": "אנחנו צוות שבונה מוצר חדש ללקוחות בתל אביב עם עמיתים מצוינים".split(),
    "hi": "हम एक नई सेवा बना रहे हैं ग्राहकों के लिए हिन्दी में टीम".split(),
}
CJK = {
    "ja": "私たち 新しい サービス 東京 開始 チーム 成長 お客様 声 大切 会社 働き方 未来 技術 採用".split(),
    "zh": "我们 北京 推出 新的 服务 团队 成长 客户 反馈 非常 重要 欢迎 阅读 公司 未来".split(),
}
EMOJI = ["🎉", "👩\u200d💻", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇸🇪", "👍🏽", "1️⃣", "❤️", "🧑🏿\u200d🚀"]
TAGS = [
    "employee advocacy", "HR", "Göteborg", "東京", "2024", "C++", "#already", "🎉", "",
    "remote-work", "don't panic", "iOS tips", "Straße", "الرياض", "תל אביב", "हिन्दी",
    "data_science", "AI", "ai", "Employee Advocacy", "x" * 60, "web3", "  spaced   out  ",
]
DISCLOSURES = [None, None, "#IWorkAtAcme", "I work at Acme.", "#ad #IWorkAtAcme", "Jag jobbar på Acme 🇸🇪"]


def _sentence(rng: random.Random, lang: str, emoji: bool) -> str:
    if lang in CJK:
        text = "".join(rng.choice(CJK[lang]) for _ in range(rng.randint(4, 14)))
        return text + rng.choice("。！？")
    words = [rng.choice(WORDS[lang]) for _ in range(rng.randint(4, 18))]
    if emoji and rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", "!", "?", "؟" if lang == "ar" else "."])


def _paragraph(rng: random.Random, lang: str, emoji: bool, count: int) -> str:
    separator = "" if lang in CJK else " "
    return separator.join(_sentence(rng, lang, emoji) for _ in range(count))


def _url(rng: random.Random) -> str:
    if rng.random() < 0.2:
        path = "/".join(rng.choice(["news", "2024", "a-very-long-slug-about-culture", "ö"]) for _ in range(8))
        return f"https://blog.example.com/{path}?utm_source=hub&utm_medium=share&ref={rng.randrange(10**9)}#top"
    return f"https://acme.example/p/{rng.randrange(10**6)}"


def _title(rng: random.Random, lang: str, emoji: bool) -> str:
    kind = rng.random()
    if kind < 0.1:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö") for _ in range(200))
    if kind < 0.2:
        return _paragraph(rng, lang, emoji, 12)
    title = _sentence(rng, lang, emoji).rstrip(".")
    if rng.random() < 0.1:
        title = "#Big " + title + " " + rng.choice(EMOJI) + "!!"
    return title


def _body(rng: random.Random, lang: str, emoji: bool) -> str:
    if rng.random() < 0.15:
        return ""
    parts = [f"## {_sentence(rng, lang, emoji)}", _paragraph(rng, lang, emoji, rng.randint(1, 4))]
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {_sentence(rng, lang, emoji)}" for _ in range(rng.randint(2, 5))))
    if rng.random() < 0.3:
        parts.append("See [our page](https://example.com/x) and https://example.org/raw link. ![alt](i.png)")
    if rng.random() < 0.2:
        parts.append("```\nprint('code')\n```")
    if rng.random() < 0.3:
        parts.append("> " + _paragraph(rng, lang, emoji, 2))
    if rng.random() < 0.1:
        parts.append("word" * 50 + " " + "z" * 200)
    return "\n\n".join(parts)


@dataclass
class Post:
    title: str
    body: str
    url: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    disclosure: str | None = None
    topic: str | None = None
    hashtags: list[str] = field(default_factory=list)
    audience: str | None = None

    def propose(self) -> dict[str, Proposal]:
        return propose(
            self.title, self.body, url=self.url, summary=self.summary, tags=self.tags,
            disclosure=self.disclosure, topic=self.topic, hashtags=self.hashtags, audience=self.audience,
        )


def generate_posts(count: int, seed: int = 20240601) -> list[Post]:
    rng = random.Random(seed)
    languages = list(WORDS) + list(CJK)
    posts = []
    for _ in range(count):
        lang = rng.choice(languages)
        emoji = rng.random() < 0.4
        posts.append(
            Post(
                title=_title(rng, lang, emoji),
                body=_body(rng, lang, emoji),
                url=_url(rng),
                summary=_paragraph(rng, lang, emoji, rng.randint(1, 3)) if rng.random() < 0.6 else "",
                tags=rng.sample(TAGS, rng.randint(0, 15)),
                disclosure=rng.choice(DISCLOSURES),
                topic=rng.choice([None, "Hiring", "Hållbarhet", "採用"]),
                hashtags=rng.sample(["AcmeLife", "WeAreHiring", "Sustainability"], rng.randint(0, 3)),
                audience=rng.choice([None, None, "engineers", "job seekers"]),
            )
        )
    return posts


POSTS = generate_posts(250)


@pytest.fixture(scope="module")
def proposals() -> list[tuple[Post, dict[str, Proposal]]]:
    return [(post, post.propose()) for post in POSTS]


# --------------------------------------------------------------------------------------
# Properties over generated posts
# --------------------------------------------------------------------------------------


def _allowed_hashtags(post: Post) -> set[str]:
    allowed = set(merge_hashtags(post.hashtags, post.tags))
    if post.topic:
        allowed.add(make_hashtag(post.topic) or "")
    allowed.update(find_hashtags(post.disclosure or ""))
    return allowed


def _broken_graphemes(text: str) -> list[str]:
    bad = []
    for grapheme in grapheme_split(text):
        first = grapheme[0]
        regional = [ch for ch in grapheme if 0x1F1E6 <= ord(ch) <= 0x1F1FF]
        lone_mark = unicodedata.category(first).startswith("M") or first in "\u200d\ufe0f"
        if lone_mark or grapheme.endswith("\u200d") or len(regional) == 1:
            bad.append(grapheme)
    return bad


def test_every_platform_gets_a_proposal_that_fits(proposals: list) -> None:
    for _post, result in proposals:
        assert list(result) == list(PLATFORMS)
        for platform, proposal in result.items():
            assert proposal.platform == platform
            assert measure(platform, proposal.text) <= PLATFORMS[platform].limit, (platform, proposal.text)
        assert len(result["bluesky"].text.encode("utf-8")) <= 3000


def test_url_exactly_once_where_required_and_never_split(proposals: list) -> None:
    for post, result in proposals:
        for platform in URL_PLATFORMS:
            assert result[platform].text.count(post.url) == 1, (platform, result[platform].text)
        for platform in ("instagram", "reddit"):
            assert post.url not in result[platform].text
        for proposal in result.values():
            rest = proposal.text.replace(post.url, " ")
            assert "://" not in rest and "www." not in rest, (proposal.platform, proposal.text)


def test_subjects(proposals: list) -> None:
    for _post, result in proposals:
        title = result["reddit"].subject
        assert title and measure("reddit", title) <= 300
        assert not find_hashtags(title) and "!" not in title and "#" not in title
        assert result["email"].subject
        for platform in PLATFORMS:
            if platform not in ("reddit", "email"):
                assert result[platform].subject is None


def test_no_two_platforms_identical(proposals: list) -> None:
    for _post, result in proposals:
        texts = [p.text for p in result.values()]
        assert len(set(texts)) == len(texts), texts


def test_hashtag_counts_and_whole_hashtags(proposals: list) -> None:
    for post, result in proposals:
        allowed = _allowed_hashtags(post)
        for platform, proposal in result.items():
            found = find_hashtags(proposal.text)
            assert len(found) <= MAX_HASHTAGS.get(platform, 5), (platform, proposal.text)
            assert set(found) <= allowed, (platform, set(found) - allowed)
            assert tuple(found) == proposal.hashtags


def test_cuts_never_split_graphemes(proposals: list) -> None:
    for _post, result in proposals:
        for proposal in result.values():
            assert not _broken_graphemes(proposal.text), proposal.text
            assert not _broken_graphemes(proposal.subject or "")


def test_proposals_pass_their_own_check(proposals: list) -> None:
    for post, result in proposals:
        source = build_source(post.title, post.body, url=post.url, summary=post.summary)
        for proposal in result.values():
            assert check_proposal(source, proposal) == [], (proposal.platform, proposal.text)


def test_platforms_share_the_message_and_differ_by_form(proposals: list) -> None:
    """The key point is the same everywhere (platforms differ by form, never by picking
    different sentences): wherever the X text has the key point whole, so do the longer
    platforms."""
    checked = 0
    for post, result in proposals:
        core = build_source(post.title, post.body, url=post.url, summary=post.summary).core
        if not core or core not in result["x"].text:
            continue
        checked += 1
        for platform in ("linkedin", "mastodon", "facebook", "instagram", "email"):
            assert core in result[platform].text, (platform, core, result[platform].text)
    assert checked > 100


def test_proposals_are_deterministic() -> None:
    for post in POSTS[:20]:
        assert post.propose() == post.propose()


# --------------------------------------------------------------------------------------
# Structure per platform
# --------------------------------------------------------------------------------------

ARTICLE = """# How we cut onboarding time in half

We rebuilt onboarding around buddies and checklists. New hires now ship code in their
first week, and they tell us they feel at home sooner.

## What changed

- Every new hire gets a buddy from another team
- A checklist with clear owners for each step
- A demo day at the end of week one

It took a year of small experiments. Read the [full playbook](https://acme.example/playbook)
if you want to try it. ![team photo](team.jpg)

```python
print("not a point")
```
"""
URL = "https://acme.example/blog/onboarding"


@pytest.fixture(scope="module")
def article() -> dict[str, Proposal]:
    return propose(
        "How we cut onboarding time in half!",
        ARTICLE,
        url=URL,
        summary="Buddies, checklists and a demo day: our onboarding now takes half the time.",
        tags=["employee advocacy", "onboarding", "open source", "HR"],
        topic="Hiring",
        hashtags=["AcmeLife"],
    )


KEY = "Buddies, checklists and a demo day: our onboarding now takes half the time."
MORE = "We rebuilt onboarding around buddies and checklists."


def test_article_says_the_same_thing_everywhere_in_different_forms(article: dict[str, Proposal]) -> None:
    texts = [p.text for p in article.values()]
    assert len(set(texts)) == len(texts)
    for platform, proposal in article.items():
        assert KEY in proposal.text, platform


def test_linkedin_key_point_context_whole_list_hashtags_at_end(article: dict[str, Proposal]) -> None:
    lines = article["linkedin"].text.split("\n")
    assert lines[0] == KEY
    assert lines[2].startswith(MORE)
    points = [line for line in lines if line.startswith("• ")]
    assert points == [
        "• Every new hire gets a buddy from another team",
        "• A checklist with clear owners for each step",
        "• A demo day at the end of week one",
    ]
    assert "?" not in article["linkedin"].text  # the post asks nothing: no made-up question
    assert lines[-1].split() == ["#AcmeLife", "#EmployeeAdvocacy", "#Onboarding", "#OpenSource", "#HR"]
    assert lines.index(URL) == len(lines) - 3
    assert "not a point" not in article["linkedin"].text and "team photo" not in article["linkedin"].text


def test_x_leads_with_the_key_point_then_link_and_two_hashtags(article: dict[str, Proposal]) -> None:
    assert article["x"].text == f"{KEY} {MORE}\n\n{URL} #AcmeLife #EmployeeAdvocacy"


def test_mastodon_plain_with_camel_case_hashtags(article: dict[str, Proposal]) -> None:
    text = article["mastodon"].text
    assert text.startswith(KEY) and f"\n\n{URL}\n\n" in text
    assert text.split("\n")[-1] == "#AcmeLife #EmployeeAdvocacy #Onboarding #OpenSource"


def test_threads_has_one_topic_tag_and_no_made_up_question(article: dict[str, Proposal]) -> None:
    text = article["threads"].text
    assert find_hashtags(text) == ["#Hiring"]
    assert "?" not in text


def test_threads_asks_the_posts_own_question_when_it_invites_discussion() -> None:
    body = ("I think code review should happen in pairs, not in pull requests. We tried it for a quarter. "
            "Review time fell from 2 days to 3 hours. How does your team review code?")
    result = propose("Why I stopped reviewing pull requests alone", body, url=URL)
    assert "How does your team review code?" in result["threads"].text
    assert "How does your team review code?" in result["linkedin"].text


def test_bluesky_has_no_template_framing_and_at_most_one_tag(article: dict[str, Proposal]) -> None:
    text = article["bluesky"].text
    assert text.startswith(KEY)
    assert len(find_hashtags(text)) <= 1


def test_instagram_link_in_bio_no_url(article: dict[str, Proposal]) -> None:
    text = article["instagram"].text
    assert "Link in bio." in text and "http" not in text
    assert len(find_hashtags(text)) == 5


def test_reddit_neutral_title_and_self_text_without_link(article: dict[str, Proposal]) -> None:
    reddit = article["reddit"]
    assert reddit.subject == "How we cut onboarding time in half"
    assert URL not in reddit.text and not find_hashtags(reddit.text)
    assert "!" not in reddit.text


def test_reddit_title_tones_down_marketing() -> None:
    result = propose("Big news!!! 🎉 We're #hiring engineers!", "", url=URL)
    assert result["reddit"].subject == "Big news. We're hiring engineers"


def test_email_subject_and_short_note(article: dict[str, Proposal]) -> None:
    email = article["email"]
    assert email.subject == "How we cut onboarding time in half!"
    assert email.text.startswith(f"Hi,\n\n{KEY}")
    assert email.text.count(URL) == 1 and not find_hashtags(email.text)


def test_email_subject_is_short() -> None:
    result = propose("word " * 60, "", url=URL)
    subject = result["email"].subject
    assert subject and len(subject) <= 78 and subject.endswith(ELLIPSIS)


def test_whatsapp_short_personal_message(article: dict[str, Proposal]) -> None:
    text = article["whatsapp"].text
    assert text == f"{KEY}\n{URL}"
    assert not find_hashtags(text) and measure("whatsapp", text) <= 400


def test_phrases_follow_the_language() -> None:
    swedish = propose("Vårt nya kontor i Göteborg", "Vi har flyttat. Kontoret är ljust och öppet för alla.", url=URL)
    assert "Länk i bion." in swedish["instagram"].text and swedish["email"].text.startswith("Hej,")
    japanese = propose("東京オフィスを開設しました", "私たちは東京に新しいオフィスを開設しました。", url=URL)
    assert "リンクはプロフィールから。" in japanese["instagram"].text
    arabic = propose("نحن نوظف في الرياض", "انضم إلى فريقنا في الرياض. نحن نبحث عن مهندسين.", url=URL)
    assert "الرابط في الملف الشخصي." in arabic["instagram"].text and arabic["x"].text.count(URL) == 1
    forced = propose("Our new office", "We moved.", url=URL, language="de-DE")
    assert "Link in der Bio." in forced["instagram"].text
    hiring = propose("Vi söker en backend-utvecklare", "Vi rekryterar till vårt team i Malmö. Sök senast 1 maj.", url=URL)
    assert "berättar jag gärna mer" in hiring["whatsapp"].text


def test_cjk_sentences_are_joined_without_spaces() -> None:
    result = propose("東京", "", url=URL, summary="東京に来ました。雨でした。")
    assert "東京に来ました。雨でした。" in result["mastodon"].text


# --------------------------------------------------------------------------------------
# Disclosure
# --------------------------------------------------------------------------------------


def test_disclosure_included_everywhere_it_fits(article: dict[str, Proposal]) -> None:
    result = propose("How we cut onboarding time in half!", ARTICLE, url=URL, disclosure="#IWorkAtAcme",
                     tags=["employee advocacy", "onboarding", "HR"])
    for platform, proposal in result.items():
        assert proposal.disclosure_included, platform
    assert result["x"].text.endswith("#IWorkAtAcme")
    assert len(find_hashtags(result["x"].text)) == 2
    assert find_hashtags(result["threads"].text) == ["#IWorkAtAcme"]
    assert "I Work At Acme" in result["reddit"].text and "#" not in result["reddit"].text
    assert "I Work At Acme" in result["email"].text and not find_hashtags(result["whatsapp"].text)


def test_disclosure_is_kept_over_other_content() -> None:
    title = "Onboarding " * 40
    disclosure = "I work at Acme and I am sharing this as an employee. " * 3
    result = propose(title, "", url=URL, disclosure=disclosure.strip(), tags=["HR", "onboarding"])
    for platform, proposal in result.items():
        assert measure(platform, proposal.text) <= PLATFORMS[platform].limit
        assert proposal.disclosure_included, platform
    assert disclosure.strip() in result["x"].text
    assert result["x"].text.startswith("Onboarding Onboarding") and ELLIPSIS in result["x"].text


def test_disclosure_dropped_only_where_it_cannot_fit() -> None:
    disclosure = "Disclosure: " + "I work at Acme. " * 19
    result = propose("Short title", "A body sentence.", url=URL, disclosure=disclosure.strip())
    assert not result["x"].disclosure_included and "disclosure_skipped" in result["x"].notes
    assert not result["bluesky"].disclosure_included
    assert result["linkedin"].disclosure_included and result["mastodon"].disclosure_included
    assert all(measure(p, r.text) <= PLATFORMS[p].limit for p, r in result.items())


def test_disclosure_with_too_many_hashtags_is_left_out_where_not_allowed() -> None:
    result = propose("Title", "Body.", url=URL, disclosure="#ad #IWorkAtAcme")
    assert "disclosure_not_allowed" in result["threads"].notes
    assert not result["threads"].disclosure_included
    assert result["x"].text.endswith("#ad #IWorkAtAcme")
    assert "Ad, I Work At Acme" in result["reddit"].text


# --------------------------------------------------------------------------------------
# Limits, URLs, graphemes
# --------------------------------------------------------------------------------------


def test_url_longer_than_bluesky_limit_is_noted() -> None:
    url = "https://example.com/" + "a" * 400
    result = propose("Title", "Body sentence.", url=url)
    assert "url_too_long" in result["bluesky"].notes and url not in result["bluesky"].text
    for platform in ("x", "mastodon", "whatsapp", "linkedin", "email"):
        assert result[platform].text.count(url) == 1, platform
    assert all(measure(p, r.text) <= PLATFORMS[p].limit for p, r in result.items())


def test_bluesky_byte_cap() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"
    result = propose(" ".join([family] * 280), family * 200, url=URL, summary=" ".join([family] * 200))
    text = result["bluesky"].text
    assert len(text.encode("utf-8")) <= 3000 and measure("bluesky", text) <= 300
    assert not _broken_graphemes(text)


def test_long_title_is_cut_at_a_word_boundary() -> None:
    title = "Lorem ipsum dolor sit amet consectetur " * 20
    result = propose(title.strip(), "", url=URL)
    line = result["x"].text.split("\n")[0]
    assert line.endswith(ELLIPSIS)
    assert title.startswith(line[:-1]) and title[len(line) - 1] == " "


def test_shorten_cuts_at_sentence_then_word_then_cjk() -> None:
    assert shorten("One two. Three four five.", 12) == "One two."
    assert shorten("One two three four five", 12) == "One two…"
    assert shorten("東京は晴れです。明日は雨です。", 10) == "東京は晴れです。"
    assert shorten("One two three. Four five six seven eight nine", 20) == "One two three."
    assert shorten("One. Two three four five six seven", 30) == "One. Two three four five six…"
    assert shorten("東京は晴れです明日は雨です", 5) == "東京は晴…"
    assert shorten("short", 10) == "short"


def test_shorten_keeps_graphemes_whole() -> None:
    family = "👨\u200d👩\u200d👧\u200d👦"
    text = " ".join([family] * 30)
    cut = shorten(text, 20)
    assert cut.endswith(ELLIPSIS) and not _broken_graphemes(cut)
    assert set(cut[:-1].split()) == {family}
    flags = "🇸🇪🇩🇪🇯🇵" * 30
    assert len(shorten(flags, 10)) % 2 == 1  # whole flags (2 code points each) + ellipsis
    accents = "e\u0301" * 100
    assert not _broken_graphemes(shorten(accents, 50))


def test_very_long_words_may_be_cut_between_graphemes() -> None:
    word = "a" * 200
    assert shorten(word, 50) == "a" * 49 + ELLIPSIS
    assert shorten("normal " + word, 50) == "normal " + "a" * 42 + ELLIPSIS


def test_cut_points_are_grapheme_boundaries() -> None:
    text = "Hej 👩🏽\u200d💻 på dig! 東京へ。e\u0301"
    boundaries = set()
    offset = 0
    for grapheme in grapheme_split(text):
        offset += len(grapheme)
        boundaries.add(offset)
    assert {cut.offset for cut in cut_points(text)} <= boundaries


def test_markdown_to_plain_text() -> None:
    text = plain_text("# Title\n\nSome *bold* and `code` [link](https://x.y).\n\n- one\n- two\n\n![img](a.png)")
    assert text == "Title\n\nSome bold and code link.\n\none\n\ntwo"


# --------------------------------------------------------------------------------------
# Hashtags
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("employee advocacy", "#EmployeeAdvocacy"),
        ("Employee Advocacy", "#EmployeeAdvocacy"),
        ("remote-work", "#RemoteWork"),
        ("don't panic", "#DontPanic"),
        ("iOS tips", "#iOSTips"),
        ("göteborg", "#Göteborg"),
        ("東京", "#東京"),
        ("تل أبيب", "#تلأبيب"),
        ("हिन्दी भाषा", "#हिन्दीभाषा"),
        ("#already", "#Already"),
        ("web3", "#Web3"),
        ("2024", None),
        ("١٢٣", None),
        ("🎉", None),
        ("", None),
        ("x" * 60, None),
    ],
)
def test_make_hashtag(tag: str, expected: str | None) -> None:
    assert make_hashtag(tag) == expected


def test_merge_hashtags_dedupes_case_insensitively() -> None:
    merged = merge_hashtags(["AcmeLife", "employee advocacy"], ["EmployeeAdvocacy", "acmelife", "HR", "2024"])
    assert merged == ("#AcmeLife", "#EmployeeAdvocacy", "#HR")


def test_find_hashtags() -> None:
    assert find_hashtags("C# and #2024, #Göteborg #東京 mail#x") == ["#Göteborg", "#東京"]


# --------------------------------------------------------------------------------------
# Similarity
# --------------------------------------------------------------------------------------

TEXT = (
    "We rebuilt onboarding around buddies and checklists, and new hires now ship code "
    "in their first week instead of their fourth."
)


def test_identical_texts_score_one() -> None:
    assert similarity(TEXT, TEXT) == 1.0
    assert similarity("", "") == 1.0


def test_links_hashtags_case_and_punctuation_do_not_count() -> None:
    variant = "WE REBUILT onboarding — around buddies and checklists!! and new hires now ship code in " \
        "their first week instead of their fourth 🎉 https://acme.example/x #Onboarding @anna@social.example"
    assert similarity(TEXT, variant) == 1.0
    assert similarity(TEXT + " acme.example/blog/post", TEXT) == 1.0


def test_light_edits_are_near_duplicates() -> None:
    edited = TEXT.replace("buddies", "mentors")
    assert NEAR_DUPLICATE_THRESHOLD <= similarity(TEXT, edited) < 1.0
    longer = TEXT + " We are really proud of it."
    assert similarity(TEXT, longer) >= NEAR_DUPLICATE_THRESHOLD


def test_genuine_rewrites_are_below_threshold() -> None:
    rewrite = (
        "Our new hires used to wait a month before shipping anything. A buddy and a clear "
        "checklist changed that: first week, first deploy."
    )
    assert similarity(TEXT, rewrite) < 0.2
    same_title = "How we cut onboarding time in half. Curious how other teams handle their first week?"
    other = "How we cut onboarding time in half. The trick was pairing every hire with a buddy."
    assert similarity(same_title, other) < NEAR_DUPLICATE_THRESHOLD


def test_short_texts() -> None:
    assert similarity("Great post", "great post!") == 1.0
    assert similarity("Great", "Great post") == 0.5
    assert similarity("Great", "Thanks") == 0.0
    assert similarity("", "Something") == 0.0
    assert similarity("https://a.example #Tag", "https://b.example #Other") == 1.0


def test_cjk_is_compared_by_characters() -> None:
    a = "私たちは東京に新しいオフィスを開設しました。"
    assert similarity(a, a.replace("。", "！")) == 1.0
    assert similarity(a, a.replace("新しい", "大きな")) >= 0.3
    assert similarity(a, "来年にはさらに採用を進めます。") == 0.0
    assert similarity("我们在北京推出了新的服务", "我们在北京推出了新的服务。欢迎") >= NEAR_DUPLICATE_THRESHOLD


def test_similarity_is_symmetric() -> None:
    pairs = [(TEXT, TEXT[:60]), ("東京 Tokyo office", "Tokyo 東京"), ("a b c d", "b c d e")]
    for a, b in pairs:
        assert similarity(a, b) == similarity(b, a)


def test_similar_pairs() -> None:
    texts = {
        "anna": TEXT,
        "ben": TEXT.replace("buddies", "mentors") + " #Onboarding",
        "cleo": "Completely different words about our summer party at the lake.",
        "dave": TEXT.upper(),
    }
    pairs = similar_pairs(texts)
    assert [(a, b) for a, b, _ in pairs] == [("anna", "dave"), ("anna", "ben"), ("ben", "dave")]
    assert pairs[0][2] == 1.0
    assert similar_pairs(texts, threshold=1.0) == [("anna", "dave", 1.0)]
    assert similar_pairs({"a": "Hi there, #IWorkAtAcme", "b": "Hi there #IWorkAtAcme"}) != []
    assert similar_pairs({"a": "Nice read. I work at Acme", "b": "Hm. I work at Acme"}, ignore=["I work at Acme"]) == []


# --------------------------------------------------------------------------------------
# Pluggable generator
# --------------------------------------------------------------------------------------


class ShortGenerator:
    name = "short"

    def generate(self, post, platforms):  # type: ignore[no-untyped-def]
        return {
            "x": Proposal("x", f"Read this: {post.url}"),
            "linkedin": Proposal("linkedin", "no link here"),
            "mastodon": Proposal("mastodon", "x" * 600 + post.url),
        }


class BrokenGenerator:
    name = "broken"

    def generate(self, post, platforms):  # type: ignore[no-untyped-def]
        raise RuntimeError("model unavailable")


def test_generator_output_is_checked_and_rules_fill_in() -> None:
    result = propose("Title", "Body sentence.", url=URL, generator=ShortGenerator())
    assert result["x"].text == f"Read this: {URL}" and result["x"].source == "short"
    assert result["linkedin"].source == "rules" and result["linkedin"].text.count(URL) == 1
    assert result["mastodon"].source == "rules"
    assert result["bluesky"].source == "rules"
    assert isinstance(RulesGenerator(), object) and list(result) == list(PLATFORMS)


def test_failing_generator_falls_back_to_rules() -> None:
    assert propose("Title", "Body.", url=URL, generator=BrokenGenerator()) == propose("Title", "Body.", url=URL)
