"""The share studio's JSON endpoints, once for every share target.

A post's share page (hub.sharing.views) and a library item's page (hub.library.views) run the
same studio (templates/sharing/_studio.html, static/js/share.js): own words saved as they are
typed, texts measured and checked while edited, a person's own version kept or reset, and one
share event per action. A view loads its target, checks who may see it, and hands over a
``StudioTarget`` that says how to reach that target's links, words, texts and events and how its
cards and similarity warnings are built; the forms, checks and answers live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from hub import platforms
from hub.db import get_session
from hub.errors import ValidationError
from hub.i18n import _
from hub.sharing import queries, services
from hub.sharing.forms import OwnWordsForm, ShareEventForm, ShareTextForm
from hub.sharing.models import OwnWords, ShareLink

MEASURE_MAX = 70_000  # characters per text: above any platform's limit, and keeps counting cheap


class StudioTarget(Protocol):
    """What the studio shares, seen by the signed-in person (a post, or a library item)."""

    def links(self, session: Session) -> Mapping[str, ShareLink]:
        """The person's tracked link per platform (made on first use)."""
        ...

    def own_words(self, session: Session) -> str: ...

    def save_own_words(self, session: Session, words: str) -> OwnWords: ...

    def save_text(self, session: Session, platform: str, text: str, subject: str | None, link: str | None) -> object:
        ...

    def reset_text(self, session: Session, platform: str) -> None: ...

    def record_event(self, session: Session, platform: str, kind: str) -> object: ...

    def cards(self, session: Session, words: str) -> tuple[list[queries.Card], list[queries.Warning]]:
        """The person's cards around ``words``, and the similarity warnings on them that matter to them."""
        ...

    def warnings(self, session: Session, texts: dict[str, str], words: str) -> list[queries.Warning]:
        """The similarity warnings on ``texts`` being edited that matter to the person."""
        ...


def _first_error(form: OwnWordsForm | ShareTextForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Please check what you typed.")


def _link(links: Mapping[str, ShareLink], platform: str) -> str | None:
    return queries.link_url(current_app.config["BASE_URL"], links[platform].code) if platform in links else None


def cards_json(target: StudioTarget, session: Session, words: str) -> dict[str, object]:
    cards, warnings = target.cards(session, words)
    return {"cards": {c.platform: c.as_json() for c in cards}, "warnings": [w.as_json() for w in warnings]}


def save_words(target: StudioTarget) -> ResponseReturnValue:
    """Save the person's own words as they type, and answer with every card rebuilt around them
    (texts the person wrote themselves stay as they are)."""
    form = OwnWordsForm()
    if not form.validate():
        return jsonify(error="invalid", field="own_words", message=_first_error(form), fields=form.errors), 422
    db = get_session()
    try:
        row = target.save_own_words(db, form.words.data or "")
    except ValidationError as exc:
        db.rollback()
        return jsonify(error="invalid", field=exc.field, message=exc.message), 422
    return jsonify(saved=True, words=row.words, **cards_json(target, db, row.words))


def measure(target: StudioTarget) -> ResponseReturnValue:
    """Counts, limits, share screens, problems and similarity warnings for texts being edited."""
    texts = {k[5:]: v[:MEASURE_MAX] for k, v in request.form.items()
             if k.startswith("text-") and k[5:] in platforms.PLATFORMS}
    db = get_session()
    links = target.links(db)
    result: dict[str, dict[str, object]] = {}
    for pid, text in texts.items():
        count, limit = platforms.measure(pid, text), services.limit_for(current_user, pid)
        url = queries.link_url(current_app.config["BASE_URL"], links[pid].code)
        result[pid] = {
            "count": count,
            "limit": limit,
            "ok": count <= limit,
            "intent": queries.intent_for(current_user, pid, text, url, request.form.get(f"subject-{pid}") or None),
            "problems": services.text_problems(current_user, pid, text, link=url),
        }
    warnings = target.warnings(db, texts, target.own_words(db))
    return jsonify(platforms=result, warnings=[w.as_json() for w in warnings])


def save_text(target: StudioTarget) -> ResponseReturnValue:
    """Keep the person's own version of one platform's text (refused, with the reason, when it
    could not be posted as it is)."""
    form = ShareTextForm()
    if not form.validate():  # the card shows the message, and keeps the text
        return jsonify(error="invalid", fields=form.errors, message=_first_error(form)), 422
    db = get_session()
    platform = form.platform.data
    try:
        target.save_text(db, platform, form.text.data or "", form.subject.data, _link(target.links(db), platform))
    except ValidationError as exc:
        db.rollback()
        return jsonify(error="invalid", field=exc.field, message=exc.message), 422
    return jsonify(saved=True)


def reset_text(target: StudioTarget) -> ResponseReturnValue:
    """Forget the person's own text for one platform; answers with the card hub offers instead."""
    form = ShareTextForm()
    if not form.validate():
        return jsonify(error="invalid", fields=form.errors), 422
    db = get_session()
    try:
        target.reset_text(db, form.platform.data)
    except ValidationError as exc:
        db.rollback()
        return jsonify(error="invalid", message=exc.message), 422
    return jsonify(reset=True, **cards_json(target, db, target.own_words(db)))


def record_event(target: StudioTarget) -> ResponseReturnValue:
    """One share (a copy, a share screen opened, or the phone's share sheet): recorded once, and
    the text shared kept as the person's. A text that could not be posted as it is (without the
    person's tracked link, over the limit, Threads' tags and links) is refused: not counted."""
    form = ShareEventForm()
    if not form.validate():
        return jsonify(error="invalid", fields=form.errors), 422
    db = get_session()
    platform, text = form.platform.data, form.text.data
    try:
        if text and platform in platforms.PLATFORMS:  # checked before anything is written
            target.save_text(db, platform, text, form.subject.data, _link(target.links(db), platform))
        target.record_event(db, platform, form.kind.data)
    except ValidationError as exc:
        db.rollback()
        return jsonify(error="invalid", field=exc.field, message=exc.message), 422
    return jsonify(recorded=True, kept=bool(text))
