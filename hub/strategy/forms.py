"""Forms for the strategy: they check shape; the services check rules."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hub.forms import FiniteDecimalField, FlaskForm, RevisionIdField
from hub.i18n import _l
from hub.platforms import PLATFORMS
from hub.strategy.models import ALL_PLATFORMS, METRIC_LABELS, KpiMetric
from hub.strategy.services import BODY_MAX, NOTE_MAX, TARGET_MAX


class SectionForm(FlaskForm):
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=BODY_MAX)])
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
    base_revision_id = RevisionIdField()


class RestoreForm(FlaskForm):
    base_revision_id = RevisionIdField()


class KpiTargetForm(FlaskForm):
    platform = SelectField(
        _l("Platform"),
        choices=[SelectChoice(ALL_PLATFORMS, _l("All platforms"))]
        + [SelectChoice(p.id, p.name) for p in PLATFORMS.values()],
    )
    metric = SelectField(_l("Measure"), choices=[SelectChoice(m.value, METRIC_LABELS[m.value]) for m in KpiMetric])
    target = FiniteDecimalField(
        _l("Target per month"), places=None, validators=[InputRequired(), NumberRange(min=0, max=TARGET_MAX)]
    )
    note = StringField(_l("Why this number (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
