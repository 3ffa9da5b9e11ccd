"""Dashboards (company and "my shares"), their CSV exports, the feedback inbox, and the
readers' feedback form under every public post."""

from __future__ import annotations

import time
from datetime import date, timedelta

import click
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hub import throttle
from hub.channels.queries import health_summary
from hub.channels.services import can_manage as can_manage_channels
from hub.db import get_engine, get_session, utcnow
from hub.errors import TooManyRequests, ValidationError
from hub.i18n import _, _n
from hub.inputs import arg_page
from hub.insights import charts, queries, rollups, services, tables
from hub.insights.forms import FeedbackForm, FeedbackUpdateForm, LeaderboardForm, feedback_token
from hub.insights.models import FeedbackStatus
from hub.lib import formtoken
from hub.lib.csvexport import to_csv
from hub.posts.models import Post
from hub.posts.queries import get_post
from hub.strategy.queries import kpi_progress
from hub.templating import number
from hub.web import client_address, csv_download, show_error

bp = Blueprint("insights", __name__, cli_group="insights")


def init_app(app: Flask) -> None:
    """Register the blueprint (routes, and the ``hub insights`` commands)."""
    app.register_blueprint(bp)
    # The readers' form carries its own cookie-free token (see feedback_token), not the session's:
    # hub.extensions exempts it from the session CSRF check.
    app.add_template_global(feedback_token)


@bp.app_template_filter("kpi")
def kpi(value: int) -> str:
    """A count with the language's thousands separators: ``12,345``, ``12 345``, ``12.345``."""
    return number(value)


@bp.app_template_filter("cps")
def clicks_per_share(value: float | None) -> str:
    """Clicks per share with two decimals, or a dash when there were no shares."""
    return number(value, digits=2)


@bp.app_template_filter("duration")
def duration(value: timedelta | None) -> str:
    """A short human duration: ``45 min``, ``5.5 h``, ``3.2 days``; ``–`` for none."""
    if value is None:
        return "–"
    minutes = value.total_seconds() / 60
    if minutes < 90:
        return _("%(num)s min", num=format(max(minutes, 0), ".0f"))
    if minutes < 48 * 60:
        return _("%(num)s h", num=format(minutes / 60, ".1f"))
    return _("%(num)s days", num=format(minutes / 1440, ".1f"))


# --- dashboards ------------------------------------------------------------------------------------


def _range() -> tuple[queries.DateRange, str | None]:
    """The requested date range, or the default one and the reason the request's was refused."""
    today = utcnow().date()
    try:
        return queries.parse_range(request.args.get("start"), request.args.get("end"), today), None
    except ValidationError as exc:
        return queries.default_range(today), exc.message


def _dashboard(mine: bool) -> queries.Dashboard:
    rng, error = _range()
    if error:
        abort(400, error)
    return queries.dashboard(get_session(), current_user, rng, mine=mine)


@bp.get("/insights/")
@login_required
def dashboard():
    """The company dashboard (comms and admins)."""
    return _render_dashboard(mine=False)


@bp.get("/insights/me")
@login_required
def mine():
    """ "My shares": what the signed-in person's own shares achieved."""
    return _render_dashboard(mine=True)


def _render_dashboard(mine: bool):
    rng, error = _range()
    d = queries.dashboard(get_session(), current_user, rng, mine=mine)
    leaderboard_form = (
        LeaderboardForm(enabled=d.leaderboard is not None) if current_user.is_admin and not mine else None
    )
    today = utcnow().date()
    presets = [(_n("Last %(num)d day", "Last %(num)d days", n), queries.default_range(today, n)) for n in (7, 30, 90)]
    return render_template(
        "insights/dashboard.html",
        d=d,
        charts=charts,
        range_error=error,
        presets=presets,
        tables=tables.available(d),
        leaderboard_form=leaderboard_form,
        kpi_targets=[] if mine else kpi_progress(get_session(), d),
        channel_health=None
        if mine or not can_manage_channels(current_user)
        else health_summary(get_session(), today=today, inactive_days=current_app.config["CHANNEL_INACTIVE_DAYS"]),
        query={"start": rng.start.isoformat(), "end": rng.end.isoformat()},
    ), 400 if error else 200


@bp.get("/insights/export/<name>.csv", defaults={"mine": False}, endpoint="export")
@bp.get("/insights/me/export/<name>.csv", defaults={"mine": True}, endpoint="export_mine")
@login_required
def export(name: str, mine: bool):
    """One table of the dashboard as a CSV download, in full."""
    d = _dashboard(mine)
    if name not in tables.available(d):
        abort(404, _("No such table on this dashboard."))
    header, rows = tables.TABLES[name](d)
    filename = f"hub-{'my-shares' if mine else 'insights'}-{name}-{d.range.start}-to-{d.range.end}.csv"
    return csv_download(to_csv(header, rows), filename)


@bp.post("/insights/leaderboard")
@login_required
def leaderboard():
    """Admins switch the leaderboard on or off."""
    form = LeaderboardForm()
    if form.validate_on_submit():
        services.set_leaderboard(get_session(), current_user, bool(form.enabled.data))
        flash(_("The leaderboard is on.") if form.enabled.data else _("The leaderboard is off."), "success")
    return redirect(url_for("insights.dashboard", start=request.args.get("start"), end=request.args.get("end")))


# --- the feedback inbox ----------------------------------------------------------------------------


@bp.get("/insights/feedback")
@login_required
def inbox():
    """Readers' feedback the signed-in person handles, filtered by status."""
    status = request.args.get("status", type=FeedbackStatus)  # None for every status (or an unknown one)
    box = queries.inbox(get_session(), current_user, status, page=arg_page())
    return render_template("insights/inbox.html", box=box)


@bp.route("/insights/feedback/<int:feedback_id>", methods=["GET", "POST"])
@login_required
def handle(feedback_id: int):
    """One piece of feedback: its status, internal note and public response."""
    db = get_session()
    feedback = queries.get_feedback(db, current_user, feedback_id)
    form = (
        FeedbackUpdateForm(obj=feedback, status=feedback.status.value)
        if request.method == "GET"
        else FeedbackUpdateForm()
    )
    if form.validate_on_submit():
        data = services.FeedbackUpdate(
            FeedbackStatus(form.status.data), form.internal_note.data or "", form.public_response.data or ""
        )
        try:
            services.update_feedback(db, current_user, feedback, data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(
                _("Feedback updated. The response is public under the post.")
                if feedback.has_public_response
                else _("Feedback updated."),
                "success",
            )
            return redirect(url_for("insights.handle", feedback_id=feedback.id))
    return render_template("insights/feedback.html", feedback=feedback, post=feedback.post, form=form)


# --- readers' feedback -----------------------------------------------------------------------------


def _feedback_post(post_id: int) -> Post:
    post = get_post(get_session(), post_id)
    if not post.is_public:
        abort(404)
    return post


def _feedback_rate() -> services.RateLimit:
    """The feedback rate limit of the requesting address."""
    cfg = current_app.config
    return services.RateLimit(
        f"feedback:addr:{throttle.client_net(client_address())}",
        int(cfg["FEEDBACK_MAX_PER_ADDRESS"]),
        int(cfg["FEEDBACK_WINDOW_SECONDS"]),
    )


def _check_feedback_token(post_id: int) -> None:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = request.form.get("csrf_token")
    if not formtoken.check(current_app.config["SECRET_KEY"], f"feedback:{post_id}", token, time.time()):
        abort(400, _("The CSRF token is missing or has expired: reload the page and send your message again."))


@bp.route("/p/<int:post_id>/feedback", methods=["GET", "POST"])
def feedback(post_id: int):
    """A reader sends feedback on a post; refused input comes back as typed."""
    post = _feedback_post(post_id)
    if request.method == "POST":
        _check_feedback_token(post.id)
    form = FeedbackForm()
    status = 200
    if form.validate_on_submit():
        data = services.FeedbackInput(
            form.message.data or "", form.name.data or "", form.email.data or "", form.website.data or ""
        )
        try:
            services.submit_feedback(get_session(), post, data, _feedback_rate())
        except ValidationError as exc:
            show_error(form, exc)
            status = 422
        except TooManyRequests as exc:
            get_session().rollback()
            flash(exc.message, "error")
            status = 429
        else:
            flash(_("Thank you: your feedback went to the author."), "success")
            return redirect(url_for("public.post", post_id=post.id, slug=post.slug, _anchor="feedback"))
    elif request.method == "POST":
        status = 422
    return render_template("insights/feedback_form.html", post=post, form=form), status


# --- commands ----------------------------------------------------------------------------------------


@bp.cli.command("rebuild")
@click.option("--start", default=None, help="First day to rebuild (YYYY-MM-DD); default: all.")
@click.option("--end", default=None, help="Last day to rebuild (YYYY-MM-DD); default: all.")
def rebuild_command(start: str | None, end: str | None) -> None:
    """Recompute the daily click rollups from the clicks (after a restore, or to check them)."""
    written = rollups.rebuild(
        get_engine(), date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None
    )
    click.echo(f"Click rollups rebuilt: {written} rows.")
