"""The interface in English, Swedish and German: every marked string translated in both catalogues
(extracted here from the source as it is, with babel.cfg and hub.i18n.KEYWORDS), placeholders kept,
each person's language chosen in their profile (else the browser's), dates and numbers written for
the language, and mail and chat messages in their recipient's language."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from flask import render_template_string
from flask_babel import get_locale

from hub import i18n

ROOT = Path(__file__).resolve().parents[1]
TARGETS = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _extracted() -> dict[object, tuple[object, list[str]]]:
    """Every marked string in hub/ and templates/: {key: (msgid, [files])}."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)

    def sources_only(path: str) -> bool:  # nothing outside hub/ and templates/ can match babel.cfg
        parts = Path(path).relative_to(ROOT).parts  # templates/_macros included: Babel's default skips it
        return bool(parts) and parts[0] in ("hub", "templates") and parts[-1] not in ("__pycache__",) \
            and not parts[-1].startswith(".")

    found: dict[object, tuple[object, list[str]]] = {}
    for filename, _line, msgid, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, **i18n.KEYWORDS}, directory_filter=sources_only
    ):
        key = ((msgid[0] if isinstance(msgid, tuple) else msgid), context)
        found.setdefault(key, (msgid, []))[1].append(filename)
    return found


def _catalogue(code: str) -> Catalog:
    with (i18n.translations_dir() / code / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=code)


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


@pytest.mark.parametrize("code", TARGETS)
def test_every_interface_string_is_translated(code: str) -> None:
    """Fails listing each marked string the catalogue lacks, leaves empty (any plural form) or marks
    fuzzy. After marking new strings: `make translations`, translate, run this again."""
    catalog = _catalogue(code)
    problems = []
    for (singular, context), (msgid, files) in sorted(_extracted().items(), key=lambda kv: str(kv[0])):
        entry = catalog.get(singular, context)
        where = ", ".join(sorted(set(files))[:3])
        if entry is None:
            problems.append(f"missing   {singular!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy     {singular!r} ({where})")
        elif not all(_forms(entry)) or isinstance(msgid, tuple) != isinstance(entry.id, (list, tuple)):
            problems.append(f"empty     {singular!r} ({where})")
    assert not problems, (f"{len(problems)} interface string(s) not translated in {code} "
                          f"(`make translations` adds them to the catalogue):\n" + "\n".join(problems))


@pytest.mark.parametrize("code", TARGETS)
def test_translations_keep_every_placeholder(code: str) -> None:
    """%(name)s in the English must be in the translation (else rendering raises KeyError, or a
    value goes missing); plurals: every form, though a singular may say "one" instead of %(num)d."""
    catalog = _catalogue(code)
    assert catalog.num_plurals == 2, catalog.plural_forms
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy or not all(_forms(message)):
            continue
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for n, form in enumerate(_forms(message)):
            got = set(PLACEHOLDER.findall(form))
            allowed = {frozenset(wanted)} | ({frozenset(wanted - {"num"})} if len(ids) > 1 and n == 0 else set())
            if frozenset(got) not in allowed:
                problems.append(f"{ids[0]!r} form {n}: {sorted(got)} instead of {sorted(wanted)}")
    problems += [f"{m.id!r}: {err}" for m, errors in catalog.check() for err in errors]
    assert not problems, "\n".join(problems)


def test_the_catalogue_hub_serves_is_the_po_file_as_it_is() -> None:
    """hub compiles each .po in memory (no .mo to go stale): every translated entry is served,
    fuzzy ones are not."""
    for code in TARGETS:
        served = i18n.catalogue(code)
        for message in _catalogue(code):
            if not message.id or isinstance(message.id, (list, tuple)) or not message.string:
                continue
            got = served.pgettext(message.context, message.id) if message.context else served.gettext(message.id)
            assert got == (message.id if message.fuzzy else message.string), (message.context, message.id)


def test_a_changed_po_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "sv" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    for text in ("Ämnen", "Teman"):
        catalog = Catalog(locale="sv")
        catalog.add("Topics", text)
        catalog.add("Sign out", "Logga ut", flags=["fuzzy"])
        with path.open("wb") as fp:
            write_po(fp, catalog)
        served = i18n.catalogue("sv", [str(tmp_path)])
        assert served.gettext("Topics") == text
        assert served.gettext("Sign out") == "Sign out"  # fuzzy: a guess is never shown


# --- translations.py: update and merge-parts ----------------------------------------------------


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _write(path: Path, code: str, entries: dict[Any, Any], fuzzy: tuple[str, ...] = ()) -> None:
    catalog = Catalog(locale=code)
    for msgid, text in entries.items():
        catalog.add(msgid, text, flags=["fuzzy"] if (msgid if isinstance(msgid, str) else msgid[0]) in fuzzy else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fp:
        write_po(fp, catalog)


@pytest.fixture
def tiny_source(tmp_path: Path) -> Path:
    """A checkout in miniature: babel.cfg, one module and one template."""
    (tmp_path / "hub").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "babel.cfg").write_text((ROOT / "babel.cfg").read_text())
    (tmp_path / "hub" / "forms.py").write_text(
        'from hub.i18n import _, _l, _n\nLABEL = _l("Title")\n\n\ndef f(n):\n'
        '    return _("Saved %(name)s", name="x"), _n("%(num)d click", "%(num)d clicks", n)\n')
    (tmp_path / "templates" / "page.html").write_text('<h1>{{ _("Topics") }}</h1>{% trans %}Hello {{ name }}{% endtrans %}')
    (tmp_path / "templates" / "_macros").mkdir()
    (tmp_path / "templates" / "_macros" / "m.html").write_text('{% macro m() %}{{ _("Untitled") }}{% endmacro %}')
    (tmp_path / "tests").mkdir()  # outside babel.cfg's patterns: never read
    (tmp_path / "tests" / "x.py").write_text('_("Not interface")\n')
    return tmp_path


def test_update_extracts_keeps_translations_and_merge_parts_fills_the_rest(tiny_source: Path, tmp_path: Path) -> None:
    script = _script()
    translations = tmp_path / "translations"
    _write(translations / "sv" / "LC_MESSAGES" / "messages.po", "sv", {"Topics": "Ämnen", "Gone": "Borta"})
    catalogs = script.update(translations, tiny_source)
    with (translations / "messages.pot").open("rb") as fp:
        pot = read_po(fp)
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in pot if m.id} == {
        "Title", "Saved %(name)s", "%(num)d click", "Topics", "Hello %(name)s", "Untitled"}
    sv, de = catalogs["sv"], catalogs["de"]
    assert sv.get("Topics").string == "Ämnen" and sv.get("Gone") is None  # kept; dropped with its source
    assert set(script.untranslated(sv)) == {"Title", "Saved %(name)s", "%(num)d click", "Hello %(name)s", "Untitled"}
    assert len(script.untranslated(de)) == 6 and de.num_plurals == 2

    parts = tmp_path / "parts"
    _write(parts / "a.sv.po", "sv", {"Title": "", "Saved %(name)s": "Sparade %(name)s", "Topics": "Teman",
                                     "Old string": "Gammal"})
    _write(parts / "b.sv.po", "sv", {"Title": "Rubrik", "Saved %(name)s": "Sparat %(name)s",
                                     ("%(num)d click", "%(num)d clicks"): ("%(num)d klick", "%(num)d klick"),
                                     "Hello %(name)s": "Hej %(name)s"}, fuzzy=("Hello %(name)s",))
    report = script.merge_parts(catalogs, parts)
    assert sv.get("Title").string == "Rubrik"  # a's empty entry does not count: b's fills it
    assert sv.get("Saved %(name)s").string == "Sparade %(name)s"  # first non-empty wins...
    assert any("Saved %(name)s" in c and "b.sv.po" in c for c in report.conflicts)  # ...and the other is reported
    assert sv.get("Topics").string == "Ämnen"  # a translation already in the catalogue stays
    assert sv.get("%(num)d click").string == ("%(num)d klick", "%(num)d klick")
    assert set(script.untranslated(sv)) == {"Hello %(name)s", "Untitled"}  # a fuzzy part entry is no translation
    assert report.filled == {"sv": 3, "de": 0} and report.unused["sv"] == 1
    assert script.placeholder_problems(sv) == []
    sv.get("Saved %(name)s").string = "Sparade %(namn)s"
    assert len(script.placeholder_problems(sv)) == 1


# --- choosing the language -------------------------------------------------------------------------


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_the_browser_chooses_for_readers_and_caches_are_told(client, make_post) -> None:
    post = make_post(title="Hello", publish=True)
    for header, expected in [("sv", "sv"), ("sv-SE,sv;q=0.9,en;q=0.5", "sv"), ("de-AT, en;q=0.1", "de"),
                             ("fr, pt", "en"), ("", "en")]:
        response = client.get(f"/p/{post.id}-hello", headers={"Accept-Language": header} if header else {})
        assert _lang(response.get_data(as_text=True)) == expected, header
        assert "Accept-Language" in response.vary, header  # a proxy keeps one copy per language
        assert "Set-Cookie" not in response.headers and response.cache_control.public
    swedish = client.get(f"/p/{post.id}-hello", headers={"Accept-Language": "sv"})
    english = client.get(f"/p/{post.id}-hello", headers={"Accept-Language": "en"})
    assert swedish.headers["ETag"] != english.headers["ETag"]  # a Swedish copy never revalidates an English one
    again = client.get(f"/p/{post.id}-hello", headers={"Accept-Language": "sv", "If-None-Match": swedish.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "de"}])
def test_the_site_language_is_for_browsers_that_ask_for_none_hub_speaks(client, app_config) -> None:
    assert _lang(client.get("/login").get_data(as_text=True)) == "de"
    assert _lang(client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)) == "de"
    assert _lang(client.get("/login", headers={"Accept-Language": "sv"}).get_data(as_text=True)) == "sv"


def test_the_profile_language_beats_the_browser(client, auth, session, make_user) -> None:
    person = auth.login(make_user())
    swedish_browser = {"Accept-Language": "sv"}
    page = client.get("/profile", headers=swedish_browser).get_data(as_text=True)
    assert _lang(page) == "sv" and "Logga ut" in page  # no choice yet: the browser's
    assert re.search(r'<option selected value="">Webbläsarens språk</option>', page)

    response = client.post("/profile", data={"display_name": person.display_name, "language": "de"},
                           headers=swedish_browser)
    assert response.status_code == 302
    assert session.get(type(person), person.id).language == "de"
    page_response = client.get("/profile", headers=swedish_browser)
    page = page_response.get_data(as_text=True)
    assert _lang(page) == "de" and "Abmelden" in page and "Meine Beiträge" in page
    assert '<option lang="de" selected value="de">Deutsch</option>' in page
    assert "Accept-Language" not in page_response.vary  # the browser played no part

    client.post("/profile", data={"display_name": person.display_name, "language": ""}, headers=swedish_browser)
    assert session.get(type(person), person.id).language is None  # back to the browser's
    assert _lang(client.get("/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)) == "en"


def test_the_profile_offers_only_hubs_languages(client, auth, session, make_user) -> None:
    from hub.auth import services
    from hub.errors import ValidationError

    person = auth.login(make_user())
    response = client.post("/profile", data={"display_name": person.display_name, "language": "fr"})
    assert response.status_code == 200 and session.get(type(person), person.id).language is None
    with pytest.raises(ValidationError) as refused:
        services.update_profile(session, person, person, services.Profile(person.display_name, "", "", {}, language="xx"))
    assert refused.value.field == "language"
    services.update_profile(session, person, person, services.Profile(person.display_name, "", "", {}, language="sv"))
    assert person.language == "sv"
    services.update_profile(session, person, person, services.Profile(person.display_name, "", "", {}))
    assert person.language == "sv"  # not given: left as it is


# --- dates and numbers -------------------------------------------------------------------------


FORMATS = "{{ day|date }}|{{ moment|datetime }}|{{ day|date('weekday') }}|{{ 1234567|number }}|{{ 0.5|number(2) }}|{{ 0.125|percent }}|{{ 0.875|percent }}"


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "05 Nov 2026|29 Nov 2026, 14:05 UTC|Thu 05 Nov 2026|1,234,567|0.50|12%|88%"),
    ("sv", "5 nov. 2026|29 nov. 2026 14:05 UTC|tors 5 nov. 2026|1\xa0234\xa0567|0,50|12\xa0%|88\xa0%"),
    ("de", "05.11.2026|29.11.2026, 14:05 UTC|Do., 5. Nov. 2026|1.234.567|0,50|12\xa0%|88\xa0%"),
])
def test_dates_and_numbers_are_written_for_the_language(app, code: str, expected: str) -> None:
    with app.test_request_context(headers={"Accept-Language": code}):
        moment = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
        assert render_template_string(FORMATS, day=date(2026, 11, 5), moment=moment) == expected
        assert render_template_string("{{ m|iso }}", m=moment) == "2026-11-29T14:05:00Z"  # machines read this


def test_a_dashboard_shows_its_dates_in_the_persons_language(client, auth, session, make_user) -> None:
    person = make_user()
    person.language = "sv"
    session.commit()
    auth.login(person)

    page = client.get("/insights/me?start=2026-11-01&end=2026-11-29", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 nov. 2026" in html and "29 nov. 2026" in html and "sön 29 nov. 2026" in html
    assert 'datetime="2026-11-29"' in html  # the machine-readable date stays ISO


# --- mail and chat in the recipient's language ---------------------------------------------------


@pytest.fixture
def languages_seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """(recipient, language) for each mail queued: the locale in force while it was written."""
    seen: list[tuple[str, str]] = []
    from hub.outbox import services as outbox

    real = outbox.queue_mail

    def recording(session: Any, *, to: str, subject: str, body: str) -> Any:
        seen.append((to, str(get_locale())))
        return real(session, to=to, subject=subject, body=body)

    for module in ("hub.auth.views", "hub.channels.views", "hub.outbox.services"):
        monkeypatch.setattr(f"{module}.queue_mail", recording)
    yield seen


def test_a_password_reset_mail_is_written_in_the_persons_language(client, session, make_user, languages_seen) -> None:
    german, undecided = make_user(email="de@example.com"), make_user(email="any@example.com")
    german.language = "de"
    session.commit()
    for person in (german, undecided):
        client.post("/password/forgot", data={"email": person.email}, headers={"Accept-Language": "sv"})
    assert languages_seen == [("de@example.com", "de"), ("any@example.com", "sv")]


def test_digests_are_written_in_each_readers_language(runner, session, make_user, languages_seen, monkeypatch) -> None:
    from hub.notifications import queries

    swede, other = make_user(email="sv@example.com"), make_user(email="en@example.com")
    swede.language = "sv"
    session.commit()
    monkeypatch.setattr(queries, "digests_due", lambda _db, _now: [(swede, []), (other, [])])
    written: list[tuple[str, str]] = []
    real = queries.digest_text

    def digest_text(person: Any, items: Any, **kwargs: Any) -> tuple[str, str]:
        written.append((person.email, str(get_locale())))
        return real(person, items, **kwargs)

    monkeypatch.setattr(queries, "digest_text", digest_text)
    runner.invoke(args=["send-digests"])
    assert written == [("sv@example.com", "sv"), ("en@example.com", "en")]


def test_a_requester_hears_back_in_their_language(client, auth, session, make_user, languages_seen) -> None:
    from hub.channels import services

    requester = make_user(email="asker@example.com")
    requester.language = "de"
    req = services.request_channel(session, requester, services.RequestInput("x", "Jobs", "Engineers"))
    session.commit()
    auth.login(make_user(role="comms"))
    response = client.post(f"/channels/requests/{req.id}/decline", data={"note": "Use the main account."},
                           headers={"Accept-Language": "sv"})
    assert response.status_code == 302
    assert languages_seen == [("asker@example.com", "de")]


def test_chat_messages_are_written_in_the_sites_language(app, session, monkeypatch) -> None:
    """A channel is read by many: an announcement is written in the site's language, whoever's
    browser or profile made it."""
    from hub.chat import services

    written: list[str] = []
    monkeypatch.setattr(services, "_listening", lambda *_args: [type("Hook", (), {"id": 1})()])
    monkeypatch.setattr(services, "_queue", lambda *_args, **_kwargs: True)
    monkeypatch.setattr(services, "topic_note", lambda *_args: written.append(str(get_locale())))
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert str(get_locale()) == "sv"
        services.on_topic_announced(type("Topic", (), {"area": "", "id": 1})(), session=session)
        assert str(get_locale()) == "sv"  # and the request goes on in Swedish
        with i18n.in_language(None):  # nobody's choice: the current language stays
            assert str(get_locale()) == "sv"
    app.config["BABEL_DEFAULT_LOCALE"] = "de"
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        services.on_topic_announced(type("Topic", (), {"area": "", "id": 1})(), session=session)
    assert written == ["en", "de"]


def test_a_status_inside_a_sentence_keeps_the_capital_german_gives_its_nouns(app) -> None:
    from hub.templating import midsentence

    for language, label, expected in (("en", "Draft (unpublished)", "draft (unpublished)"),
                                      ("sv", "Utkast (opublicerat)", "utkast (opublicerat)"),
                                      ("de", "Entwurf (unveröffentlicht)", "Entwurf (unveröffentlicht)")):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert midsentence(label) == expected


def test_hubs_own_history_notes_are_said_in_the_readers_language_and_trusted_as_text_only(app) -> None:
    """A note hub writes into a history is kept as facts and said in the reader's language. The
    translation is text, not markup: it is escaped as the names set into it are; only the <bdi>
    around names is markup. What a person typed comes after it, verbatim."""
    from hub.posts.models import PostEvent, PostRevision, scheduled_note, suggestion_note
    from hub.templating import Sentence, note_html, note_text

    revision = PostRevision(note="Thanks, <Cole>!", auto_note=suggestion_note("Cole & Co", "Ada", merged_with=4))
    scheduled = PostEvent(kind="scheduled", note="", auto_note=scheduled_note(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)))
    for language, moment in (("en", "01 Dec 2026, 09:00 UTC"), ("sv", "1 dec. 2026 09:00 UTC"),
                             ("de", "01.12.2026, 09:00 UTC")):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert scheduled.note_text == moment  # written as every other moment on the page
    for language, said in (
        ("en", "Suggestion by <bdi>Cole &amp; Co</bdi> accepted by <bdi>Ada</bdi> (merged with revision 4)"),
        ("sv", "Förslag från <bdi>Cole &amp; Co</bdi>, accepterat av <bdi>Ada</bdi> (sammanslaget med version 4)"),
        ("de", "Vorschlag von <bdi>Cole &amp; Co</bdi>, angenommen von <bdi>Ada</bdi> (mit Version 4 zusammengeführt)"),
    ):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert str(revision.note_html) == said + ". Thanks, &lt;Cole&gt;!"
            assert revision.note_text.endswith(". Thanks, <Cole>!") and "<bdi>" not in revision.note_text

    sly = Sentence("<b>%(name)s</b> & %(what)s", {"name": "<i>A</i>", "what": "<u>"}, frozenset({"name"}))
    assert str(note_html(sly, "")) == "&lt;b&gt;<bdi>&lt;i&gt;A&lt;/i&gt;</bdi>&lt;/b&gt; &amp; &lt;u&gt;"
    assert note_text(sly, "") == "<b><i>A</i></b> & <u>"
    assert str(note_html(None, "<typed>")) == "&lt;typed&gt;" and note_html(None, "") == ""
    assert note_text(Sentence("Requested by Ann."), "Urgent") == "Requested by Ann. Urgent"  # after a full stop: a space
