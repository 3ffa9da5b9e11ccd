"""Forms for topics: they check shape; the services check rules."""

from __future__ import annotations

from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from hub.auth.forms import HANDLE_PLATFORMS
from hub.forms import FlaskForm
from hub.i18n import _l
from hub.topics.services import AUDIENCE_MAX, BRIEF_MAX, MESSAGES_MAX, TITLE_MAX


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TopicForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
    brief = TextAreaField(
        _l("Brief (Markdown)"),
        validators=[Length(max=BRIEF_MAX)],
        description=_l("What is worth telling, and why now. Writers see it beside the editor."),
    )
    audience = StringField(
        _l("Audience"),
        validators=[Optional(), Length(max=AUDIENCE_MAX)],
        description=_l("Who it is for, e.g. “Job seekers”. People can follow an audience."),
    )
    platforms = CheckboxesField(
        _l("Platforms that fit"),
        choices=[SelectChoice(p, label) for p, label in HANDLE_PLATFORMS],
        validate_choice=True,
    )
    key_messages = TextAreaField(
        _l("Key messages or links (one a line)"), validators=[Optional(), Length(max=MESSAGES_MAX)]
    )
    hashtags = StringField(
        _l("Suggested hashtags"), validators=[Optional(), Length(max=1000)], description="#launch, #hiring"
    )
    useful_until = DateField(_l("Useful until (optional)"), validators=[Optional()])


class AreaForm(FlaskForm):
    area = StringField(_l("Audience"), validators=[Length(max=AUDIENCE_MAX)])


class LinkTopicForm(FlaskForm):
    topic_id = SelectField(_l("Topic"), coerce=str, validate_choice=True)

