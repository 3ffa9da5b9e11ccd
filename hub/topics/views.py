"""The topic board, topic pages, proposing, following and picking a topic up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from hub.auth.forms import HANDLE_PLATFORMS
from hub.db import get_session, utcnow
from hub.errors import PermissionDenied, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.posts import queries as post_queries
from hub.posts import services as post_services
from hub.topics import queries, services
from hub.topics.forms import AreaForm, LinkTopicForm, TopicForm
from hub.topics.models import Topic
from hub.web import show_error

bp = Blueprint("topics", __name__, url_prefix="/topics")


@bp.app_context_processor
def _editor_topic() -> dict[str, Any]:
    """``post_topic`` for the post editor: the topic the post is written for, whose brief the
    editor shows beside the text (hub.posts knows no topics). Other pages get nothing."""
    if request.endpoint != "posts.edit" or not current_user.is_authenticated:
        return {}
    return {"post_topic": queries.topic_of_post(get_session(), (request.view_args or {}).get("post_id"))}


def _input(form: TopicForm) -> services.TopicInput:
    return services.TopicInput(
        title=form.title.data or "",
        brief=form.brief.data or "",
        audience=form.audience.data or "",
        platforms=tuple(form.platforms.data or ()),
        key_messages=form.key_messages.data or "",
        hashtags=form.hashtags.data or "",
        useful_until=form.useful_until.data,
    )


def _editor(form: TopicForm, heading: str, submit: str, topic: Topic | None = None) -> str:
    return render_template("topics/edit.html", form=form, heading=heading, submit=submit, topic=topic,
                           areas=queries.areas(get_session()))


def _create(verb: Callable[..., Topic], heading: str, submit: str, done: str) -> ResponseReturnValue:
    """The new-topic form, handing a valid one to ``verb`` (create or propose)."""
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = verb(get_session(), current_user, _input(form))
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(done, "success")
            return redirect(url_for("topics.show", topic_id=topic.id))
    return _editor(form, heading, submit)


@bp.get("")
@login_required
def board():
    db = get_session()
    today = utcnow().date()
    return render_template(
        "topics/board.html",
        board=queries.board(db, today),
        today=today,
        follows=queries.follows(db, current_user),
        areas=queries.areas(db),
        can_manage=services.can_manage(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_manage(current_user):
        raise PermissionDenied(_("Only comms and admins put topics on the board. You can propose one."))
    return _create(services.create_topic, _("New topic"), _("Put it on the board"), _("The topic is on the board."))


@bp.route("/propose", methods=["GET", "POST"])
@login_required
def propose():
    return _create(services.propose_topic, _("Propose a topic"), _("Propose"),
                   _("Proposed. Comms will see it; you can start writing right away."))


@bp.get("/<int:topic_id>")
@login_required
def show(topic_id: int):
    db = get_session()
    topic = queries.get_topic(db, topic_id)
    return render_template(
        "topics/show.html",
        topic=topic,
        posts=queries.posts_for_topic(db, topic),
        drafts=queries.drafts_for_topic(db, topic, current_user),
        follows=queries.follows(db, current_user),
        today=utcnow().date(),
        can_manage=services.can_manage(current_user),
        can_edit=services.can_edit_topic(current_user, topic),
    )


@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"])
@login_required
def edit(topic_id: int):
    topic = queries.get_topic(get_session(), topic_id)
    if not services.can_edit_topic(current_user, topic):
        raise PermissionDenied(_("Only comms and admins (or whoever proposed it, while proposed) can edit this topic."))
    form = TopicForm(obj=topic if request.method == "GET" else None)
    if request.method == "GET":
        form.platforms.data, form.hashtags.data = list(topic.platforms), ", ".join(f"#{t}" for t in topic.hashtags)
    if form.validate_on_submit():
        try:
            services.update_topic(get_session(), current_user, topic, _input(form))
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Topic saved."), "success")
            return redirect(url_for("topics.show", topic_id=topic.id))
    return _editor(form, _("Edit topic"), _("Save"), topic)


@bp.post("/<int:topic_id>/<any(add, close, follow, unfollow):action>")
@login_required
def act(topic_id: int, action: str):
    topic = queries.get_topic(get_session(), topic_id)
    if ConfirmForm().validate_on_submit():
        verb = {
            "add": services.add_to_board,
            "close": services.close_topic,
            "follow": services.follow_topic,
            "unfollow": services.unfollow_topic,
        }[action]
        verb(get_session(), current_user, topic)
        flash(
            {
                "add": _("On the board. Followers of its audience are told."),
                "close": _("Closed."),
                "follow": _("Following: you hear about posts written for it."),
                "unfollow": _("Not following any more."),
            }[action],
            "success",
        )
    return redirect(url_for("topics.show", topic_id=topic.id))


@bp.post("/areas/<any(follow, unfollow):action>")
@login_required
def area(action: str):
    form = AreaForm()
    if form.validate_on_submit():
        try:
            if action == "follow":
                name = services.follow_area(get_session(), current_user, form.area.data or "")
                flash(
                    _("You hear about every new topic.") if name == "*"
                    else _("You hear about new topics for “%(name)s”.", name=name),
                    "success",
                )
            else:
                services.unfollow_area(get_session(), current_user, form.area.data or "")
                flash(_("Not following that any more."), "success")
        except ValidationError as exc:
            show_error(None, exc)
    return redirect(url_for("topics.board"))


@bp.post("/<int:topic_id>/pick-up")
@login_required
def pick_up(topic_id: int):
    topic = queries.get_topic(get_session(), topic_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("topics.show", topic_id=topic.id))
    try:
        post = services.pick_up(get_session(), current_user, topic)
    except ValidationError as exc:
        show_error(None, exc)
        return redirect(url_for("topics.show", topic_id=topic.id))
    flash(_("A draft for this topic. The brief is beside the editor."), "success")
    return redirect(url_for("posts.edit", post_id=post.id))


@bp.route("/for-post/<int:post_id>", methods=["GET", "POST"])
@login_required
def link(post_id: int):
    db = get_session()
    post = post_queries.get_post(db, post_id)
    if not post_services.can_edit(current_user, post):
        raise PermissionDenied(_("Only the author can change this post."))
    form = LinkTopicForm(topic_id=str(post.topic_id or ""))
    form.topic_id.choices = [SelectChoice("", _("No topic"))] + [
        SelectChoice(str(t.id), _("%(title)s (proposed)", title=t.title) if t.is_proposed else t.title)
        for t in queries.linkable_topics(db, post.topic_id)
    ]
    if form.validate_on_submit():
        topic = queries.get_topic(db, int(form.topic_id.data)) if form.topic_id.data else None
        try:
            services.link_post(db, current_user, post, topic)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Written for “%(title)s”.", title=topic.title) if topic else _("No topic now."), "success")
            return redirect(url_for("posts.edit", post_id=post.id))
    return render_template("topics/link.html", post=post, form=form)


_PLATFORM_NAMES = dict(HANDLE_PLATFORMS)


@bp.app_template_filter("platform_name")
def _platform_name(platform_id: str) -> str:
    return _PLATFORM_NAMES.get(platform_id, platform_id)
