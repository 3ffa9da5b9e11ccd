"""Which language a post is in (roughly), and the few fixed phrases share texts use."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

DEFAULT_LANGUAGE = "en"

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "question": "What do you think?",
        "take": "What's your take?",
        "worth_reading": "Worth a read:",
        "read_more": "Read more:",
        "link_in_bio": "Link in bio.",
        "facebook_intro": "Sharing this from our team:",
        "whatsapp_intro": "Hi! Thought you might like this:",
        "email_greeting": "Hi,",
        "email_intro": "I wanted to share this with you:",
        "audience": "Especially relevant for {audience}.",
    },
    "sv": {
        "question": "Vad tycker du?",
        "take": "Hur ser du på det?",
        "worth_reading": "Läsvärt:",
        "read_more": "Läs mer:",
        "link_in_bio": "Länk i bion.",
        "facebook_intro": "Delar det här från vårt team:",
        "whatsapp_intro": "Hej! Tänkte att det här kanske intresserar dig:",
        "email_greeting": "Hej,",
        "email_intro": "jag ville dela det här med dig:",
        "audience": "Särskilt relevant för {audience}.",
    },
    "de": {
        "question": "Was meinst du dazu?",
        "take": "Wie siehst du das?",
        "worth_reading": "Lesenswert:",
        "read_more": "Mehr dazu:",
        "link_in_bio": "Link in der Bio.",
        "facebook_intro": "Neues aus unserem Team:",
        "whatsapp_intro": "Hallo! Das könnte dich interessieren:",
        "email_greeting": "Hallo,",
        "email_intro": "ich möchte das gern mit dir teilen:",
        "audience": "Besonders relevant für {audience}.",
    },
    "fr": {
        "question": "Qu’en pensez-vous\u00a0?",
        "take": "Et vous, votre avis\u00a0?",
        "worth_reading": "À lire\u00a0:",
        "read_more": "En savoir plus\u00a0:",
        "link_in_bio": "Lien en bio.",
        "facebook_intro": "Du nouveau de notre équipe\u00a0:",
        "whatsapp_intro": "Salut\u00a0! Ça pourrait t’intéresser\u00a0:",
        "email_greeting": "Bonjour,",
        "email_intro": "je voulais partager ceci avec vous\u00a0:",
        "audience": "Particulièrement utile pour {audience}.",
    },
    "es": {
        "question": "¿Qué opinas?",
        "take": "¿Tú qué piensas?",
        "worth_reading": "Vale la pena leerlo:",
        "read_more": "Más información:",
        "link_in_bio": "Enlace en la bio.",
        "facebook_intro": "Novedades de nuestro equipo:",
        "whatsapp_intro": "¡Hola! Creo que esto te puede interesar:",
        "email_greeting": "Hola:",
        "email_intro": "quería compartir esto contigo:",
        "audience": "Especialmente relevante para {audience}.",
    },
    "ja": {
        "question": "皆さんはどう思いますか？",
        "take": "あなたはどう思う？",
        "worth_reading": "読む価値あり：",
        "read_more": "詳しくはこちら：",
        "link_in_bio": "リンクはプロフィールから。",
        "facebook_intro": "私たちのチームからのお知らせです：",
        "whatsapp_intro": "こんにちは！興味があるかもと思って：",
        "email_greeting": "こんにちは。",
        "email_intro": "ぜひ共有したい記事があります：",
        "audience": "{audience}の方に特におすすめです。",
    },
    "zh": {
        "question": "你怎么看？",
        "take": "你有什么想法？",
        "worth_reading": "值得一读：",
        "read_more": "了解更多：",
        "link_in_bio": "链接在主页简介。",
        "facebook_intro": "分享一篇我们团队的文章：",
        "whatsapp_intro": "你好！这个你可能会感兴趣：",
        "email_greeting": "你好，",
        "email_intro": "想和你分享这篇文章：",
        "audience": "特别推荐给{audience}。",
    },
    "ar": {
        "question": "ما رأيك؟",
        "take": "ما وجهة نظرك؟",
        "worth_reading": "يستحق القراءة:",
        "read_more": "اقرأ المزيد:",
        "link_in_bio": "الرابط في الملف الشخصي.",
        "facebook_intro": "أشارككم هذا من فريقنا:",
        "whatsapp_intro": "مرحبًا! أظن أن هذا قد يهمك:",
        "email_greeting": "مرحبًا،",
        "email_intro": "أردت أن أشارك هذا معك:",
        "audience": "مفيد بشكل خاص لـ{audience}.",
    },
    "he": {
        "question": "מה דעתכם?",
        "take": "איך אתם רואים את זה?",
        "worth_reading": "שווה קריאה:",
        "read_more": "לקריאה נוספת:",
        "link_in_bio": "הקישור בביו.",
        "facebook_intro": "שיתוף מהצוות שלנו:",
        "whatsapp_intro": "היי! חשבתי שזה יעניין אותך:",
        "email_greeting": "שלום,",
        "email_intro": "רציתי לשתף אותך בזה:",
        "audience": "רלוונטי במיוחד ל{audience}.",
    },
}

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and is are to of for with we our this that you it in on".split()),
    "sv": frozenset("och att det är för med som inte på vi en ett av till har vår hur".split()),
    "de": frozenset("und der die das ist nicht mit für wir ein eine zu auf von den wie".split()),
    "fr": frozenset("le la les et est des pour une dans nous du que qui pas sur avec".split()),
    "es": frozenset("el la los las y es para una en que por del con nuestro cómo más".split()),
}
_PERSIAN_LETTERS = frozenset("پچژگکی")


def phrase(language: str, key: str, **values: str) -> str:
    """The fixed phrase ``key`` in ``language`` (English if the language has no phrases)."""
    table = PHRASES.get(language, PHRASES[DEFAULT_LANGUAGE])
    return table[key].format(**values)


def normalize_language(code: str | None) -> str | None:
    """``"sv-SE"`` -> ``"sv"``; None for codes without phrases."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].casefold()
    return base if base in PHRASES else None


def detect_language(text: str) -> str:
    """Guess the language of ``text`` among those with phrases; English when unsure.

    Scripts decide first (kana: Japanese; Han without kana: Chinese; Arabic, Hebrew),
    then, for Latin text, the most frequent common short words (Swedish, German, French,
    Spanish, English).
    """
    scripts = Counter(_script(ch) for ch in text[:4000] if ch.isalpha())
    letters = sum(scripts.values())
    if not letters:
        return DEFAULT_LANGUAGE
    if scripts["kana"] >= max(1, letters * 0.05):
        return "ja"
    if scripts["han"] >= letters * 0.3:
        return "zh"
    if scripts["arabic"] >= letters * 0.5:
        return DEFAULT_LANGUAGE if _PERSIAN_LETTERS & set(text) else "ar"
    if scripts["hebrew"] >= letters * 0.5:
        return "he"
    if scripts["latin"] >= letters * 0.5:
        return _latin_language(text)
    return DEFAULT_LANGUAGE


def _script(char: str) -> str:
    code = ord(char)
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F:
        return "han"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0590 <= code <= 0x05FF:
        return "hebrew"
    if "LATIN" in unicodedata.name(char, ""):
        return "latin"
    return "other"


def _latin_language(text: str) -> str:
    words = Counter(re.findall(r"\w+", text[:4000].casefold()))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == DEFAULT_LANGUAGE))
    return best if scores[best] >= 2 else DEFAULT_LANGUAGE
