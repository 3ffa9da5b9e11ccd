"""The library's pages: the list, adding an article (with its fetched preview), an item's page
with the sharing studio, the feeds and their waiting items, and the bookmarklet."""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from hub import platforms
from hub.db import get_session
from hub.errors import PermissionDenied, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.inputs import arg_int, arg_page
from hub.library import queries, services
from hub.library.forms import EditItemForm, FeedForm, ItemForm, PickForm
from hub.library.models import ItemState, LibraryItem
from hub.sharing import endpoints
from hub.sharing import services as sharing
from hub.sharing.forms import OwnWordsForm, ShareTextForm
from hub.sharing.models import OwnWords, ShareLink
from hub.sharing.queries import Card, Warning, item_similarity_warnings, networks, studio
from hub.web import show_error

bp = Blueprint("library", __name__, url_prefix="/library", cli_group="library")


def _topics(form: ItemForm | EditItemForm) -> None:
    form.topic_id.choices = [("", _("No topic")), *((str(i), t) for i, t in queries.topic_choices(get_session()))]


@bp.get("")
@login_required
def index():
    db = get_session()
    page = arg_page()
    topic_id = arg_int("topic", 0, min=0) or None
    topic = queries.get_topic(db, topic_id) if topic_id else None
    found = queries.items(db, topic_id=topic_id, limit=queries.PAGE_SIZE + 1, offset=(page - 1) * queries.PAGE_SIZE)
    form = ItemForm()
    return render_template("library/index.html", items=found[: queries.PAGE_SIZE], page=page, topic=topic,
                           has_next=len(found) > queries.PAGE_SIZE, form=form,
                           waiting=queries.waiting_count(db) if current_user.is_comms else 0)


def _input(form: ItemForm) -> services.ItemInput:
    return services.ItemInput(
        url=form.url.data or "", title=form.title.data or "", comment=form.comment.data or "",
        description=form.description.data or "", image_url=form.image_url.data or "",
        language=form.language.data or "", site_name=form.site_name.data or "", topic_id=form.topic_id.data,
        use_utm=bool(form.use_utm.data), fetched=form.fetched.data == "1")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Paste a URL; "Fetch preview" reads the page (the one fetch inside a request, bounded by
    LIBRARY_FETCH_TIMEOUT_SECONDS) and fills the card; "Add" keeps what the form holds. The
    bookmarklet opens this page with ``?url=…&title=…`` of the page the person is reading."""
    form = ItemForm()
    _topics(form)
    preview_error = ""
    if request.method == "GET":
        form.url.data = (request.args.get("url") or "")[: services.URL_MAX]
        form.title.data = " ".join((request.args.get("title") or "").split())[: services.TITLE_MAX]
    elif form.validate_on_submit():
        if request.form.get("action") == "preview":
            preview_error = _fill_preview(form)
        else:
            try:
                item = services.add_item(get_session(), current_user, _input(form))
            except ValidationError as exc:
                show_error(form, exc)
            else:
                flash(_("In the library. Share it in your own words below."), "success")
                return redirect(url_for("library.item", item_id=item.id))
    return render_template("library/new.html", form=form, preview_error=preview_error)


def _fill_preview(form: ItemForm) -> str:
    """Fill the card from the page at the form's URL; the reason it could not, or empty."""
    try:
        found = services.preview(form.url.data or "", services.FetchSettings.from_config(current_app.config),
                                 actor=current_user)
    except ValidationError as exc:
        form.fetched.data = ""
        return exc.message
    form.url.data = found.url
    form.title.data = found.title or form.title.data
    form.description.data, form.image_url.data = found.description, found.image
    form.language.data, form.site_name.data, form.fetched.data = found.language, found.site_name, "1"
    return ""


def _load(item_id: int) -> LibraryItem:
    item = queries.get_item(get_session(), item_id)
    if item.state == ItemState.ACTIVE:
        return item
    if item.state in (ItemState.SUGGESTED, ItemState.DISMISSED) and current_user.is_comms:
        return item
    abort(404)


def _cards(item: LibraryItem, words: str) -> tuple[list[Card], list[Warning]]:
    db = get_session()
    links = services.links_for(db, item, current_user)
    disclosure = sharing.get_setting(db, sharing.DISCLOSURE_KEY)
    cards = queries.cards(db, item, current_user, links, current_app.config["BASE_URL"], disclosure, words=words)
    return cards, _warnings(db, item, {c.platform: c.text for c in cards}, words, disclosure)


def _warnings(db: Session, item: LibraryItem, texts: dict[str, str], words: str,
              disclosure: str | None) -> list[Warning]:
    """The similarity warnings on ``texts`` that matter to the person (their networks')."""
    return networks(db, current_user).relevant(item_similarity_warnings(
        db, item.id, current_user, texts, words=words, title=item.title, disclosure=disclosure))


@dataclass(frozen=True)
class _ItemStudio:
    """A library item in the share studio, for the signed-in person (hub.sharing.endpoints)."""

    item: LibraryItem

    def links(self, session: Session) -> dict[str, ShareLink]:
        return services.links_for(session, self.item, current_user)

    def own_words(self, session: Session) -> str:
        return queries.own_words(session, self.item, current_user)

    def save_own_words(self, session: Session, words: str) -> OwnWords:
        return services.save_own_words(session, self.item, current_user, words)

    def save_text(self, session: Session, platform: str, text: str, subject: str | None, link: str | None) -> object:
        return services.save_share_text(session, self.item, current_user, platform, text, subject, link=link)

    def reset_text(self, session: Session, platform: str) -> None:
        services.reset_share_text(session, self.item, current_user, platform)

    def record_event(self, session: Session, platform: str, kind: str) -> object:
        return services.record_share_event(session, self.item, current_user, platform, kind)

    def cards(self, session: Session, words: str) -> tuple[list[Card], list[Warning]]:
        return _cards(self.item, words)

    def warnings(self, session: Session, texts: dict[str, str], words: str) -> list[Warning]:
        return _warnings(session, self.item, texts, words, sharing.get_setting(session, sharing.DISCLOSURE_KEY))


@bp.get("/<int:item_id>")
@login_required
def item(item_id: int):
    db = get_session()
    item = _load(item_id)
    edit_form = EditItemForm(obj=item)
    _topics(edit_form)
    edit_form.topic_id.data = item.topic_id
    context: dict[str, object] = {}
    if item.is_active:
        words = queries.own_words(db, item, current_user)
        cards, warnings = _cards(item, words)
        context = dict(studio(db, current_user, cards, warnings).context(), platforms=platforms.PLATFORMS,
                       form=ShareTextForm(), words_form=OwnWordsForm(words=words), words_max=sharing.OWN_WORDS_MAX)
    return render_template("library/item.html", item=item, topic=queries.topic_of(db, item), edit_form=edit_form,
                           can_edit=services.can_edit(current_user, item), pick_form=PickForm(), **context)


@bp.post("/<int:item_id>/edit")
@login_required
def edit(item_id: int):
    item = _load(item_id)
    form = EditItemForm()
    _topics(form)
    if form.validate_on_submit():
        try:
            services.update_item(get_session(), current_user, item, title=form.title.data or "",
                                 comment=form.comment.data or "", topic_id=form.topic_id.data,
                                 use_utm=bool(form.use_utm.data))
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("Saved."), "success")
    return redirect(url_for("library.item", item_id=item.id))


@bp.post("/<int:item_id>/<any(remove, pick, dismiss):action>")
@login_required
def act(item_id: int, action: str):
    db = get_session()
    item = queries.get_item(db, item_id)
    form = PickForm()
    if not form.validate_on_submit():
        flash(_("Please try again (the form had expired)."), "error")
        return redirect(url_for("library.item", item_id=item.id))
    try:
        if action == "remove":
            services.remove_item(db, current_user, item)
            flash(_("Removed from the library: its links no longer lead anywhere."), "success")
            return redirect(url_for("library.index"))
        if action == "pick":
            services.pick_item(db, current_user, item, form.comment.data or "")
            flash(_("In the library: everyone can share it now."), "success")
            return redirect(url_for("library.item", item_id=item.id))
        services.dismiss_item(db, current_user, item)
        flash(_("Not picked."), "success")
    except ValidationError as exc:
        show_error(None, exc)
    return redirect(url_for("library.waiting"))


# --- the sharing studio's JSON endpoints (the same fields and answers as hub.sharing's) ----------


@bp.post("/<int:item_id>/share/words")
@login_required
def save_words(item_id: int):
    return endpoints.save_words(_ItemStudio(_load(item_id)))


@bp.post("/<int:item_id>/share/measure")
@login_required
def measure(item_id: int):
    return endpoints.measure(_ItemStudio(_load(item_id)))


@bp.post("/<int:item_id>/share/text")
@login_required
def save_text(item_id: int):
    return endpoints.save_text(_ItemStudio(_load(item_id)))


@bp.post("/<int:item_id>/share/text/reset")
@login_required
def reset_text(item_id: int):
    return endpoints.reset_text(_ItemStudio(_load(item_id)))


@bp.post("/<int:item_id>/share/event")
@login_required
def event(item_id: int):
    """One share, as a post's (hub.sharing.endpoints): recorded once, the text shared kept as the
    person's; a text that could not be posted as it is is refused."""
    return endpoints.record_event(_ItemStudio(_load(item_id)))


# --- feeds (comms) --------------------------------------------------------------------------------


def _require_comms() -> None:
    if not current_user.is_comms:
        raise PermissionDenied(_("Only comms manage the library's feeds."))


@bp.route("/feeds", methods=["GET", "POST"])
@login_required
def feeds():
    _require_comms()
    db = get_session()
    form = FeedForm()
    if form.validate_on_submit():
        try:
            feed = services.add_feed(db, current_user, form.url.data or "", form.title.data or "")
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Following %(name)s. New articles arrive at the next feed check.", name=feed.name), "success")
            return redirect(url_for("library.feeds"))
    return render_template("library/feeds.html", form=form, feeds=queries.feeds(db), confirm=ConfirmForm())


@bp.post("/feeds/<int:feed_id>/remove")
@login_required
def remove_feed(feed_id: int):
    _require_comms()
    db = get_session()
    feed = queries.get_feed(db, feed_id)
    if ConfirmForm().validate_on_submit():
        services.remove_feed(db, current_user, feed)
        flash(_("No longer following %(name)s.", name=feed.name), "success")
    return redirect(url_for("library.feeds"))


@bp.get("/waiting")
@login_required
def waiting():
    """The feeds' new articles, for comms to pick into the library (or not)."""
    _require_comms()
    db = get_session()
    return render_template("library/waiting.html", items=queries.items(db, ItemState.SUGGESTED, limit=100),
                           pick_form=PickForm())


@bp.get("/bookmarklet")
@login_required
def bookmarklet():
    return render_template("library/bookmarklet.html")


# --- commands --------------------------------------------------------------------------------------


@bp.cli.command("poll-feeds")
def poll_feeds_command() -> None:
    """Read every followed feed once; new articles wait for comms to pick them (cron, e.g. hourly)."""
    from hub.library.feeds import poll_feeds

    db = get_session()
    results = poll_feeds(db, services.FetchSettings.from_config(current_app.config))
    db.commit()
    failed = [r for r in results if r.error]
    click.echo(f"Read {len(results) - len(failed)} feed(s); {sum(r.added for r in results)} new article(s) waiting.")
    for result in failed:
        click.echo(f"  feed {result.feed_id}: {result.error}", err=True)
