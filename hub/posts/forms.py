"""The editor's form and the small forms of the post lifecycle."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hub.forms import FlaskForm, IdField, MarkdownBudget, RevisionIdField
from hub.i18n import _l
from hub.posts.services import BODY_MAX, KEY_POINT_MAX, SUMMARY_MAX, TITLE_MAX

# WTForms fills in %(length)d and %(max)d.
_TITLE_OVER = _l(
    "The title is too long: %(length)d characters, %(max)d at most. Shorten it: hub never cuts what you wrote.")
_SUMMARY_OVER = _l(
    "The summary is too long: %(length)d characters, %(max)d at most. Shorten it: hub never cuts what you wrote.")
_TEXT_OVER = _l(
    "The text is too long: %(length)d characters, %(max)d at most. Shorten it: hub never cuts what you wrote.")


def _counted(limit: int) -> dict[str, object]:
    """Shown with a counter (the editor's JS reads ``data-max``); no ``maxlength``, which makes
    the browser cut a paste silently: the server says what is too long instead."""
    return {"maxlength": False, "data-max": limit}


class PostForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX, message=_TITLE_OVER)],
                        render_kw=_counted(TITLE_MAX))
    summary = TextAreaField(
        _l("Summary (optional: shown in lists and link previews)"),
        validators=[Length(max=SUMMARY_MAX, message=_SUMMARY_OVER)], render_kw=_counted(SUMMARY_MAX),
    )
    body = TextAreaField(_l("Body (Markdown)"), render_kw={"maxlength": False},
                         validators=[Length(max=BODY_MAX, message=_TEXT_OVER), MarkdownBudget()])
    tags = StringField(_l("Tags (comma separated)"), validators=[Length(max=600)])
    cover_image_id = IdField(_l("Cover image"), validators=[Optional()])
    base_revision_id = RevisionIdField()
    working_copy_token = HiddenField(validators=[Optional(), Length(max=32)])  # which autosave this editor saw last
    publish_at = StringField(_l("Publish at"), validators=[Optional(), Length(max=40)])
    time_zone = StringField(validators=[Optional(), Length(max=64)])  # the browser's IANA zone
    # A loose bound on shape only: the service checks KEY_POINT_MAX with a clearer message.
    key_point = TextAreaField(_l("Key point (optional)"), validators=[Length(max=KEY_POINT_MAX * 10)],
                              render_kw={"maxlength": False})
    # "1" while the key point field still holds hub's untouched suggestion (see the editor's JS).
    key_point_suggested = HiddenField(default="")


class PreviewForm(FlaskForm):
    body = TextAreaField(validators=[Length(max=BODY_MAX), MarkdownBudget()])
    # Loose bounds: an over-long title is the editor's to report (its counter, the save), the preview goes on.
    title = StringField(validators=[Optional(), Length(max=TITLE_MAX * 100)])
    summary = TextAreaField(validators=[Optional(), Length(max=SUMMARY_MAX * 100)])
    want_key_point = HiddenField()  # "1": also return hub's key-point suggestion for this text


class TakedownForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the author sees this)"), validators=[DataRequired(), Length(max=2000)])


class ImageForm(FlaskForm):
    image = FileField(_l("Image"))
    alt = StringField(_l("Description for people who cannot see it"), validators=[Optional(), Length(max=300)])


class RestoreForm(FlaskForm):
    base_revision_id = RevisionIdField()
