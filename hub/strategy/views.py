"""The strategy page, editing its sections with revisions, KPI targets, and the writing guidance
shown beside the editor and the share page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hub.db import get_session
from hub.errors import Conflict, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.lib.textdiff import diff
from hub.strategy import queries, services
from hub.strategy.forms import KpiTargetForm, RestoreForm, SectionForm
from hub.strategy.models import StrategySection
from hub.web import show_error

bp = Blueprint("strategy", __name__)

# Pages that show the writing guidance beside the text: the post editor and the share page.
GUIDANCE_ENDPOINTS = {"posts.new": False, "posts.edit": False, "sharing.share": True, "library.item": True}


@bp.app_context_processor
def _writing_guidance() -> dict[str, Any]:
    """``writing_guidance`` for the pages that show it (tone of voice; platform guidance on the
    share page), so those views need no change. Other pages get nothing and cost no query."""
    with_platforms = GUIDANCE_ENDPOINTS.get(request.endpoint or "")
    if with_platforms is None or not current_user.is_authenticated:
        return {}
    return {"writing_guidance": queries.writing_guidance(get_session(), platforms=with_platforms)}


@bp.get("/strategy")
@login_required
def page():
    db = get_session()
    return render_template(
        "strategy/page.html",
        sections=queries.sections(db),
        platform_sections=queries.platform_sections(db),
        targets=queries.kpi_targets(db),
        can_edit=services.can_edit(current_user),
    )


@bp.route("/strategy/<key>/edit", methods=["GET", "POST"])
@login_required
def edit(key: str):
    services.require_editor(current_user)
    db = get_session()
    view = queries.section_view(db, key)
    form = SectionForm()
    if request.method == "GET":
        form.body.data = view.revision.body if view.revision else ""
        form.base_revision_id.data = view.revision.id if view.revision else None
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_section(
                db,
                current_user,
                key,
                form.body.data or "",
                base_revision_id=form.base_revision_id.data,
                note=form.note.data or "",
            )
        except Conflict as exc:
            db.rollback()
            conflict = exc.current
            form.base_revision_id.data = conflict.id  # saving again now means: keep mine
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("%(section)s saved.", section=view.title), "success")
            return redirect(url_for("strategy.page", _anchor=key))
    conflict_diff = diff(conflict.body, form.body.data or "", None) if conflict else None
    return render_template(
        "strategy/edit.html", view=view, form=form, conflict=conflict, conflict_diff=conflict_diff
    ), (409 if conflict else 200)


def _section(key: str) -> tuple[queries.SectionView, StrategySection]:
    """The part of the strategy at ``key``, and its section row (404 while nothing is written)."""
    view = queries.section_view(get_session(), key)
    if view.section is None:
        abort(404, _("Nothing has been written here yet."))
    return view, view.section


@bp.get("/strategy/<key>/revisions")
@login_required
def revisions(key: str):
    view, section = _section(key)
    return render_template(
        "strategy/revisions.html",
        view=view,
        revisions=queries.revisions(get_session(), section),
        can_edit=services.can_edit(current_user),
    )


@bp.get("/strategy/<key>/revisions/<int:number>")
@login_required
def revision(key: str, number: int):
    view, section = _section(key)
    rev = queries.revision(get_session(), section, number)
    return render_template("strategy/revision.html", view=view, rev=rev, can_edit=services.can_edit(current_user),
                           form=RestoreForm(base_revision_id=view.revision.id if view.revision else None))


@bp.post("/strategy/<key>/revisions/<int:number>/restore")
@login_required
def restore(key: str, number: int):
    services.require_editor(current_user)
    view, section = _section(key)
    form = RestoreForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    rev = queries.revision(db, section, number)
    try:
        new = services.restore_revision(
            db, current_user, section, rev, base_revision_id=form.base_revision_id.data
        )
    except Conflict:
        db.rollback()
        flash(_("The section changed while you were looking; check the newest revision and try again."), "error")
        return redirect(url_for("strategy.revisions", key=key))
    flash(_("Revision %(old)d restored as revision %(new)d.", old=number, new=new.number), "success")
    return redirect(url_for("strategy.page", _anchor=key))


@bp.route("/strategy/kpis", methods=["GET", "POST"])
@login_required
def kpis():
    services.require_editor(current_user)
    db = get_session()
    form = KpiTargetForm()
    if form.validate_on_submit():
        try:
            services.set_kpi_target(db, current_user, platform=form.platform.data, metric=form.metric.data,
                                    target=float(form.target.data), note=form.note.data or "")
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Target saved."), "success")
            return redirect(url_for("strategy.kpis"))
    return render_template("strategy/kpis.html", form=form, targets=queries.kpi_targets(db))


@bp.post("/strategy/kpis/<int:target_id>/remove")
@login_required
def remove_kpi(target_id: int):
    services.require_editor(current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    services.remove_kpi_target(db, current_user, queries.get_kpi_target(db, target_id))
    flash(_("Target removed."), "success")
    return redirect(url_for("strategy.kpis"))
