"""Forms for suggestions: they check shape; the services check rules."""

from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from hub.forms import FlaskForm, MarkdownBudget, RevisionIdField
from hub.i18n import _l
from hub.posts.services import BODY_MAX, SUMMARY_MAX, TITLE_MAX
from hub.suggestions.services import QUOTE_MAX, TEXT_MAX


class CommentForm(FlaskForm):
    quote = TextAreaField(_l("About this passage (optional)"), validators=[Optional(), Length(max=QUOTE_MAX)],
                          description=_l("Select text in the post to quote it, or paste it here."))
    message = TextAreaField(_l("Your comment"), validators=[Length(max=TEXT_MAX)])


class EditSuggestionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=SUMMARY_MAX)])
    body = TextAreaField(_l("Body (Markdown)"), validators=[Length(max=BODY_MAX), MarkdownBudget()])
    message = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=TEXT_MAX)])
    base_revision_id = RevisionIdField()


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply"), validators=[Length(max=TEXT_MAX)])


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("Note for the suggester (optional)"), validators=[Optional(), Length(max=TEXT_MAX)])


class AcceptForm(FlaskForm):
    """Accept an edit; the pressed button sends ``publish=1`` to make the change live too."""

    publish = HiddenField()


class MergeForm(FlaskForm):
    title = TextAreaField(_l("Title"), validators=[Length(max=TITLE_MAX)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=SUMMARY_MAX)])
    body = TextAreaField(_l("Body (Markdown)"), validators=[Length(max=BODY_MAX), MarkdownBudget()])
    base_revision_id = RevisionIdField()
    publish = HiddenField()


class FeedbackForm(FlaskForm):
    """Open a draft to colleagues' suggestions (``open=1``) or keep it private (``open=0``)."""

    open = HiddenField()
    back = HiddenField()  # "suggestions" returns to the conversations page, else the editor

