"""Forms for people: they check shape; the services check rules."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from hub import i18n
from hub.auth.models import ROLE_LABELS, Role
from hub.forms import FlaskForm
from hub.i18n import _l

ROLE_CHOICES = [SelectChoice(r.value, ROLE_LABELS[r.value]) for r in Role]


class SignUpForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Work e-mail"), validators=[DataRequired(), Length(max=254)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ConfirmSignUpForm(FlaskForm):
    password = PasswordField(_l("The password you chose"), validators=[DataRequired(), Length(max=1000)])


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1000)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1000)])


HANDLE_PLATFORMS = [
    ("linkedin", "LinkedIn"),
    ("x", "X"),
    ("bluesky", "Bluesky"),
    ("mastodon", "Mastodon"),
    ("threads", "Threads"),
    ("instagram", "Instagram"),
    ("facebook", "Facebook"),
    ("reddit", "Reddit"),
]


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=600)])
    handle_linkedin = StringField("LinkedIn", validators=[Optional(), Length(max=200)])
    handle_x = StringField("X", validators=[Optional(), Length(max=200)])
    handle_bluesky = StringField("Bluesky", validators=[Optional(), Length(max=200)])
    handle_mastodon = StringField(
        "Mastodon", validators=[Optional(), Length(max=200)], description="@you@your.instance"
    )
    mastodon_limit = IntegerField(
        _l("Your Mastodon server's post limit"),
        validators=[Optional(), NumberRange(100, 100_000)],
        description=_l("Leave empty for the usual 500 characters."),
    )
    handle_threads = StringField("Threads", validators=[Optional(), Length(max=200)])
    handle_instagram = StringField("Instagram", validators=[Optional(), Length(max=200)])
    handle_facebook = StringField("Facebook", validators=[Optional(), Length(max=200)])
    handle_reddit = StringField("Reddit", validators=[Optional(), Length(max=200)])
    digest_opt_in = BooleanField(_l("E-mail me a daily digest of my unread notifications"))
    leaderboard_opt_out = BooleanField(_l("Show me as “Anonymous colleague” on the leaderboard"))
    # "": follow the browser's language. Each language is named in itself.
    language = SelectField(
        i18n._l("Language"),
        choices=[SelectChoice("", i18n._l("Browser default")),
                 *(SelectChoice(code, name, render_kw={"lang": code}) for code, name in i18n.LANGUAGES.items())],
        default="",
        filters=[lambda code: code or ""],  # None in the profile: the browser default
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("E-mail (optional: leave empty for a link anyone can use once)"), validators=[Optional(), Length(max=254)]
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="employee")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class DomainsForm(FlaskForm):
    domains = TextAreaField(_l("Allowed e-mail domains, one a line"), validators=[Length(max=5000)])

