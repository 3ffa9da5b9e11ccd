"""Share texts a person would post: the corpus in tests/data/share_corpus.yaml, every platform.

Each check fails on something the blind rating punished: template framings, sentences lifted
without what they refer to, split sentences and dangling colons, fragments of lists, quotes
or code, the key point or the person's own words missing where there is room, limits
exceeded, questions under posts that ask nothing, and non-determinism. The word lists here are
the tests' own, independent of the engine's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from hub.platforms import PLATFORMS, measure
from hub.rewrite import Proposal, build_source, find_hashtags, plain_text, propose
from hub.rewrite.markdown import markdown_blocks
from hub.rewrite.text import ELLIPSIS, split_sentences

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "share_corpus.yaml").read_text(encoding="utf-8"))
URL = "https://hub.example.com/s/Ab3dE6gh"
SOFT = {"linkedin": 1300, "facebook": 700, "instagram": 1000, "whatsapp": 400, "email": 1500}

TEMPLATE_FRAMINGS = [
    "worth a read", "sharing this from our team", "thought you might like", "i wanted to share this",
    "what do you think?", "what's your take?", "check this out", "read more:", "especially relevant for",
    "läsvärt", "delar det här från", "tänkte att det här", "vad tycker du?", "hur ser du på det?", "läs mer:",
    "lesenswert", "neues aus unserem team", "das könnte dich interessieren", "was meinst du dazu?",
    "wie siehst du das?", "mehr dazu:", "يستحق القراءة", "اقرأ المزيد", "ما رأيك؟", "שווה קריאה",
]
# Words a sentence opens with when it points back at something said before it.
BACK_REFERENCES = {
    "en": "it this that these those they but so and also then however therefore which such".split(),
    "sv": "det detta denna dessa de men så och också sedan därför".split(),
    "de": "das dies diese dieser es aber also und dann deshalb daher dadurch".split(),
    "ar": "هذا هذه ذلك لكن لذلك".split(),
    "he": "זה זאת אבל לכן".split(),
}
TIME_WORDS = {"year", "week", "month", "quarter", "jahr", "woche", "år", "vecka", "veckan"}


def _posts() -> list[dict[str, Any]]:
    return CORPUS


def _propose(post: dict[str, Any], **overrides: Any) -> dict[str, Proposal]:
    args: dict[str, Any] = dict(
        url=URL, tags=post.get("tags", []), summary=post.get("summary", ""),
        key_point=post.get("key_point"), own_words=post.get("own_words"), language=post.get("language"),
    )
    args.update(overrides)
    return propose(post["title"], post.get("body", ""), **args)


@pytest.fixture(scope="module")
def texts() -> dict[str, dict[str, Proposal]]:
    return {post["id"]: _propose(post) for post in _posts()}


def _source_sentences(post: dict[str, Any]) -> list[list[str]]:
    """The post's paragraphs as lists of sentences (summary first)."""
    paragraphs = [post.get("summary", "")] + plain_text(post.get("body", "")).split("\n\n")
    return [split_sentences(p) for p in paragraphs if p.strip()]


def _content_sentences(text: str, post: dict[str, Any], proposal: Proposal) -> list[str]:
    """The sentences of a share text that come from the post: without the link, hashtags,
    the person's own words, bullets and fixed phrases."""
    body = text.replace(URL, "\n")
    own = post.get("own_words")
    if own:
        body = body.replace(own, "\n")
    lines = []
    for line in body.split("\n"):
        line = line.strip()
        if not line or line.startswith("• ") or re.fullmatch(r"(#\w+\s*)+", line) or line.startswith("→"):
            continue
        lines.append(line)
    sentences: list[str] = []
    for line in lines:
        sentences.extend(split_sentences(line))
    return sentences


def _opens_with_back_reference(sentence: str, language: str) -> bool:
    words = re.findall(r"[\w']+", sentence)
    if not words:
        return False
    first = words[0].casefold()
    if language == "de" and first == "das" and len(words) > 1 and words[1][:1].isupper():
        return False  # an article before a noun
    if len(words) > 1 and words[1].casefold() in TIME_WORDS:
        return False
    if [w.casefold() for w in words[:2]] == ["så", "här"]:
        return False  # "Så här ...": "here is how"
    return first in BACK_REFERENCES.get(language, BACK_REFERENCES["en"]) + BACK_REFERENCES["en"]


def _language(post: dict[str, Any]) -> str:
    return post.get("language", "en")


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_no_template_framings(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    for platform, proposal in texts[post["id"]].items():
        lowered = proposal.text.casefold()
        for framing in TEMPLATE_FRAMINGS:
            assert framing not in lowered, (platform, framing, proposal.text)


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_no_sentence_refers_back_without_its_antecedent(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    language = _language(post)
    flat = [s for paragraph in _source_sentences(post) for s in paragraph]
    for platform, proposal in texts[post["id"]].items():
        sentences = _content_sentences(proposal.text, post, proposal)
        for index, sentence in enumerate(sentences):
            if sentence.startswith("“"):
                continue  # a quote, quoted whole with its attribution (checked below)
            if sentence == post["title"] or not _opens_with_back_reference(sentence, language):
                continue
            # what it refers to is the sentence before it in the post, which may end the paragraph before
            before = next((flat[i - 1] for i, s in enumerate(flat) if s == sentence and i > 0), None)
            assert before is not None, (platform, f"{sentence!r} opens the post", proposal.text)
            assert index > 0 and sentences[index - 1] == before, (platform, sentence, proposal.text)


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_whole_sentences_whole_lists_no_dangling_colon(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    """Every sentence from the post is one of its whole sentences (or the title, or the
    author's key point); a list appears whole or not at all; no line ends in ':' unless the
    list it introduces follows; nothing was cut with an ellipsis."""
    whole = {s for paragraph in _source_sentences(post) for s in paragraph}
    whole |= set(split_sentences(post["title"])) | {post["title"]}
    if post.get("key_point"):
        whole |= set(split_sentences(post["key_point"]))
    headings = [b.text for b in markdown_blocks(post.get("body", "")) if b.kind == "heading"]
    whole |= {h + ":" for h in headings} | set(headings)
    quotes = [b.text for b in markdown_blocks(post.get("body", "")) if b.kind == "quote"]
    whole |= {s for q in quotes for s in split_sentences(q)}
    items = [block.text for block in markdown_blocks(post.get("body", "")) if block.kind == "item"]
    for platform, proposal in texts[post["id"]].items():
        if platform == "reddit":
            continue  # toned down ("!" -> "."), checked by its own test
        for sentence in _content_sentences(proposal.text, post, proposal):
            if sentence.startswith("– "):
                assert sentence[2:] in post["body"], (platform, "an attribution that is not the post's")
                continue
            if "“" in sentence or "”" in sentence:
                sentence = _unquoted(sentence, post)
            assert sentence in whole or _is_phrase(sentence, proposal), (platform, sentence, proposal.text)
        lines = proposal.text.split("\n")
        bullets = [line[2:] for line in lines if line.startswith("• ")]
        if bullets:
            assert bullets == items, (platform, "a fragment of a list", proposal.text)
        for i, line in enumerate(lines):
            if line.rstrip().endswith(":"):
                assert i + 1 < len(lines) and lines[i + 1].startswith("• "), (platform, line, proposal.text)
        if ELLIPSIS not in post["title"] + post.get("body", ""):
            assert ELLIPSIS not in proposal.text or post["id"] == "long-title", (platform, proposal.text)


def _unquoted(sentence: str, post: dict[str, Any]) -> str:
    """A sentence of a quote as the post has it: without quotation marks, and the
    attribution (which must be the post's) removed."""
    text = sentence.replace("“", "").replace("”", "")
    if " – " in text:
        text, who = text.split(" – ", 1)
        assert who in post["body"], (who, "an attribution that is not the post's")
    return text.strip()


def _is_phrase(sentence: str, proposal: Proposal) -> bool:
    """Fixed phrases hub adds by design (link in bio, the e-mail greeting, the hiring nudge)."""
    known = ("Link in bio.", "Hi,", "If you or someone you know might fit, I'm happy to tell you more.",
             "Länk i bion.", "Hej,", "Om du eller någon du känner skulle passa berättar jag gärna mer.",
             "Link in der Bio.", "Hallo,", "Wenn du oder jemand, den du kennst, passen könnte, erzähle ich gern mehr.",
             "الرابط في الملف الشخصي.", "مرحبًا،", "إذا كنت أنت أو أحد معارفك مناسبًا، يسعدني أن أخبرك بالمزيد.",
             "הקישור בביו.", "שלום,", "אם זה מתאים לך או למישהו שאתם מכירים, אשמח לספר עוד.")
    return sentence in known


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_key_point_present_where_there_is_room(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    source = build_source(post["title"], post.get("body", ""), url=URL, summary=post.get("summary", ""),
                          key_point=post.get("key_point"))
    core = source.core
    assert core
    if post.get("key_point"):
        assert core == post["key_point"]
    for platform, proposal in texts[post["id"]].items():
        if platform == "reddit":
            continue
        needed = " ".join(x for x in (post.get("own_words"), core, URL) if x)
        room = min(PLATFORMS[platform].limit, SOFT.get(platform, 10**6))
        if measure(platform, needed) + 40 <= room:
            # whole, or told with the sentences that carry it (SourcePost.story): each of its
            # sentences, in order
            assert core in proposal.text or _in_order(split_sentences(core), proposal.text), (
                platform, core, proposal.text)


def _in_order(sentences: list[str], text: str) -> bool:
    at = 0
    for sentence in sentences:
        found = text.find(sentence, at)
        if found < 0:
            return False
        at = found + len(sentence)
    return True


@pytest.mark.parametrize("post", [p for p in _posts() if p.get("must")], ids=lambda p: p["id"])
def test_the_facts_that_matter_are_kept(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    """A result leads with the result; a job ad keeps its place and deadline."""
    for platform, proposal in texts[post["id"]].items():
        for fact in post["must"]:
            assert fact in proposal.text, (platform, fact, proposal.text)


@pytest.mark.parametrize("post", [p for p in _posts() if p.get("asks")], ids=lambda p: p["id"])
def test_the_posts_own_question_where_it_invites_discussion(
    post: dict[str, Any], texts: dict[str, dict[str, Proposal]]
) -> None:
    for platform in ("linkedin", "threads"):
        assert post["asks"] in texts[post["id"]][platform].text, platform


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_a_question_only_where_the_post_asks_one(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    asked = [s for p in _source_sentences(post) for s in p if s.rstrip().endswith(("?", "؟"))]
    for platform, proposal in texts[post["id"]].items():
        for sentence in _content_sentences(proposal.text, post, proposal):
            if sentence.rstrip().endswith(("?", "؟")):
                assert sentence in asked, (platform, sentence)
                to_reader = re.search(r"\b(you|your|du|ni|ihr|euch)\b", sentence, re.IGNORECASE)
                assert post["kind"] in ("opinion", "howto") or to_reader, (platform, post["kind"], sentence)
                assert post["kind"] not in ("hiring", "thanks"), (platform, sentence)


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_the_kind_of_post_is_recognised(post: dict[str, Any]) -> None:
    source = build_source(post["title"], post.get("body", ""), url=URL, summary=post.get("summary", ""),
                          key_point=post.get("key_point"))
    assert source.kind.value == post["kind"]


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_own_words_verbatim_in_every_text(post: dict[str, Any]) -> None:
    own = post.get("own_words") or "Honestly the best thing my team did this year, and I'm biased."
    result = _propose(post, own_words=own)
    for platform, proposal in result.items():
        assert own in proposal.text, (platform, proposal.text)
        assert measure(platform, proposal.text) <= PLATFORMS[platform].limit


@pytest.mark.parametrize("post", _posts(), ids=lambda p: p["id"])
def test_limits_links_hashtags(post: dict[str, Any], texts: dict[str, dict[str, Proposal]]) -> None:
    result = texts[post["id"]]
    assert len({p.text for p in result.values()}) == len(result), "two platforms got the same text"
    for platform, proposal in result.items():
        assert measure(platform, proposal.text) <= PLATFORMS[platform].limit
        assert measure(platform, proposal.text) <= SOFT.get(platform, 10**6)
        expected = 0 if platform in ("instagram", "reddit") else 1
        assert proposal.text.count(URL) == expected, platform
        hashtags = find_hashtags(proposal.text)
        assert len(hashtags) <= {"x": 2, "bluesky": 1, "threads": 1, "whatsapp": 0, "email": 0, "reddit": 0}.get(platform, 5)
        assert all(re.fullmatch(r"#[^\W_]\w*", tag) for tag in hashtags), hashtags


def test_deterministic() -> None:
    for post in _posts():
        assert _propose(post) == _propose(post)
        assert _propose(post, own_words="Mine.") == _propose(post, own_words="Mine.")


def test_colleagues_with_own_words_get_different_texts() -> None:
    """The person's words make colleagues' texts differ for the right reason."""
    from hub.rewrite import similarity

    post = _posts()[0]
    anna = _propose(post, own_words="I was on the team that switched the last service over, at 2 a.m.")
    omar = _propose(post, own_words="If your deploys take longer than your coffee break, read this.")
    same = _propose(post)
    for platform in ("x", "bluesky", "whatsapp"):
        assert anna[platform].text != omar[platform].text
        assert similarity(anna[platform].text, omar[platform].text) < similarity(same[platform].text, same[platform].text)


def test_own_words_of_the_longest_allowed_length_are_never_cut() -> None:
    from hub.rewrite import OWN_WORDS_MAX

    own = ("I spent the last two years on this with the best team I know. " * 10)[: OWN_WORDS_MAX - 1].rstrip() + "."
    for post in _posts()[:8]:
        for platform, proposal in _propose(post, own_words=own).items():
            assert own in proposal.text, platform
            assert "own_words_cut" not in proposal.notes
            assert proposal.text.count(URL) == (0 if platform in ("instagram", "reddit") else 1)


def test_over_long_own_words_never_break_a_limit() -> None:
    long_url = "https://hub.example.com/s/" + "a" * 60
    result = propose("Title", "A first sentence of the body. A second one.", url=long_url, own_words="word " * 200)
    for platform, proposal in result.items():
        assert measure(platform, proposal.text) <= PLATFORMS[platform].limit, platform
    assert "own_words_cut" in result["bluesky"].notes


@pytest.mark.parametrize(
    ("title", "body", "kind"),
    [
        ("Nous recrutons un développeur à Lyon", "Nous cherchons une développeuse backend. Postulez avant le 1er mai.", "hiring"),
        ("Je pense que nos réunions sont trop longues", "À mon avis, nous devrions écrire davantage.", "opinion"),
        ("Lanzamos la nueva app", "Hoy lanzamos la nueva app, ya disponible en iOS y Android.", "launch"),
        ("Gracias al equipo de soporte", "Gracias a todo el equipo por su trabajo durante la caída.", "thanks"),
        ("エンジニアを募集しています", "東京オフィスでバックエンドエンジニアを募集しています。", "hiring"),
        ("新しいアプリをリリースしました", "本日、新しいアプリの提供開始を発表しました。", "launch"),
        ("感谢我们的客服团队", "感谢大家在故障期间的努力。", "thanks"),
        ("我们的构建时间缩短了一半", "构建时间从20分钟缩短到10分钟。", "result"),
    ],
)
def test_kinds_in_every_language_hub_has_phrases_for(title: str, body: str, kind: str) -> None:
    assert build_source(title, body, url=URL).kind.value == kind


def test_a_result_that_is_not_the_lead_comes_with_the_sentence_that_sets_the_scene() -> None:
    """"Bookings went from 40 to 95 a week" means little alone; the post's first sentence says whose."""
    body = ("Our Gothenburg café started taking table bookings online in May. "
            "Before that, people called or simply turned up.\n\n"
            "Bookings went from 40 to 95 a week in the first month, and Friday evenings are now full a week ahead.")
    result = propose("Online bookings for the café", body, url=URL)
    for platform in ("x", "bluesky", "threads", "whatsapp"):
        text = result[platform].text
        assert text.startswith("Our Gothenburg café started taking table bookings online in May. Bookings went"), (
            platform, text)


def test_the_same_figure_is_never_said_twice() -> None:
    clinic = next(p for p in _posts() if p["id"] == "clinic-no-shows")
    for platform, proposal in _propose(clinic).items():
        assert proposal.text.count("40 %") == 1, (platform, proposal.text)


TICKETS = ("Our support team answered 18,000 tickets last quarter. Most were the same twelve questions.\n\n"
           "So we wrote twelve short guides and linked them from the contact form. Tickets dropped by a third "
           "in six weeks, and the hard cases now get an answer the same day.\n\n"
           "Next: the same idea for our partner portal.")


def test_platforms_with_room_tell_the_chain_that_carries_the_point() -> None:
    """"So we wrote twelve guides" opens a paragraph and refers back across it; where there is room
    the story is told from its setting to its result in the post's order, so the reader learns why
    tickets dropped; X and Bluesky tell the chain too, since it fits beside the link once the
    hashtags give way, and stop at the result."""
    result = propose("We answered fewer tickets, and customers were happier", TICKETS, url=URL,
                     tags=["support", "customer experience"])
    chain = ["Our support team answered 18,000 tickets last quarter.", "Most were the same twelve questions.",
             "So we wrote twelve short guides and linked them from the contact form.",
             "Tickets dropped by a third in six weeks"]
    for platform in ("linkedin", "mastodon", "threads", "facebook", "email"):
        assert _in_order(chain, result[platform].text), (platform, result[platform].text)
        assert "Next: the same idea for our partner portal." in result[platform].text, platform
    assert "\n\nSo we wrote twelve short guides" in result["linkedin"].text  # the post's paragraphs kept
    for platform in ("x", "bluesky"):
        text = result[platform].text
        assert text.startswith(" ".join(chain)), (platform, text)
        assert "Next:" not in text and URL in text, (platform, text)
        assert measure(platform, text) <= PLATFORMS[platform].limit, (platform, text)
    assert "#" not in result["x"].text  # the cause took the hashtags' room
    # a disclosure is never given way: with one, the chain does not fit, and the short text stays whole
    disclosed = propose("We answered fewer tickets, and customers were happier", TICKETS, url=URL,
                        tags=["support"], disclosure="#IWorkAtAcme")
    for platform in ("x", "bluesky"):
        text = disclosed[platform].text
        assert text.startswith("Our support team answered 18,000 tickets last quarter. Tickets dropped by a third in "
                               "six weeks, and the hard cases now get an answer the same day."), (platform, text)
        assert text.endswith("#IWorkAtAcme") and "So we wrote" not in text and ELLIPSIS not in text, (platform, text)
    # a message to friends says why in one paragraph, and stops at the result
    whatsapp = result["whatsapp"].text
    assert whatsapp.startswith(" ".join(chain)), whatsapp
    assert "Next:" not in whatsapp and "\n\n" not in whatsapp, whatsapp
    assert len({result[p].text for p in result}) == len(result)


def test_a_told_story_never_names_what_only_the_post_before_it_introduced() -> None:
    """"So we finally switched Launchpad off" follows the result, but Launchpad was introduced
    in the post's first sentence, which the story does not tell: it stays out."""
    deploy = next(p for p in _posts() if p["id"] == "deploy-migration")
    for platform, proposal in _propose(deploy).items():
        if "Launchpad" in proposal.text:
            assert "For eight years every service shipped through Launchpad" in proposal.text.split(
                "Launchpad")[0] + "Launchpad", (platform, proposal.text)
