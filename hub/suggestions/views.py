"""Conversations on a post, proposing edits, deciding on them."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hub.db import get_session
from hub.errors import Conflict, NotFound, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.posts import queries as post_queries
from hub.posts.models import Post
from hub.suggestions import queries, services
from hub.suggestions.forms import (
    AcceptForm,
    CommentForm,
    DeclineForm,
    EditSuggestionForm,
    FeedbackForm,
    MergeForm,
    ReplyForm,
)
from hub.suggestions.models import Suggestion, SuggestionKind
from hub.web import show_error

bp = Blueprint("suggestions", __name__)


@bp.app_context_processor
def _open_suggestions() -> dict[str, Any]:
    """``open_suggestions`` ({post id: count}) for the author's list of posts, which shows them
    (hub.posts knows no suggestions). Other pages get nothing."""
    if request.endpoint != "posts.mine" or not current_user.is_authenticated:
        return {}
    return {"open_suggestions": queries.open_counts_of_author(get_session(), current_user.id)}


def load_post(post_id: int) -> Post:
    """The post, or 404 when the current user may not see its conversations (private drafts
    are not admitted to exist)."""
    post = post_queries.get_post(get_session(), post_id)
    if not services.can_see(current_user, post):
        raise NotFound(_("No such post."))
    return post


def load_suggestion(suggestion_id: int) -> Suggestion:
    """The suggestion, or 404 when its post is not visible to the current user."""
    suggestion = queries.get_suggestion(get_session(), suggestion_id)
    if not services.can_see(current_user, suggestion.post):
        raise NotFound(_("No such suggestion."))
    return suggestion


def _post_page(post: Post, comment_form: CommentForm | None = None, status: int = 200) -> tuple[str, int]:
    db = get_session()
    return render_template("suggestions/post.html", post=post, revision=services.suggestable_revision(post),
                           threads=queries.for_post(db, post), form=comment_form or CommentForm(),
                           can_suggest=services.can_suggest(current_user, post)), status


@bp.get("/colleagues/drafts")
@login_required
def open_drafts():
    db = get_session()
    drafts = queries.open_drafts(db, current_user)
    return render_template(
        "suggestions/drafts.html", drafts=drafts, counts=queries.open_counts(db, [p.id for p in drafts])
    )


@bp.get("/posts/<int:post_id>/suggestions")
@login_required
def for_post(post_id: int):
    return _post_page(load_post(post_id))


@bp.post("/posts/<int:post_id>/suggestions/comment")
@login_required
def comment(post_id: int):
    post = load_post(post_id)
    form = CommentForm()
    if form.validate_on_submit():
        data = services.SuggestionInput(SuggestionKind.COMMENT, None, form.message.data or "", quote=form.quote.data)
        try:
            suggestion = services.submit_suggestion(get_session(), post, current_user, data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Comment posted. The author is told."), "success")
            return redirect(url_for("suggestions.thread", suggestion_id=suggestion.id))
    return _post_page(post, form, 422)


@bp.route("/posts/<int:post_id>/suggestions/edit", methods=["GET", "POST"])
@login_required
def propose_edit(post_id: int):
    post = load_post(post_id)
    revision = services.suggestable_revision(post)
    form = EditSuggestionForm(obj=revision if request.method == "GET" else None)
    if request.method == "GET":
        form.base_revision_id.data = revision.id
    if form.validate_on_submit():
        data = services.SuggestionInput(
            SuggestionKind.EDIT,
            form.base_revision_id.data,
            form.message.data or "",
            title=form.title.data or "",
            summary=form.summary.data or "",
            body=form.body.data or "",
        )
        try:
            suggestion = services.submit_suggestion(get_session(), post, current_user, data)
        except Conflict as exc:
            get_session().rollback()
            flash(exc.message, "error")
            form.base_revision_id.data = exc.current.id
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Edit suggested. The author sees it as a diff and decides."), "success")
            return redirect(url_for("suggestions.thread", suggestion_id=suggestion.id))
    return render_template("suggestions/propose.html", post=post, revision=revision, form=form)


@bp.get("/suggestions/<int:suggestion_id>")
@login_required
def thread(suggestion_id: int):
    suggestion = load_suggestion(suggestion_id)
    return render_template(
        "suggestions/thread.html",
        s=suggestion,
        post=suggestion.post,
        diffs=queries.edit_diff(suggestion),
        reply_form=ReplyForm(),
        decline_form=DeclineForm(),
        can_decide=services.can_decide(current_user, suggestion),
        can_resolve=services.can_resolve(current_user, suggestion),
    )


@bp.post("/suggestions/<int:suggestion_id>/reply")
@login_required
def reply(suggestion_id: int):
    suggestion = load_suggestion(suggestion_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply(get_session(), suggestion, current_user, form.body.data or "")
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("Reply posted."), "success")
    return redirect(url_for("suggestions.thread", suggestion_id=suggestion_id, _anchor="replies"))


@bp.post("/suggestions/<int:suggestion_id>/accept")
@login_required
def accept(suggestion_id: int):
    suggestion = load_suggestion(suggestion_id)
    form = AcceptForm()
    if not form.validate_on_submit():
        return redirect(url_for("suggestions.thread", suggestion_id=suggestion_id))
    publish = form.publish.data == "1"
    try:
        services.accept_suggestion(get_session(), suggestion, current_user, publish=publish)
    except services.MergeNeeded as exc:
        get_session().rollback()
        flash(exc.message, "info")
        return redirect(url_for("suggestions.merge", suggestion_id=suggestion_id))
    except ValidationError as exc:
        show_error(None, exc)
        return redirect(url_for("suggestions.thread", suggestion_id=suggestion_id))
    return _accepted(suggestion.post, publish)


def _accepted(post: Post, published: bool) -> Response:
    if published:
        flash(_("Accepted and live. Thanks are in the revision history."), "success")
        return redirect(url_for("public.post", post_id=post.id, slug=post.slug))
    flash(_("Accepted into your draft. Publish changes when you are ready."), "success")
    return redirect(url_for("posts.edit", post_id=post.id))


@bp.route("/suggestions/<int:suggestion_id>/merge", methods=["GET", "POST"])
@login_required
def merge(suggestion_id: int):
    suggestion = load_suggestion(suggestion_id)
    try:
        services.require_open_edit(current_user, suggestion)
    except ValidationError as exc:
        flash(exc.message, "info")
        return redirect(url_for("suggestions.thread", suggestion_id=suggestion_id))
    current = suggestion.post.current_revision
    assert current is not None, "a post has a current revision from the flush that creates it"
    plan = queries.merge_plan(suggestion, current)
    form = MergeForm()
    if request.method == "GET":
        form.title.data, form.summary.data, form.body.data = plan.text("title"), plan.text("summary"), plan.text("body")
        form.base_revision_id.data = plan.current.id
    elif form.validate_on_submit():
        merged = services.MergedText(form.title.data or "", form.summary.data or "", form.body.data or "")
        publish = form.publish.data == "1"
        try:
            services.accept_merged(
                get_session(),
                suggestion,
                current_user,
                merged,
                base_revision_id=form.base_revision_id.data,
                publish=publish,
            )
            return _accepted(suggestion.post, publish)
        except Conflict:
            get_session().rollback()
            flash(
                _("The post changed again while you merged. Your merge is below; compare it with the newest text."),
                "error",
            )
            form.base_revision_id.data = plan.current.id
        except ValidationError as exc:
            show_error(form, exc)
    return render_template("suggestions/merge.html", s=suggestion, post=suggestion.post, plan=plan, form=form)


@bp.post("/suggestions/<int:suggestion_id>/decline")
@login_required
def decline(suggestion_id: int):
    suggestion = load_suggestion(suggestion_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_suggestion(get_session(), suggestion, current_user, form.note.data or "")
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("Declined. The suggester sees your note."), "success")
    return redirect(url_for("suggestions.thread", suggestion_id=suggestion_id))


@bp.post("/suggestions/<int:suggestion_id>/<any(resolve, reopen):action>")
@login_required
def settle(suggestion_id: int, action: str):
    suggestion = load_suggestion(suggestion_id)
    if ConfirmForm().validate_on_submit():
        verb = services.resolve_suggestion if action == "resolve" else services.reopen_suggestion
        try:
            verb(get_session(), suggestion, current_user)
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("Resolved.") if action == "resolve" else _("Open again."), "success")
    return redirect(url_for("suggestions.thread", suggestion_id=suggestion_id))


@bp.post("/posts/<int:post_id>/feedback")
@login_required
def feedback(post_id: int):
    post = post_queries.get_post(get_session(), post_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        services.set_open_for_feedback(get_session(), post, current_user, form.open.data == "1")
        flash(
            _("Colleagues can now see this draft and suggest.")
            if post.open_for_feedback
            else _("This draft is private again."),
            "success",
        )
    if form.back.data == "suggestions":
        return redirect(url_for("suggestions.for_post", post_id=post.id))
    return redirect(url_for("posts.edit", post_id=post.id))
