"""The form that makes an access token (shape only; the services check the rules)."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from hub.forms import FlaskForm
from hub.i18n import _l

SCOPE_CHOICES = [SelectChoice("read", _l("Read: posts, share texts, topics, insights")),
                 SelectChoice("read,write", _l("Read and write: also create drafts and publish"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What uses it, e.g. “Weekly report script”."))
    scopes = SelectField(_l("Access"), choices=SCOPE_CHOICES, default="read", validators=[DataRequired()])
