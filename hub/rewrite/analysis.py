"""What a post says and what kind of post it is: the material share texts are chosen from.

Meaning first: a post is read as *units*, runs of whole sentences that make sense to someone
who has not read the post. A sentence that refers back ("It", "This", "But", "So", "Det",
"Das", ...) only travels with the sentence before it; a sentence that ends in ":" only with
the list it introduces; a quote only with its attribution; a sentence about the post itself
("In this post we...") never. Units are scored by what matters to a reader: results and
numbers, comparisons, overlap with the title, the lead, the author's summary. The best unit
is the *key point* every platform's text is built around (unless the author wrote one).

Pure Python, deterministic, no network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from hub.rewrite.markdown import Block
from hub.rewrite.text import has_url, is_no_space_char, join_sentences, split_sentences

SENTENCE_MAX = 280
UNIT_MAX = 420
STORY_MAX = 700  # the key point told whole (``Analysis.story``), for platforms with room
STORY_SENTENCES = 7
LIST_MAX_ITEMS = 6
ITEM_MAX = 160


class PostKind(str, Enum):  # noqa: UP042 -- StrEnum would change str() and format() of members
    """What kind of post it is; each kind is shaped a little differently."""

    HIRING = "hiring"
    RESULT = "result"
    EVENT = "event"
    LAUNCH = "launch"
    HOWTO = "howto"
    OPINION = "opinion"
    THANKS = "thanks"
    QUOTE = "quote"
    GENERAL = "general"

    @property
    def invites_discussion(self) -> bool:
        """Posts that ask for the reader's view (a question fits under them)."""
        return self in (PostKind.OPINION, PostKind.HOWTO)


# --------------------------------------------------------------------------------------
# Word lists per language (the languages hub has phrases for; others use English's)
# --------------------------------------------------------------------------------------

_BACK_REFERENCES: dict[str, frozenset[str]] = {
    "en": frozenset(
        "it its it's this that these those they them their theirs he she his her him but so and or "
        "also then however therefore thus still yet instead which such both another otherwise "
        "meanwhile besides plus hence anyway after afterwards later that's this's there's "
        "here's nevertheless nonetheless moreover furthermore additionally likewise similarly "
        "consequently accordingly indeed".split()
    ),
    "sv": frozenset(
        "det detta denna dessa den de dem deras han hon hans hennes men så och eller också även "
        "sedan därför dock ändå annars dessutom då där vilket vilka sådana båda alltså därmed "
        "samtidigt därefter".split()
    ),
    "de": frozenset(
        "das dies diese dieser dieses diesen diesem es er sie ihr ihre aber also und oder dann "
        "deshalb daher dadurch trotzdem damit dabei darum dafür doch jedoch sonst außerdem denn "
        "somit danach dort hier zudem allerdings".split()
    ),
    "fr": frozenset(
        "ce cela ça c'est il elle ils elles mais donc alors aussi ensuite pourtant cependant "
        "ceci celle celui ces".split()
    ),
    "es": frozenset("esto eso este esta estos estas ello pero así entonces también además luego".split()),
    "ar": frozenset("هذا هذه ذلك تلك لكن ولكن لذلك هو هي هم ثم وهذا وهذه ولذلك".split()),
    "he": frozenset("זה זאת אבל לכן הוא היא הם ואז גם אלה".split()),
    "ja": frozenset("それ これ この その そこ でも しかし だから また そして".split()),
    "zh": frozenset("这 那 这个 那个 这些 但是 但 所以 因此 它 他们 而且 然后".split()),
}
# "Most were ...", "Many of them ...": a quantifier standing for a noun said before.
_QUANTIFIERS = frozenset(
    "most many some few several all none each both flesta många några alla meisten viele einige alle".split()
)
_PRONOUN_FOLLOWERS = frozenset(
    "were was are is of have had will did do would could can var är av har hade waren sind von haben hatten".split()
)
# "This year ...", "Dieses Jahr ...", "Den 15 mars ...": a demonstrative that points at time.
_TIME_WORDS = frozenset(
    "year week month quarter spring summer autumn fall winter morning evening weekend time "
    "år vecka veckan månad månaden kvartal våren sommaren hösten vintern helgen "
    "jahr woche monat quartal frühjahr frühling sommer herbst winter wochenende".split()
)
_ARTICLE_STARTS = frozenset({"das", "die", "der", "den", "de", "det"})  # + a capitalised noun: an article

_META = re.compile(
    r"\b(this (post|article|piece|write-?up|blog|story)|in this (post|article)|below|read on|"
    r"we('ll| will) (cover|explain|walk)|i('ll| will) (share|explain|walk)|here's how|here is how|"
    r"(i|in) (det här|detta) (inlägg|inlägget|artikel|artikeln)|nedan|läs vidare|"
    r"(in )?diese[mnr]? (beitrag|artikel|post|text)|im folgenden|unten)\b",
    re.IGNORECASE,
)
# "the same idea", "samma grepp", "das gleiche": a noun phrase pointing at something said before
_ANAPHORA = re.compile(
    r"\b(the same (idea|thing|approach|way|trick|method|recipe|again)|samma (sak|idé|grepp|sätt|sak)|"
    r"(das|die|den|dem) (gleiche|selbe)n?)\b",
    re.IGNORECASE,
)
# A question put to the reader ("How does your team ...?") invites discussion whatever the kind.
_TO_READER = re.compile(
    r"\b(you|your|yours|du|dig|din|ditt|dina|ni|er|era|ihr|euch|euer|eure|dich|dein|deine)\b", re.IGNORECASE
)
_ATTRIBUTION = re.compile(r"^\s*(?:[—–-]{1,2}|~)\s*\S")

_KIND_CUES: dict[PostKind, re.Pattern[str]] = {
    PostKind.HIRING: re.compile(
        r"\b(we'?re hiring|we are hiring|is hiring|are hiring|now hiring|hiring (a|an|for)|"
        r"we'?re looking for|we are looking for|join (us|our team|the team)|apply (by|now|before|here)|"
        r"applications? (close|deadline)|open (role|position)s?|job opening|vacanc(y|ies)|"
        r"rekryterar|vi söker|sök (senast|tjänsten|jobbet)|ansök|ansökan|lediga? tjänst|"
        r"wir suchen|stellenangebot|bewirb|bewerbung|bewerbungsschluss|verstärkung|"
        r"نوظف|انضم|وظيفة|מגייסים|דרוש|דרושה|מחפשים"
        r"|nous recrutons|on recrute|nous cherchons|postulez|candidatez|estamos contratando|buscamos|únete|postúlate"
        r")|(?:募集|採用|求人|招聘|加入我们)",
        re.IGNORECASE,
    ),
    PostKind.THANKS: re.compile(
        r"\b(thank you|thanks to|thanks,|congratulations|congrats|welcome to the team|"
        r"tack till|tack alla|stort tack|grattis|välkommen till|"
        r"danke|vielen dank|herzlichen glückwunsch|glückwunsch|willkommen im team|"
        r"شكرا|شكرًا|مبروك|תודה|מזל טוב"
        r"|merci à|félicitations|bienvenue dans l|gracias a|felicidades|enhorabuena|bienvenida al equipo"
        r")|(?:ありがとう|おめでとう|感谢|谢谢|恭喜)",
        re.IGNORECASE,
    ),
    PostKind.EVENT: re.compile(
        r"\b(last (weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|"
        r"meetup|conference|workshop|hackathon|summit|"
        r"webinar|keynote|attendees|took place|we hosted|open (day|house)|visitors|came to|"
        r"förra (veckan|helgen)|i går|igår|konferens|träff|deltagare|öppet hus|besökare|samlades|"
        r"letzte woche|gestern|konferenz|teilnehmende|teilnehmer|tag der offenen tür|besucher(innen)?|kamen|"
        r"مؤتمر|ورشة|כנס|סדנה"
        r"|conférence|atelier|rencontre|participants|conferencia|taller|encuentro|asistentes"
        r")|(?:イベント|カンファレンス|勉強会|参加者|会议|活动|参会)",
        re.IGNORECASE,
    ),
    PostKind.LAUNCH: re.compile(
        r"\b(launch(ed|ing|es)?\b|introducing|now available|available (today|now)|today we|release[ds]?|"
        r"we('ve| have) shipped|ships today|is here\b|"
        r"lanserar|lanserade|nu finns|släpper|ab heute|ab sofort|veröffentlich|stellen vor|"
        r"أطلقنا|إطلاق|משיקים|השקנו"
        r"|nous lançons|lancement|disponible dès|désormais disponible|lanzamos|lanzamiento|ya disponible"
        r")|(?:リリース|提供開始|発表しました|发布|推出|上线)",
        re.IGNORECASE,
    ),
    PostKind.HOWTO: re.compile(
        r"(^|\b)(how to|\d+ (ways|tips|things|lessons|steps|reasons)|step by step|guide|"
        r"så här|\d+ (sätt|tips|saker|lärdomar|steg)|guide|"
        r"so geht|\d+ (wege|tipps|dinge|lektionen|schritte)|anleitung|"
        r"كيف|איך"
        r"|comment nous|étapes|conseils|cómo|pasos|consejos"
        r")|(?:方法|コツ|如何|步骤)",
        re.IGNORECASE,
    ),
    PostKind.OPINION: re.compile(
        r"\b(i think|i believe|in my (view|opinion)|unpopular opinion|we should|should we|why i|"
        r"i('m| am) convinced|i disagree|jag tycker|jag tror|enligt mig|borde vi|vi borde|"
        r"ich finde|ich glaube|meiner meinung|sollten wir|wir sollten|"
        r"أعتقد|برأيي|אני חושב|אני חושבת|לדעתי"
        r"|je pense|à mon avis|selon moi|creo que|en mi opinión|pienso que"
        r")|(?:と思います|私は思う|我认为|我觉得)",
        re.IGNORECASE,
    ),
}
_RESULT_WORDS = re.compile(
    r"\b(cut|cuts|fell|dropped|drop|rose|grew|grown|doubled|halved|tripled|reduced|increased|decreased|"
    r"faster|fewer|less|more than|saved|down|up|from .{1,30} to|record|improved|instead of|"
    r"minskade|minskat|ökade|ökat|halverade|halverat|fördubblade|sjönk|steg|snabbare|färre|mindre|"
    r"sparade|från .{1,30} till|förbättrade|i stället för|istället för|"
    r"gesunken|gestiegen|halbiert|verdoppelt|reduziert|schneller|weniger|mehr als|gespart|"
    r"von .{1,30} (auf|bis)|verbessert|statt|anstatt|"
    r"انخفض|ارتفع|ضاعف|بدلا من|بدلًا من|זינק|ירד|הכפלנו|במקום|"
    r"baisse|hausse|réduit|divisé par|passé de|redujimos|aumentó|bajó|pasó de)\b|"
    r"(?:削減|増加|短縮|半減|减少|增加|缩短|提升)",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*|\b(hundred|thousand|million|billion|half|third|twice|double|tripled?|"
    r"hundra|tusen|miljon|miljoner|halva?|dubbelt|tredjedel|"
    r"hundert|tausend|millionen?|halb|doppelt|drittel)\b",
    re.IGNORECASE,
)
_SMALL_NUMBERS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|"
    r"en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|"
    r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|"
    r"שתיים|שלוש|ארבע|חמש|עשר|שעתיים|اثنين|ثلاث|أربع|خمس|عشر)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d\s?(%|‰|percent|procent|prozent|x\b|×)|\b(half|halv|halb|double|dubbel)", re.IGNORECASE)
_DEADLINE = re.compile(
    r"\b(apply by|apply before|deadline|applications? close|closes on|by \d{1,2} \w+|"
    r"sista ansökningsdag|sök senast|senast den|senast \d|ansök senast|"
    r"bewerbungsschluss|bewirb dich bis|bis zum \d|bis \d{1,2}\.)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "the a an and or of to in on for with we our us you your is are was were be been it its this that "
    "how why what my i at by from as has have had will not new än och att det är för med som på vi en "
    "ett av till har vår våra hur vad jag ni der die das und ist nicht mit für wir ein eine zu auf von "
    "den wie unser unsere ich".split()
)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def stems(text: str) -> set[str]:
    """Content words cut to five letters ("onboarding" and "onboarded" meet), and numbers."""
    return {w[:5] for w in _words(text) if w not in _STOP and (len(w) > 2 or w.isdigit())}


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


def anchoring(text: str, title: str) -> int:
    """How many of the title's content words (and numbers) ``text`` repeats."""
    return len(stems(text) & stems(title))


def _first_words(sentence: str) -> list[str]:
    stripped = sentence.lstrip("\"'“”‘’«»„([¿¡-–— ")
    return re.findall(r"[\w']+", stripped)[:2]


def refers_back(sentence: str, language: str) -> bool:
    """True if ``sentence`` opens by pointing at something said before it ("It", "This",
    "But", "So", "Det", "Das", ...) and so cannot stand alone."""
    stripped = sentence.lstrip("\"'“”‘’«»„([¿¡-–— ")
    if not stripped:
        return False
    if is_no_space_char(stripped[0]):
        words = _BACK_REFERENCES.get(language, frozenset()) | _BACK_REFERENCES["ja"] | _BACK_REFERENCES["zh"]
        return any(stripped.startswith(word) for word in words)
    first = _first_words(stripped)
    if not first:
        return False
    word = first[0].casefold()
    if (word, first[1].casefold() if len(first) > 1 else "") in (("så", "här"), ("so", "here's"), ("so", "geht")):
        return False  # "Så här gjorde vi": "here is how", not "so"
    if word in ("de", "die") and len(first) > 1 and first[1].casefold() in ("flesta", "meisten"):
        return True  # "De flesta var ...", "Die meisten waren ..."
    if word in _QUANTIFIERS and len(first) > 1 and first[1].casefold() in _PRONOUN_FOLLOWERS:
        return True
    words = _BACK_REFERENCES.get(language, _BACK_REFERENCES["en"]) | _BACK_REFERENCES["en"]
    if word not in words:
        if language in ("ar", "he") and len(word) > 1 and word[0] in "ו" and word[1:] in words:
            return True
        return False
    following = first[1] if len(first) > 1 else ""
    if following.casefold() in _TIME_WORDS or following[:1].isdigit():
        return False
    if word in _ARTICLE_STARTS and language == "de" and following[:1].isupper():
        return False  # "Das Team in Berlin ..." is an article and a noun, not a pronoun
    return True


@dataclass(frozen=True)
class Sentence:
    """One sentence of the post, where it stands, and what kind of sentence it is."""

    text: str
    block: int
    position: int
    back: bool
    colon: bool
    question: bool
    meta: bool

    @property
    def usable(self) -> bool:
        """Can appear in a share text at all (not a question, not about the post itself)."""
        return not self.meta and not self.colon


def _names(text: str) -> set[str]:
    """Capitalised words that do not open a sentence: names ("Launchpad", "Anna"), and in
    German its nouns too."""
    return {w for sentence in split_sentences(text) for w in re.findall(r"\w+", sentence)[1:] if w[:1].isupper()}


def _continues(sentence: Sentence) -> bool:
    """A sentence that carries on from the one before it and can be told with it."""
    return sentence.back and sentence.usable and not sentence.question and len(sentence.text) <= SENTENCE_MAX


@dataclass(frozen=True)
class Unit:
    """Whole sentences that make sense together, in the post's order, with a score."""

    sentences: tuple[str, ...]
    score: float
    start: int
    kind: str = "text"

    @property
    def text(self) -> str:
        return join_sentences(self.sentences)


@dataclass(frozen=True)
class Analysis:
    """Everything the composers choose from."""

    kind: PostKind
    units: tuple[Unit, ...]
    list_intro: str
    list_items: tuple[str, ...]
    deadline: str
    question: str
    quote: str
    sentences: tuple[Sentence, ...] = ()  # every paragraph sentence, in the post's order
    summary_blocks: int = 0  # how many of the sentences' blocks are the author's summary

    def best(self) -> Unit | None:
        """The unit that best says what the post is about."""
        return max(self.units, key=lambda u: (u.score, -u.start), default=None)

    def key_units(self, title: str, max_length: int = 260) -> tuple[Unit, ...]:
        """The key point as units: the best unit, and when it does not say what it is about
        (it repeats fewer than two of the title's words), first the unit that does,
        preferring the one right next to it."""
        best = self.best()
        if best is None:
            return ()
        missing_numbers = _numbers(title) - _numbers(best.text)
        if best.kind != "text" or (anchoring(best.text, title) >= 2 and not missing_numbers):
            return self._with_setting(best, max_length)
        shared = set(best.sentences)
        anchors = [u for u in self.units if u.kind == "text" and not shared & set(u.sentences)]
        if missing_numbers and anchoring(best.text, title) >= 2:
            anchors = [u for u in anchors if missing_numbers & _numbers(u.text)]  # "from 48 minutes" in the title
        else:
            anchors = [u for u in anchors if anchoring(u.text, title) >= 2]
        anchors = [u for u in anchors if len(u.text) + len(best.text) + 1 <= max_length]
        if not anchors:
            return (best,)
        index = {u.start: i for i, u in enumerate(self.units)}

        def closeness(unit: Unit) -> tuple[int, float]:
            return (abs(index[unit.start] - index[best.start]), -unit.score)

        anchor = min(anchors, key=closeness)
        return (anchor, best)  # first what it is about, then the point

    def story(self, title: str, max_length: int = STORY_MAX, *, after: bool = True) -> tuple[str, ...]:
        """The key point told whole, for platforms with room, as paragraphs: the key units with
        the sentences between them when each of those refers back (a chain that carries the
        point from its setting to its result: "Our team answered 18,000 tickets. Most were the
        same twelve questions. || So we wrote twelve guides. Tickets dropped by a third."),
        then up to two sentences after it that refer back to it ("Next: the same idea for...").
        A chain may cross a paragraph, which a unit never does, because the story is told from
        its start, so each sentence's antecedent comes right before it. Empty when that adds
        nothing to the key units or they are not plain sentences of the body."""
        units = self.key_units(title)
        if not units or any(u.kind != "text" for u in units) or not self.sentences:
            return ()
        at = {s.position: i for i, s in enumerate(self.sentences)}
        spans = [(at[u.start], at[u.start] + len(u.sentences) - 1) for u in units if u.start in at]
        if len(spans) != len(units) or any(b[0] <= a[1] for a, b in zip(spans, spans[1:], strict=False)):
            return ()
        earlier = _names(" ".join(s.text for s in self.sentences[: spans[0][0]]))
        key_names = _names(" ".join(u.text for u in units))

        def tellable(sentence: Sentence) -> bool:  # and names nobody the story has not introduced
            return _continues(sentence) and not (_names(sentence.text) & earlier) - key_names

        chosen = list(range(spans[0][0], spans[0][1] + 1))
        for (_, end), (start, stop) in zip(spans, spans[1:], strict=False):
            between = self.sentences[end + 1 : start]
            if len(between) > 3 or not all(tellable(s) for s in between):
                return ()
            chosen += list(range(end + 1, stop + 1))
        following = chosen[-1] + 1
        while after and following < len(self.sentences) and len(chosen) < STORY_SENTENCES \
                and following - spans[-1][1] <= 2:
            if not tellable(self.sentences[following]):
                break
            chosen.append(following)
            following += 1
        told = [self.sentences[i] for i in chosen]
        key = sum(len(u.sentences) for u in units)
        summary = {s.block < self.summary_blocks for s in told}
        if len(told) == key or len(summary) > 1 or len(join_sentences(s.text for s in told)) > max_length:
            return ()
        paragraphs: list[list[str]] = []
        for i, sentence in enumerate(told):
            if i == 0 or sentence.block != told[i - 1].block:
                paragraphs.append([])
            paragraphs[-1].append(sentence.text)
        return tuple(join_sentences(p) for p in paragraphs)

    def _with_setting(self, best: Unit, max_length: int) -> tuple[Unit, ...]:
        """A result that is not the post's first sentence, preceded by that sentence when it fits:
        "Tickets dropped by a third" says little until "Our support team answered 18,000
        tickets last quarter" has set the scene."""
        texts = [u for u in self.units if u.kind == "text"]
        lead = min(texts, key=lambda u: u.start, default=None)
        if (
            self.kind is not PostKind.RESULT
            or best.kind != "text"
            or lead is None
            or lead is best
            or lead.start > best.start
            or set(lead.sentences) & set(best.sentences)
            or lead.score <= 0
            or _numbers(lead.text) & _numbers(best.text)  # both state the same figure: say it once
            or len(lead.text) + len(best.text) + 1 > max_length
        ):
            return (best,)
        return (lead, best)


def _block_sentences(blocks: Sequence[Block], language: str) -> list[list[Sentence]]:
    """Sentences of the paragraphs (and summary), grouped by block; other blocks are empty."""
    result: list[list[Sentence]] = []
    position = 0
    for index, block in enumerate(blocks):
        sentences: list[Sentence] = []
        if block.kind == "paragraph":
            parts = split_sentences(block.text)
            for raw in parts:
                if has_url(raw):
                    continue  # without its link the sentence would be broken; the post's link comes anyway
                text = raw
                colon = text.rstrip().endswith((":", "：", ";"))
                sentences.append(
                    Sentence(
                        text=text,
                        block=index,
                        position=position,
                        back=refers_back(text, language) or bool(_ANAPHORA.search(text)),
                        colon=colon,
                        question=text.rstrip("\"'”’»)").endswith(("?", "？", "؟")),
                        meta=bool(_META.search(text)),
                    )
                )
                position += 1
        result.append(sentences)
    return result


def _score(sentence: Sentence, title_stems: set[str], first: bool, summary: bool, kind: PostKind) -> float:
    text = sentence.text
    score = 0.0
    number = bool(_NUMBER.search(text))
    change = bool(_RESULT_WORDS.search(text))
    if number and change or change and _SMALL_NUMBERS.search(text):
        score += 4.0  # a quantified change ("from 48 to 6 minutes") is what readers remember
    elif number or change:
        score += 1.0
    if len(_NUMBER.findall(text)) >= 2:
        score += 0.5
    if _PERCENT.search(text):
        score += 1.0
    score += min(len(stems(text) & title_stems), 3) * 1.0
    if first:
        score += 1.5
    if summary:
        score += 2.5
    words = len(text.split()) if not is_no_space_char(text[:1] or "a") else len(text) // 2
    if words < 5:
        score -= 2.5
    if len(text) > 220:
        score -= 1.5
    if sentence.question:
        score -= 0.5 if kind.invites_discussion else 3.0
    if kind is PostKind.HIRING and _DEADLINE.search(text):
        score += 0.5
    return score - 0.05 * sentence.position


def _units(grouped: list[list[Sentence]], scores: dict[int, float]) -> list[Unit]:
    """Units: a standalone sentence alone, or a sentence that refers back together with
    the sentences before it in its paragraph, back to one that stands alone (at most three)."""
    units: list[Unit] = []
    for sentences in grouped:
        for i, sentence in enumerate(sentences):
            if not sentence.usable or len(sentence.text) > SENTENCE_MAX:
                continue
            start = i
            while start > 0 and sentences[start].back and i - start < 2:
                start -= 1
            run = sentences[start : i + 1]
            if run[0].back or any(not s.usable for s in run):
                continue
            if any(len(s.text) > SENTENCE_MAX for s in run):
                continue
            text = join_sentences(s.text for s in run)
            if len(text) > UNIT_MAX:
                continue
            # a sentence that needs the one before it is worth what the two say together
            score = sum(scores[s.position] for s in run) / len(run) + 0.5
            if not sentence.back and len(run) == 1:
                units.append(Unit((sentence.text,), score, sentence.position))
            elif len(run) > 1:
                units.append(Unit(tuple(s.text for s in run), score, run[0].position))
    return units


def _list_material(blocks: Sequence[Block], grouped: list[list[Sentence]]) -> tuple[str, tuple[str, ...]]:
    """The post's first whole list (at most ``LIST_MAX_ITEMS`` short items) and the sentence
    that introduces it, if that ends in ":" (empty otherwise)."""
    for index, block in enumerate(blocks):
        if block.kind != "item":
            continue
        items = [b.text for b in blocks[index:] if b.kind == "item" and b.group == block.group]
        if len(items) < 2 or len(items) > LIST_MAX_ITEMS or any(len(i) > ITEM_MAX or has_url(i) for i in items):
            return "", ()
        intro = ""
        if index > 0 and grouped[index - 1]:
            last = grouped[index - 1][-1]
            if last.colon and not last.meta and not last.back:
                intro = last.text
        elif index > 0 and blocks[index - 1].kind == "heading" and len(blocks[index - 1].text) <= 60:
            heading = blocks[index - 1].text.rstrip(" .:")  # "## What changed" introduces its list
            intro = heading + ("" if heading.endswith(("?", "？")) else ":")
        return intro, tuple(items)
    return "", ()


def _quote_material(blocks: Sequence[Block]) -> str:
    """The first block quote with its attribution, as "“…” – Name", or empty when the
    quote has no attribution (a quote is never used without it, nor it without the quote)."""
    for index, block in enumerate(blocks):
        if block.kind != "quote":
            continue
        lines = [b.text for b in blocks[index:] if b.kind == "quote" and b.group == block.group]
        attribution = next((line for line in lines if _ATTRIBUTION.match(line)), "")
        said = [line for line in lines if line != attribution]
        if not attribution:
            after = blocks[index + len(lines)] if index + len(lines) < len(blocks) else None
            if after is not None and after.kind == "paragraph" and _ATTRIBUTION.match(after.text):
                attribution = after.text
        if not attribution or not said:
            return ""
        quote = " ".join(said).strip().strip("\"“”„«»")
        who = attribution.lstrip("—–-~ ").strip()
        text = f"“{quote}” – {who}"
        return text if len(text) <= UNIT_MAX else ""
    return ""


_PRIORITY = (PostKind.HIRING, PostKind.THANKS, PostKind.QUOTE, PostKind.OPINION, PostKind.EVENT,
             PostKind.LAUNCH, PostKind.HOWTO, PostKind.RESULT)


def detect_kind(title: str, text: str, *, has_list: bool, has_quote: bool) -> PostKind:
    """The kind of post: cue words count twice in the title, once in the text; quantified
    changes make a result. Ties go to the kind that shapes texts most (a job ad first)."""
    head = text[:1500]
    scores: dict[PostKind, int] = {
        kind: 2 * len(pattern.findall(title)) + len(pattern.findall(head)) for kind, pattern in _KIND_CUES.items()
    }
    if not has_list:
        scores[PostKind.HOWTO] = 2 * len(_KIND_CUES[PostKind.HOWTO].findall(title))
    results = sum(1 for s in split_sentences(text) if _NUMBER.search(s) and _RESULT_WORDS.search(s))
    title_result = bool(_RESULT_WORDS.search(title) or _PERCENT.search(title))
    scores[PostKind.RESULT] = results + (2 if title_result and results else 0)
    scores[PostKind.QUOTE] = 3 if has_quote and len(text) < 600 else 0
    best = max(_PRIORITY, key=lambda kind: (scores.get(kind, 0), -_PRIORITY.index(kind)))
    return best if scores.get(best, 0) > 0 else PostKind.GENERAL


def analyse(
    title: str, blocks: Sequence[Block], summary_blocks: Sequence[Block], language: str, key_point: str = ""
) -> Analysis:
    """Read a post (its title and Markdown blocks, the summary's and the author's key point
    too) for share texts."""
    all_blocks = [*summary_blocks, *blocks]
    grouped = _block_sentences(all_blocks, language)
    body_text = "\n".join(
        [key_point] + [b.text for b in [*summary_blocks, *blocks] if b.kind in ("paragraph", "item", "heading")]
    )
    list_intro, items = _list_material(all_blocks, grouped)
    quote = _quote_material(all_blocks)
    kind = detect_kind(title, body_text, has_list=bool(items), has_quote=bool(quote))
    title_stems = stems(title)
    scores: dict[int, float] = {}
    flat = [s for group in grouped for s in group]
    first_body = next((s.position for s in flat if s.block >= len(summary_blocks)), -1)
    for sentence in flat:
        in_summary = sentence.block < len(summary_blocks)
        scores[sentence.position] = _score(sentence, title_stems, sentence.position == first_body, in_summary, kind)
    units = _units(grouped, scores)
    if quote:
        # a quote with its attribution is memorable; in a post that is mostly the quote, it is the point
        quote_score = _score(Sentence(quote, -1, 0, False, False, False, False), title_stems, False, False, kind)
        units.append(Unit((quote,), quote_score + (4.0 if kind is PostKind.QUOTE else 1.0), -1, kind="quote"))
    # the same sentence may be in the summary and the body: keep its best unit only
    seen: set[str] = set()
    unique: list[Unit] = []
    for unit in sorted(units, key=lambda u: (-u.score, u.start)):
        key = unit.text.casefold()
        if key not in seen and key != title.casefold():
            seen.add(key)
            unique.append(unit)
    deadline = next((s.text for s in flat if s.usable and not s.back and _DEADLINE.search(s.text)), "")
    asked = [s for s in flat if s.question and not s.back and not s.meta]
    question = next((s.text for s in reversed(asked) if kind.invites_discussion or _TO_READER.search(s.text)), "")
    if kind in (PostKind.HIRING, PostKind.THANKS):
        question = ""  # never under a job ad or a congratulation
    return Analysis(
        kind=kind,
        units=tuple(sorted(unique, key=lambda u: u.start)),
        list_intro=list_intro,
        list_items=items,
        deadline=deadline if kind is PostKind.HIRING else "",
        question=question,
        quote=quote,
        sentences=tuple(flat),
        summary_blocks=len(summary_blocks),
    )
