"""The interface's languages (Flask-Babel): English, Swedish and German.

Every string a person reads in hub's pages, forms, flash messages and e-mails is marked:
``{{ _("...") }}`` or ``{% trans %}`` in templates, ``_()`` (at request time) or ``_l()`` (module
level: form labels, choices) in Python, ``_n()`` for plurals (``ngettext`` in templates).
``make translations`` extracts them into ``hub/translations/messages.pot``, merges that into
the Swedish and German catalogues and compiles them; ``tests/test_i18n.py`` fails on any
string either catalogue leaves untranslated.

The words people write (posts, share texts, topics) are content, not interface: they keep the
language they were written in (``hub.posts.language``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import Babel
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext as _n

__all__ = ["LANGUAGES", "KEYWORDS", "_", "_l", "_n", "init_app", "select_locale", "translations_dir"]

# The interface's languages, each named in itself (a language menu lists them so).
LANGUAGES: dict[str, str] = {"en": "English", "sv": "Svenska", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

# What extraction reads as a translatable string, besides Babel's defaults (_, gettext, ngettext...).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_l": None, "lazy_gettext": None, "_n": (1, 2)}


def translations_dir() -> Path:
    """``hub/translations``: one ``<lang>/LC_MESSAGES/messages.po`` (and its compiled ``.mo``) per language."""
    return Path(__file__).with_name("translations")


def select_locale() -> str:
    """The signed-in person's chosen language, else the browser's best match, else English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    from flask_login import current_user

    chosen = getattr(current_user, "language", None) if current_user.is_authenticated else None
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def init_app(app: Flask) -> None:
    """Attach Flask-Babel with hub's locale selector and its catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    Babel(app, locale_selector=select_locale, default_translation_directories=str(translations_dir()))
