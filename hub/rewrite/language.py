"""Which language a post is in, and the few fixed phrases share texts use."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import Any

DEFAULT_LANGUAGE = "en"

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "link_in_bio": "Link in bio.",
        "email_greeting": "Hi,",
        "hiring_nudge": "If you or someone you know might fit, I'm happy to tell you more.",
    },
    "sv": {
        "link_in_bio": "Länk i bion.",
        "email_greeting": "Hej,",
        "hiring_nudge": "Om du eller någon du känner skulle passa berättar jag gärna mer.",
    },
    "de": {
        "link_in_bio": "Link in der Bio.",
        "email_greeting": "Hallo,",
        "hiring_nudge": "Wenn du oder jemand, den du kennst, passen könnte, erzähle ich gern mehr.",
    },
    "fr": {
        "link_in_bio": "Lien en bio.",
        "email_greeting": "Bonjour,",
        "hiring_nudge": "Si toi ou quelqu’un que tu connais pourrait correspondre, je t’en dis plus avec plaisir.",
    },
    "es": {
        "link_in_bio": "Enlace en la bio.",
        "email_greeting": "Hola:",
        "hiring_nudge": "Si tú o alguien que conoces encaja, te cuento más con gusto.",
    },
    "ja": {
        "link_in_bio": "リンクはプロフィールから。",
        "email_greeting": "こんにちは。",
        "hiring_nudge": "ご本人やお知り合いで興味のある方がいれば、ぜひ詳しくお話しします。",
    },
    "zh": {
        "link_in_bio": "链接在主页简介。",
        "email_greeting": "你好，",
        "hiring_nudge": "如果你或你认识的人合适，欢迎来问我详情。",
    },
    "ar": {
        "link_in_bio": "الرابط في الملف الشخصي.",
        "email_greeting": "مرحبًا،",
        "hiring_nudge": "إذا كنت أنت أو أحد معارفك مناسبًا، يسعدني أن أخبرك بالمزيد.",
    },
    "he": {
        "link_in_bio": "הקישור בביו.",
        "email_greeting": "שלום,",
        "hiring_nudge": "אם זה מתאים לך או למישהו שאתם מכירים, אשמח לספר עוד.",
    },
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
    """The language of ``text`` as an ISO 639-1 code; English when unsure.

    Scripts decide first (kana: Japanese; Han without kana: Chinese; Arabic, Hebrew), then
    the maintained identifier py3langid. The result may be a language without phrases of
    its own (``phrase`` then uses English's); Persian is told from Arabic by its letters.
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
        return "fa" if _PERSIAN_LETTERS & set(text) else "ar"
    if scripts["hebrew"] >= letters * 0.5:
        return "he"
    return _latin_language(text)


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


@functools.cache
def _identifier() -> Any:
    """py3langid's model (about a second to load, once per process, on first use)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def load_model() -> None:
    """Load py3langid's model now (a worker's warm-up), not in the first save that detects a language."""
    _identifier()


def _latin_language(text: str) -> str:
    """The language py3langid finds (any of its 97, so Italian is Italian, not Spanish);
    English for text too short to tell."""
    sample = text[:4000]
    if len(re.findall(r"\w+", sample)) < 3:
        return DEFAULT_LANGUAGE
    code, _score = _identifier().classify(sample)
    return str(code)


# Languages written right to left (ISO 639-1 and the few 639-3 codes py3langid may give).
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ug", "ku", "ckb", "sd"})

# Open Graph locales (language_TERRITORY) where the territory is not the language code in capitals.
_OG_TERRITORY = {
    "en": "US", "ar": "AR", "he": "IL", "fa": "IR", "ur": "PK", "ja": "JP", "zh": "CN", "sv": "SE", "da": "DK",
    "ko": "KR", "el": "GR", "uk": "UA", "cs": "CZ", "hi": "IN", "bn": "IN", "ta": "IN", "te": "IN", "ml": "IN",
    "vi": "VN", "nb": "NO", "nn": "NO", "no": "NO", "et": "EE", "sl": "SI", "sr": "RS", "ka": "GE", "hy": "AM",
    "kk": "KZ", "ms": "MY", "ca": "ES", "eu": "ES", "gl": "ES", "sq": "AL", "be": "BY", "ga": "IE", "cy": "GB",
    "af": "ZA", "sw": "KE", "tl": "PH", "ps": "AF", "pt": "PT", "lb": "LU", "mt": "MT", "ky": "KG", "ne": "NP",
}


def text_direction(language: str | None) -> str:
    """"rtl" for a language written right to left, else "ltr"."""
    return "rtl" if (language or "").split("-")[0].casefold() in RTL_LANGUAGES else "ltr"


def og_locale(language: str | None) -> str:
    """The Open Graph locale for a language code: "ar" -> "ar_AR", "sv" -> "sv_SE", "it" -> "it_IT"."""
    code = (language or DEFAULT_LANGUAGE).split("-")[0].casefold()
    if not re.fullmatch(r"[a-z]{2,3}", code):
        code = DEFAULT_LANGUAGE
    return f"{code}_{_OG_TERRITORY.get(code, code.upper())}"
