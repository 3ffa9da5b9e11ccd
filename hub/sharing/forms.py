"""Forms of the share page (JSON endpoints take the same fields as form data)."""

from __future__ import annotations

from wtforms import SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from hub import platforms
from hub.forms import FlaskForm, IdField
from hub.i18n import _l
from hub.rewrite import OWN_WORDS_MAX


class ShareTextForm(FlaskForm):
    platform = StringField(validators=[DataRequired(), Length(max=16)])
    text = TextAreaField(validators=[Length(max=70_000)])
    subject = StringField(validators=[Optional(), Length(
        max=300, message=_l("The subject or title is too long: %(length)d characters, %(max)d at most."))])


class ShareEventForm(ShareTextForm):
    kind = StringField(validators=[DataRequired(), Length(max=16)])


class OwnWordsForm(FlaskForm):
    # A loose bound on shape; the service's OWN_WORDS_MAX says the real limit, clearly.
    words = TextAreaField(_l("In your own words"), validators=[Optional(), Length(
        max=5000, message=_l("Keep it to a line or two: %(most)s characters at most.", most=OWN_WORDS_MAX))])


class DisclosureForm(FlaskForm):
    disclosure = StringField(_l("Disclosure line"), validators=[Optional(), Length(max=60)])


class WriterForm(FlaskForm):
    """Asks the language-model writer for texts; ``own_words`` are the person's own line, if any."""

    own_words = StringField(validators=[Optional(), Length(max=OWN_WORDS_MAX)])


class NetworksForm(FlaskForm):
    """The networks a person shares to; ``post_id``: the share page to go back to."""

    networks = SelectMultipleField(
        _l("Your networks"), choices=[SelectChoice(p.id, p.name) for p in platforms.PLATFORMS.values()],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
        validate_choice=False,  # the service names an unknown network clearly
    )
    post_id = IdField(validators=[Optional()])
