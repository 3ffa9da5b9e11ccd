"""Forms for topics: they check shape; the services check rules."""

from __future__ import annotations

from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from hub.auth.forms import HANDLE_PLATFORMS
from hub.forms import FlaskForm
from hub.topics.services import AUDIENCE_MAX, BRIEF_MAX, MESSAGES_MAX, TITLE_MAX


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TopicForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX)])
    brief = TextAreaField(
        "Brief (Markdown)",
        validators=[Length(max=BRIEF_MAX)],
        description="What is worth telling, and why now. Writers see it beside the editor.",
    )
    audience = StringField(
        "Audience",
        validators=[Optional(), Length(max=AUDIENCE_MAX)],
        description="Who it is for, e.g. “Job seekers”. People can follow an audience.",
    )
    platforms = CheckboxesField(
        "Platforms that fit", choices=[SelectChoice(p, label) for p, label in HANDLE_PLATFORMS], validate_choice=True
    )
    key_messages = TextAreaField(
        "Key messages or links (one a line)", validators=[Optional(), Length(max=MESSAGES_MAX)]
    )
    hashtags = StringField(
        "Suggested hashtags", validators=[Optional(), Length(max=1000)], description="#launch, #hiring"
    )
    useful_until = DateField("Useful until (optional)", validators=[Optional()])


class AreaForm(FlaskForm):
    area = StringField("Audience", validators=[Length(max=AUDIENCE_MAX)])


class LinkTopicForm(FlaskForm):
    topic_id = SelectField("Topic", coerce=str, validate_choice=True)

