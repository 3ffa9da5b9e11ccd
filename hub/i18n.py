"""The interface's languages (Flask-Babel): English, Swedish and German.

Every string a person reads in hub's pages, forms, flash messages and e-mails is marked:
``{{ _("...") }}`` or ``{% trans %}`` in templates, ``_()`` (at request time) or ``_l()`` (module
level: form labels, choices) in Python, ``_n()`` for plurals (``ngettext`` in templates).
``make translations`` extracts them into ``hub/translations/messages.pot``, merges that into the
Swedish and German catalogues and checks them; ``tests/test_i18n.py`` fails on any string either
catalogue leaves untranslated.

The catalogues are read from their ``.po`` files and compiled in memory when a language is first
used (once per process): no compiled ``.mo`` file is kept in the repository or the wheel, so none
can go stale.

Each person's language is their profile's ``language``; without one (and for readers who are not
signed in) it is the browser's best match (``Accept-Language``), else ``BABEL_DEFAULT_LOCALE``.
Mail and chat messages are written in their recipient's language (``in_language``).

The words people write (posts, share texts, topics) are content, not interface: they keep the
language they were written in (``hub.posts.language``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, force_locale, get_babel, get_locale, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext as _n

__all__ = ["LANGUAGES", "KEYWORDS", "_", "_l", "_n", "init_app", "select_locale", "translations_dir",
           "site_language", "language_for", "in_language", "refresh"]

# The interface's languages, each named in itself (a language menu lists them so).
LANGUAGES: dict[str, str] = {"en": "English", "sv": "Svenska", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

# What extraction reads as a translatable string, besides Babel's defaults (_, gettext, ngettext...).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_l": None, "lazy_gettext": None, "_n": (1, 2)}

_FROM_BROWSER = "hub_locale_from_browser"  # set on g when Accept-Language chose this request's language


def translations_dir() -> Path:
    """``hub/translations``: one ``<lang>/LC_MESSAGES/messages.po`` per language."""
    return Path(__file__).with_name("translations")


def site_language() -> str:
    """The language for whoever has no other: ``BABEL_DEFAULT_LOCALE`` if hub speaks it, else English."""
    chosen = current_app.config.get("BABEL_DEFAULT_LOCALE") if has_app_context() else None
    return str(chosen) if chosen in LANGUAGES else DEFAULT_LANGUAGE


def language_for(person: Any) -> str:
    """The language to write to ``person`` in (mail, digests): their profile's, else the site's.
    Outside a request nobody's browser can be asked."""
    chosen = getattr(person, "language", None)
    return str(chosen) if chosen in LANGUAGES else site_language()


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Render what is inside in language ``code`` (a mail to someone, a chat message); None (or a
    language hub does not speak) keeps the current one: the request's, or the site's outside one."""
    if code in LANGUAGES:
        with force_locale(code):
            yield
    else:
        yield


def select_locale() -> str:
    """The signed-in person's chosen language, else the browser's best match, else the site's."""
    if not has_request_context():
        return site_language()
    from flask_login import current_user

    chosen = getattr(current_user, "language", None) if current_user.is_authenticated else None
    if chosen in LANGUAGES:
        return str(chosen)
    setattr(g, _FROM_BROWSER, True)
    # The browser's languages in its order of preference, each by its primary tag (de-AT is German):
    # werkzeug's best_match would rather take a weak exact "en;q=0.1" than a strong "de-AT".
    for value, _quality in request.accept_languages:
        code = value.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return site_language()


@functools.lru_cache(maxsize=16)
def _compiled(path: Path, _mtime_ns: int, locale: str) -> support.Translations:
    """A ``.po`` catalogue compiled in memory (fuzzy entries left out, as ``pybabel compile`` does)."""
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return support.Translations(fp=buffer)


def catalogue(locale: str, directories: list[str] | None = None) -> support.NullTranslations:
    """The translations for ``locale``: its ``messages.po`` compiled in memory, or a compiled
    ``messages.mo`` where there is no ``.po`` (a directory given in BABEL_TRANSLATION_DIRECTORIES)."""
    for directory in directories or [str(translations_dir())]:
        po = Path(directory) / locale / "LC_MESSAGES" / "messages.po"
        if po.is_file():
            return _compiled(po, po.stat().st_mtime_ns, locale)
        found = support.Translations.load(directory, [locale])
        if isinstance(found, support.Translations):
            return found
    return support.NullTranslations()


def warm_up(app: Flask) -> None:
    """Compile every language's catalogue now, not in the first request that needs it."""
    directories = app.extensions["babel"].translation_directories
    for code in LANGUAGES:
        catalogue(code, directories)


class _Catalogues(Domain):
    """Flask-Babel's domain, reading ``.po`` catalogues (compiled in memory) instead of only ``.mo``."""

    def get_translations(self) -> support.NullTranslations:
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        key = str(locale)
        if key not in self.cache:
            self.cache[key] = catalogue(key, get_babel().translation_directories)
        return self.cache[key]


class _Babel(Babel):
    @functools.cached_property
    def domain_instance(self) -> Domain:
        return _Catalogues(domain=self.domain)


def init_app(app: Flask) -> None:
    """Attach Flask-Babel with hub's locale selector and its catalogues; a page whose language
    came from the browser says so to caches (``Vary: Accept-Language``)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    _Babel(app, locale_selector=select_locale, default_translation_directories=str(translations_dir()))

    @app.after_request
    def _vary(response: Response) -> Response:
        if g.get(_FROM_BROWSER):
            response.vary.add("Accept-Language")
        return response
