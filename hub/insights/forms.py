"""Forms for listening and the dashboards: they check shape; the services check rules."""

from __future__ import annotations

import time

from flask import current_app
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from hub.forms import FlaskForm
from hub.i18n import _l
from hub.insights.models import STATUS_LABELS
from hub.insights.services import EMAIL_MAX, MESSAGE_MAX, NAME_MAX, NOTE_MAX, RESPONSE_MAX
from hub.lib import formtoken


def feedback_token(post_id: int) -> str:
    """The feedback form's token for ``post_id``: the same for every reader within the hour,
    so the post page needs no session and stays cacheable (checked in insights.views.feedback)."""
    return formtoken.issue(current_app.config["SECRET_KEY"], f"feedback:{post_id}", time.time())


class FeedbackForm(FlaskForm):
    """A reader's feedback. ``website`` is a honeypot: hidden from people, filled by robots.
    No session CSRF token: the page carrying the form is public and cacheable, so the form
    carries a cookie-free token bound to the post instead (hub.lib.formtoken, checked in the view)."""

    class Meta:
        csrf = False

    message = TextAreaField(
        _l("Your message"), validators=[DataRequired(_l("Write a few words for the author.")), Length(max=MESSAGE_MAX)]
    )
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=NAME_MAX)])
    email = EmailField(
        _l("E-mail (optional, only the author and the comms team see it)"),
        validators=[Optional(), Length(max=EMAIL_MAX)],
    )
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=500)])


STATUS_CHOICES = [SelectChoice(value, label) for value, label in STATUS_LABELS.items()]


class FeedbackUpdateForm(FlaskForm):
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    internal_note = TextAreaField(
        _l("Internal note (the author and comms only)"), validators=[Optional(), Length(max=NOTE_MAX)]
    )
    public_response = TextAreaField(
        _l("Public response"),
        validators=[Optional(), Length(max=RESPONSE_MAX)],
        description=_l("Shown under the post as “You said, we did”, with today's date and the reader's message "
                       "(never their name or e-mail). Leave empty to answer privately."),
    )


class LeaderboardForm(FlaskForm):
    enabled = BooleanField(_l("Show a leaderboard of clicks per share to everyone"))
