"""The form that adds a chat channel (shape only; the services check the rules)."""

from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from hub.chat.models import CHAT_EVENT_LABELS, ChatEvent, ChatKind
from hub.forms import FlaskForm
from hub.i18n import _l


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WebhookForm(FlaskForm):
    kind = SelectField(_l("Service"), choices=[SelectChoice(k.value, k.label) for k in ChatKind])
    name = StringField(_l("Channel"), validators=[DataRequired(), Length(max=80)],
                       description=_l("How you will recognise it here, e.g. #marketing."))
    url = StringField(_l("Incoming webhook address"), validators=[DataRequired(), Length(max=2000)],
                      description=_l("From Slack (Incoming Webhooks) or Teams (Workflows or Incoming Webhook). "
                                     "It is a secret: after saving, hub shows only its host and last characters."))
    events = CheckboxesField(_l("Tell the channel about"),
                             choices=[SelectChoice(e.value, CHAT_EVENT_LABELS[e.value]) for e in ChatEvent],
                             default=[e.value for e in ChatEvent])
    areas = StringField(_l("Only for these areas"), validators=[Length(max=600)],
                        description=_l("Topic audiences, comma separated (e.g. Job seekers, Customers); "
                                       "empty for every topic. The digest covers every post."))


class AddressForm(FlaskForm):
    """A channel's webhook address typed in again (when hub can no longer read the saved one)."""

    url = StringField(_l("Incoming webhook address"), validators=[DataRequired(), Length(max=2000)])
