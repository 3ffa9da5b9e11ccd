"""The editor, the author's lists, revisions, images and lifecycle buttons."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from hub.db import get_session, savepoint
from hub.errors import Conflict, PermissionDenied, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.inputs import SEARCH_MAX, arg_int, arg_page, arg_search
from hub.lib.markdown import markdown_to_text, outside_images, reading_minutes, render_markdown, word_count
from hub.lib.textdiff import diff, has_changes
from hub.posts import queries, services, share_target
from hub.posts.forms import ImageForm, PostForm, PreviewForm, RestoreForm, TakedownForm
from hub.posts.models import Post, PostRevision, RevisionKind
from hub.rewrite import suggest_key_point
from hub.web import show_error

bp = Blueprint("posts", __name__)


def load_post(post_id: int, *, edit: bool = False, review: bool = False) -> Post:
    """The post, or 404; with ``edit``, 403 unless the current user may edit it; with
    ``review``, 403 unless they may see its history (the author and comms)."""
    post = queries.get_post(get_session(), post_id)
    if edit and not services.can_edit(current_user, post):
        raise PermissionDenied(_("Only the author can change this post."))
    if review and not services.can_review(current_user, post):
        raise PermissionDenied(_("Only the author and comms can see a post's history."))
    return post


def _input(form: PostForm, *, explicit: bool = True) -> services.PostInput:
    return services.PostInput(
        title=form.title.data or "",
        summary=form.summary.data or "",
        body=form.body.data or "",
        tags=form.tags.data or "",
        cover_image_id=form.cover_image_id.data,
        key_point=_key_point_input(form, explicit=explicit),
    )


def _key_point_input(form: PostForm, *, explicit: bool) -> str | None:
    """The key point to save (None: keep the current revision's).

    While the field still holds hub's untouched suggestion, autosave leaves the key point unset;
    saving the form on purpose (Save draft, Publish, Schedule) keeps the suggestion as the
    author's own. Whatever the author typed, or cleared, is saved either way."""
    text = form.key_point.data
    if form.key_point_suggested.data == "1":
        return text if explicit and text and text.strip() else None
    return text


def _suggest_key_point(form: PostForm) -> None:
    """Offer hub's suggestion for the key point of the text in ``form``, marked as such."""
    form.key_point.data = suggest_key_point(
        form.title.data or "", form.body.data or "", summary=form.summary.data or "")
    form.key_point_suggested.data = "1"



def _titled_if_going_live(form: PostForm) -> bool:
    """Publishing or scheduling needs a title: without one, nothing is saved and the form comes
    back with the title marked (what was typed stays in the form, and autosave keeps it)."""
    action = request.form.get("action", "save")
    if action in ("publish", "schedule") and not (form.title.data or "").strip():
        message = (_("Give the post a title before publishing.") if action == "publish"
                   else _("Give the post a title before scheduling it."))
        show_error(form, ValidationError("title", message))
        return False
    return True


def _current(post: Post) -> PostRevision:
    """The post's newest revision. Every post has one from the flush that creates it: the column is
    nullable only because post and revision point at each other."""
    revision = post.current_revision
    assert revision is not None, f"post {post.id} has no current revision"
    return revision

@bp.route("/posts")
@login_required
def mine():
    archived = request.args.get("archived") == "1"
    q, q_notice = arg_search()
    page = queries.my_posts(get_session(), current_user, query=q, archived=archived, page=arg_page())
    return render_template("posts/mine.html", page=page, q=q, q_notice=q_notice, q_max=SEARCH_MAX, archived=archived)


@bp.route("/colleagues")
@login_required
def colleagues():
    q, q_notice = arg_search()
    page = queries.published(get_session(), query=q, page=arg_page())
    return render_template("posts/colleagues.html", page=page, q=q, q_notice=q_notice, q_max=SEARCH_MAX)


@bp.route("/write", methods=["GET", "POST"])
@login_required
def new():
    form = PostForm()
    if request.method == "GET":
        form.key_point_suggested.data = "1"
    if form.validate_on_submit() and _titled_if_going_live(form):
        db = get_session()
        try:
            post = services.create_draft(db, current_user, _input(form))
            return _after_save(post, form)
        except ValidationError as exc:
            show_error(form, exc)
    return render_template("posts/edit.html", form=form, post=None, conflict=None,
                           key_point_max=services.KEY_POINT_MAX)


@bp.get("/share-target")
@login_required
def shared():
    """The web app's share target (manifest ``share_target``): a phone's share sheet opens this with
    ``title``, ``text`` and ``url``. One of hub's own posts goes to its share page; anything else opens
    the editor on a new draft that starts from what was shared (saved once the author saves or types)."""
    hosts = {urlsplit(current_app.config["BASE_URL"]).netloc.lower(), request.host.lower()}
    item = share_target.interpret_share(
        get_session(), title=request.args.get("title"), text=request.args.get("text"),
        url=request.args.get("url"), hosts=hosts)
    if item.post is not None:
        return redirect(url_for("sharing.share", post_id=item.post.id))
    form = PostForm(formdata=None, data={"title": item.title, "body": item.body})
    form.key_point_suggested.data = "1"
    return render_template("posts/edit.html", form=form, post=None, conflict=None,
                           key_point_max=services.KEY_POINT_MAX)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = load_post(post_id, edit=True)
    revision = _current(post)
    copy = services.working_copy(get_session(), post, current_user)
    form = PostForm(formdata=None, data=copy.content) if copy and request.method == "GET" else (
        PostForm(obj=revision if request.method == "GET" else None))
    if request.method == "GET" and copy is None:
        form.tags.data = ", ".join(revision.tag_names)
    if request.method == "GET":
        form.base_revision_id.data = copy.base_revision_id if copy else revision.id
        form.working_copy_token.data = copy.token if copy else ""
        if form.key_point.data is None:  # none set: the revision's, else hub's suggestion
            if revision.key_point is None:
                _suggest_key_point(form)
            else:
                form.key_point.data = revision.key_point
    conflict = None
    if form.validate_on_submit() and _titled_if_going_live(form):
        try:
            services.save_from_editor(get_session(), post, current_user, _input(form),
                                      base_revision_id=form.base_revision_id.data,
                                      working_copy_token=form.working_copy_token.data)
            return _after_save(post, form)
        except Conflict as exc:
            conflict = exc.current
            # saving again now means: keep mine
            if getattr(conflict, "is_working_copy", False):
                form.base_revision_id.data = conflict.base_revision_id
                form.working_copy_token.data = conflict.token
            else:
                form.base_revision_id.data = conflict.id
        except ValidationError as exc:
            show_error(form, exc)
    return render_template(
        "posts/edit.html",
        form=form,
        post=post,
        conflict=conflict,
        key_point_max=services.KEY_POINT_MAX,
        working_copy=copy if request.method == "GET" else None,
        conflict_diff=diff(conflict.body, form.body.data or "", None) if conflict else None,
    ), (409 if conflict else 200)


@bp.post("/posts/<int:post_id>/working-copy/discard")
@login_required
def discard_working_copy(post_id: int):
    post = load_post(post_id, edit=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.discard_working_copy(get_session(), post, current_user)
    flash(_("Unsaved changes discarded: the editor shows revision %(number)s.", number=_current(post).number),
          "success")
    return redirect(url_for("posts.edit", post_id=post.id))


def _after_save(post: Post, form: PostForm) -> BaseResponse:
    """Run the button's action (publish or schedule) on the saved draft and redirect.

    The action runs in a savepoint: one that is refused is undone alone, and the draft is still
    saved when the request commits, so it never loses what was typed."""
    action = request.form.get("action", "save")
    db = get_session()
    if outside := outside_images(form.body.data or ""):
        flash(_("Images from other sites are not shown in posts (%(urls)s): readers get a link to them instead. "
                "Use Insert image to upload them.", urls=", ".join(outside[:3])), "info")
    try:
        if action == "publish":
            was_public = post.is_public
            with savepoint(db):
                services.publish_post(db, post, current_user)
            if was_public:
                flash(_("Your changes are live."), "success")
                return redirect(url_for("public.post", post_id=post.id, slug=post.slug))
            flash(_("Published. Now share it"), "success")
            return redirect(url_for("sharing.share", post_id=post.id))
        if action == "schedule":
            with savepoint(db):
                when, zone = services.schedule_post_at_local(
                    db, post, current_user, form.publish_at.data or "", form.time_zone.data)
            flash(_("Scheduled for %(local)s (%(zone)s), %(utc)s UTC.",
                    local=when.astimezone(zone).strftime("%Y-%m-%d %H:%M"), zone=zone.key,
                    utc=when.strftime("%Y-%m-%d %H:%M")), "success")
            return redirect(url_for("posts.edit", post_id=post.id))
    except ValidationError as exc:  # the savepoint is rolled back; the draft stays
        flash(_("Draft saved, but not published: %(reason)s", reason=exc.message) if action == "publish"
              else _("Draft saved, but not scheduled: %(reason)s", reason=exc.message), "error")
        return redirect(url_for("posts.edit", post_id=post.id))
    flash(_("Draft saved."), "success")
    return redirect(url_for("posts.edit", post_id=post.id))


@bp.post("/write/autosave")
@bp.post("/posts/<int:post_id>/autosave")
@login_required
def autosave(post_id: int | None = None):
    form = PostForm()
    if not form.validate():
        return jsonify(error="invalid", fields=form.errors), 422
    db = get_session()
    try:
        if post_id is None:
            post = services.create_draft(db, current_user, _input(form, explicit=False),
                                         kind=RevisionKind.AUTOSAVE)
            saved = services.Autosaved(_current(post), None)
        else:
            post = load_post(post_id, edit=True)
            saved = services.autosave(db, post, current_user, _input(form, explicit=False),
                                      base_revision_id=form.base_revision_id.data,
                                      working_copy_token=form.working_copy_token.data)
    except Conflict as exc:
        db.rollback()
        current = _current(post)
        return jsonify(error="conflict", message=exc.message, revision_id=current.id, number=current.number), 409
    except ValidationError as exc:
        db.rollback()
        return jsonify(error="invalid", fields={exc.field or "form": [exc.message]}), 422
    return jsonify(_editor_state(post, saved))


def _editor_state(post: Post, saved: services.Autosaved) -> dict[str, Any]:
    revision, copy = saved.base, saved.working_copy
    return {
        "post_id": post.id,
        "revision_id": revision.id,
        "number": revision.number,
        "working_copy_token": copy.token if copy else "",
        "saved_label": _("Changes kept (not yet a revision; on revision %(number)s)", number=revision.number)
        if copy else None,
        "saved_at": (copy.updated_at if copy else revision.created_at).isoformat(),
        "state": post.status_label,
        "edit_url": url_for("posts.edit", post_id=post.id),
        "autosave_url": url_for("posts.autosave", post_id=post.id),
    }


@bp.post("/posts/preview")
@login_required
def preview():
    form = PreviewForm()
    if not form.validate():
        return jsonify(error="invalid", fields=form.errors), 422
    body = form.body.data or ""
    words = word_count(markdown_to_text(body))
    key_point = (suggest_key_point(form.title.data or "", body, summary=form.summary.data or "")
                 if form.want_key_point.data == "1" else None)
    return jsonify(html=render_markdown(body), words=words, minutes=reading_minutes(words),
                   key_point=key_point, outside_images=outside_images(body))


@bp.post("/posts/<int:post_id>/<any(publish, unpublish, archive, unarchive, unschedule):action>")
@login_required
def lifecycle(post_id: int, action: str):
    post = load_post(post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    verb = {
        "publish": services.publish_post,
        "unpublish": services.unpublish_post,
        "archive": services.archive_post,
        "unarchive": services.unarchive_post,
        "unschedule": services.cancel_schedule,
    }[action]
    try:
        verb(get_session(), post, current_user)
    except ValidationError as exc:
        show_error(None, exc)
        return redirect(url_for("posts.edit", post_id=post.id))
    flash(
        {
            "publish": _("Published. Now share it"),
            "unpublish": _("Unpublished: the post is a draft again."),
            "archive": _("Archived."),
            "unarchive": _("Back as a draft."),
            "unschedule": _("Schedule cancelled; the post is a draft."),
        }[action],
        "success",
    )
    if action == "publish":
        return redirect(url_for("sharing.share", post_id=post.id))
    return redirect(url_for("posts.mine") if action == "archive" else url_for("posts.edit", post_id=post.id))


@bp.route("/posts/<int:post_id>/takedown", methods=["GET", "POST"])
@login_required
def takedown(post_id: int):
    post = load_post(post_id)
    if not services.can_take_down(current_user):
        raise PermissionDenied(_("Only comms and admins can take a post down."))
    form = TakedownForm()
    if form.validate_on_submit():
        try:
            services.take_down(get_session(), post, current_user, form.reason.data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("The post is taken down; its author sees your reason."), "success")
            return redirect(url_for("public.home"))
    return render_template("posts/takedown.html", form=form, post=post)


@bp.get("/posts/<int:post_id>/revisions")
@login_required
def revisions(post_id: int):
    post = load_post(post_id, review=True)
    db = get_session()
    return render_template("posts/revisions.html", post=post, revisions=queries.revisions(db, post),
                           events=queries.events(db, post), form=RestoreForm(base_revision_id=post.current_revision_id))


@bp.get("/posts/<int:post_id>/revisions/<int:number>")
@login_required
def revision(post_id: int, number: int):
    post = load_post(post_id, review=True)
    rev = queries.revision(get_session(), post, number)
    return render_template(
        "posts/revision.html", post=post, rev=rev, form=RestoreForm(base_revision_id=post.current_revision_id)
    )


@bp.get("/posts/<int:post_id>/compare")
@login_required
def compare(post_id: int):
    post = load_post(post_id, review=True)
    db = get_session()
    current = _current(post).number
    a = queries.revision(db, post, arg_int("a", max(1, current - 1), min=1))
    b = queries.revision(db, post, arg_int("b", current, min=1))
    fields = [
        (name, rows, has_changes(rows))
        for name, rows in (
            (name, diff(getattr(a, attr) or "", getattr(b, attr) or ""))
            for name, attr in (
                (_("Title"), "title"),
                (_("Summary"), "summary"),
                (_("Key point"), "key_point"),
                (_("Tags"), "tags_text"),
                (_("Body"), "body"),
            )
        )
    ]
    return render_template(
        "posts/compare.html", post=post, a=a, b=b, fields=fields, revisions=queries.revisions(db, post)
    )


@bp.post("/posts/<int:post_id>/revisions/<int:number>/restore")
@login_required
def restore(post_id: int, number: int):
    post = load_post(post_id, edit=True)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400)
    rev = queries.revision(get_session(), post, number)
    try:
        new = services.restore_revision(
            get_session(), post, current_user, rev, base_revision_id=form.base_revision_id.data
        )
    except Conflict:
        get_session().rollback()  # a redirect is a success for the unit of work: drop any half-done write
        flash(_("The post changed while you were looking; check the newest revision and try again."), "error")
        return redirect(url_for("posts.revisions", post_id=post.id))
    flash(_("Revision %(number)s restored as revision %(new)s. Publish to make it live.",
            number=number, new=new.number), "success")
    return redirect(url_for("posts.edit", post_id=post.id))


@bp.post("/images")
@login_required
def upload_image():
    form = ImageForm()
    file = request.files.get("image")
    if not form.validate_on_submit() or file is None:
        return jsonify(error="invalid", message=_("Choose an image file.")), 400
    try:
        image = services.upload_image(
            get_session(), current_user, file.read(), alt=form.alt.data or "", limits=current_app.config
        )
    except ValidationError as exc:
        get_session().rollback()
        return jsonify(error="invalid", message=exc.message), 422
    url = url_for("posts.image", filename=image.filename)
    alt = " ".join((image.alt or "").replace("]", "").replace("[", "").split())  # the description the editor asked for
    return jsonify(id=image.id, url=url, markdown=f"![{alt}]({url})", width=image.width, height=image.height)


@bp.get("/img/<filename>")
def image(filename: str):
    img = queries.image_by_filename(get_session(), filename)
    response = Response(img.data, mimetype=img.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = f'inline; filename="{img.filename}"'
    return response


_last_due_check = 0.0


@bp.before_app_request
def _publish_due_posts() -> None:
    """Publish scheduled posts whose time came, at most once a minute per process, so
    scheduling works without cron (``hub publish-due`` does the same from cron)."""
    global _last_due_check
    if not current_app.config.get("PUBLISH_DUE_ON_REQUEST") or request.endpoint in (None, "static", "posts.image"):
        return
    now = time.monotonic()
    if now - _last_due_check < 60:
        return
    _last_due_check = now
    # A unit of work of its own, like `hub publish-due`: not part of the request's, which commits
    # only after its view succeeded.
    with current_app.extensions["hub.db"]() as db:
        try:
            if services.publish_due(db):
                db.commit()
        except Exception:  # never let this break the page someone asked for
            db.rollback()
            current_app.logger.exception("publishing due posts failed")
