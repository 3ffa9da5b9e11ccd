"""Template filters and globals.

Dates and numbers are written for the page's language (hub.i18n): ``29 Nov 2026`` in English,
``29 nov. 2026`` in Swedish, ``29.11.2026`` in German; ``1,234`` / ``1 234`` / ``1.234``. Times are
always UTC, and say so. Machine formats (``iso``, ``<time datetime>``, CSV, feeds) never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal, format_percent
from flask import Flask, current_app
from flask_babel import get_locale
from markupsafe import Markup, escape

from hub.lib.timeutil import iso

# English keeps hub's own day-first style (CLDR's would be "Nov 29, 2026, 2:05 PM"); the other
# languages use their CLDR medium date and short (24-hour) time.
_ENGLISH = {"medium": "dd MMM y", "weekday": "EEE dd MMM y", "time": "HH:mm"}
_SKELETONS = {"weekday": "yMMMEd"}  # a style beyond CLDR's short/medium/long/full


def locale() -> Locale:
    """The page's locale (English outside a request)."""
    return get_locale() or Locale.parse("en")


def date_text(value: date | datetime | None, style: str = "medium") -> str:
    """A date (or a datetime, shown in UTC) in the page's language: ``medium`` (29 Nov 2026,
    29 nov. 2026, 29.11.2026), ``short``, ``long``, ``full`` or ``weekday`` (Sun 29 Nov 2026)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    here = locale()
    if here.language == "en" and style in _ENGLISH:
        return format_date(value, _ENGLISH[style], locale=here)
    if style in _SKELETONS:
        return format_skeleton(_SKELETONS[style], value, locale=here)
    return format_date(value, style, locale=here)


def datetime_text(value: datetime | None) -> str:
    """A moment in UTC, saying so: ``29 Nov 2026, 14:05 UTC``, ``29 nov. 2026 14:05 UTC``."""
    if not value:
        return ""
    value = value.astimezone(UTC)
    here = locale()
    time = format_time(value, _ENGLISH["time"] if here.language == "en" else "short", tzinfo=UTC, locale=here)
    pattern = here.datetime_formats["medium"]
    return str(pattern).replace("{1}", date_text(value)).replace("{0}", time) + " UTC"


def number(value: int | float | Decimal | None, digits: int | None = None) -> str:
    """A number with the language's separators (1,234.5 / 1 234,5 / 1.234,5); ``digits``: exactly so
    many decimals. ``–`` for none."""
    if value is None:
        return "–"
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=locale())


def percent(share: float | Decimal | None) -> str:
    """A share (0.125) as a whole percentage in the language's style: ``13%``, ``13 %``; ``–`` for none."""
    if share is None:
        return "–"
    whole = round(float(share) * 100)  # as Jinja's ``round`` did here before
    return format_percent(Decimal(whole) / 100, locale=locale())


def midsentence(label: object) -> str:
    """A label (a status: "Draft (unpublished)") set inside a sentence: lower case, as English and
    Swedish write it there, but as it is in German, which capitalises its nouns everywhere."""
    text = str(label)
    return text if locale().language == "de" else text[:1].lower() + text[1:]


def bdi(text: object) -> Markup:
    """``text`` (a person's or an account's name) escaped and isolated: ``<bdi>…</bdi>``, so a
    right-to-left name does not reorder the sentence around it."""
    return Markup("<bdi>%s</bdi>") % (text,)


@dataclass(frozen=True)
class Sentence:
    """A sentence hub writes into a history, in the reader's language: ``text`` is translated but
    not yet filled in (``_("Requested by %(name)s.")``, no values given), ``values`` go into it, and
    those named in ``names`` are names (people's, accounts') that the page sets in ``<bdi>``.

    As HTML the translated text is escaped like any text (never trusted as markup) and so is each
    value; the only markup is the ``<bdi>`` around names. As ``str`` it is plain text.
    """

    text: str
    values: Mapping[str, object] = field(default_factory=dict)
    names: frozenset[str] = frozenset()

    def html(self) -> Markup:
        if not self.values:
            return escape(self.text)
        return escape(self.text) % {k: bdi(v) if k in self.names else v for k, v in self.values.items()}

    def __str__(self) -> str:
        return self.text % dict(self.values) if self.values else self.text


def _joined(said: str) -> str:
    """What goes between hub's sentence and a person's note: a space after a full stop, else ". "."""
    return " " if said.rstrip().endswith((".", "!", "?", "。")) else ". "


def note_html(said: Sentence | None, typed: str | None) -> Markup:
    """A history row's note as HTML: hub's own sentence (``said``, in the reader's language), then
    what a person typed (``typed``, verbatim and escaped). Empty Markup when there is neither."""
    typed = typed or ""
    if said is None:
        return escape(typed)
    html = said.html()
    return html + _joined(str(html)) + typed if typed else html


def note_text(said: Sentence | None, typed: str | None) -> str:
    """``note_html`` as plain text (no ``<bdi>``, nothing escaped)."""
    typed = typed or ""
    if said is None:
        return typed
    text = str(said)
    return text + _joined(text) + typed if typed else text


def init_app(app: Flask) -> None:
    """Register the ``date``, ``datetime``, ``number``, ``percent`` and ``iso`` filters and the site globals."""
    app.add_template_filter(date_text, "date")
    app.add_template_filter(datetime_text, "datetime")
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(midsentence, "midsentence")
    app.add_template_filter(lambda v: iso(v) if v else "", "iso")
    app.add_template_global(lambda: str(locale()), "page_language")  # <html lang>: the interface's language

    @app.context_processor
    def _site() -> dict[str, object]:
        return {"site_name": current_app.config["SITE_NAME"], "site_tagline": current_app.config["SITE_TAGLINE"],
                "base_url": current_app.config["BASE_URL"]}
