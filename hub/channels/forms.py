"""Forms for official accounts and requests: they check shape; the services check rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from hub.channels.models import CHANNEL_PLATFORMS, OPENED_BY_LABELS, STATUS_LABELS, ChannelStatus, OpenedBy
from hub.channels.services import HANDLE_MAX, NOTE_MAX, TEXT_MAX, URL_MAX
from hub.forms import FlaskForm
from hub.i18n import _, _l

# Platform names are never translated, except the catch-all "Other".
PLATFORM_CHOICES = [SelectChoice("", _l("Choose…"))] + [
    SelectChoice(pid, _l("Other") if pid == "other" else name) for pid, name in CHANNEL_PLATFORMS.items()
]


def optional_id(value: Any) -> int | None:
    """Coerce a select's value to an id; "" (nobody) becomes None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class ChannelForm(FlaskForm):
    platform = SelectField(_l("Platform"), choices=PLATFORM_CHOICES, validators=[DataRequired()])
    handle = StringField(
        _l("Handle or name"),
        validators=[DataRequired(), Length(max=HANDLE_MAX)],
        description=_l("As people see it: @acme, or the page's name."),
    )
    url = StringField(_l("Address"), validators=[DataRequired(), Length(max=URL_MAX)], description="https://…")
    purpose = TextAreaField(
        _l("Purpose"), validators=[Length(max=TEXT_MAX)], description=_l("Why this account exists.")
    )
    audience = TextAreaField(_l("Audience"), validators=[Length(max=TEXT_MAX)], description=_l("Who it speaks to."))
    owner_id = SelectField(_l("Owner"), coerce=optional_id, validate_choice=True)
    backup_owner_id = SelectField(_l("Backup owner"), coerce=optional_id, validate_choice=True)
    opened_by = SelectField(
        _l("Opened by"),
        choices=[SelectChoice(o.value, OPENED_BY_LABELS[o.value]) for o in OpenedBy],
        default=OpenedBy.INTERNAL.value,
    )
    agency = StringField(
        _l("Agency"), validators=[Optional(), Length(max=200)], description=_l("If an agency opened it.")
    )
    campaign = StringField(
        _l("Campaign"), validators=[Optional(), Length(max=200)], description=_l("If it was opened for a campaign.")
    )
    campaign_end = DateField(_l("Campaign end date"), validators=[Optional()])
    last_activity_on = DateField(
        _l("Last activity"), validators=[Optional()], description=_l("The last day anyone posted there.")
    )

    def set_people(self, people: Sequence[Any], keep: Sequence[Any] = ()) -> None:
        """Offer ``people`` as owners, plus ``keep`` (current owners who have left), marked as such."""
        choices = [SelectChoice("", _("Nobody"))] + [SelectChoice(str(p.id), p.display_name) for p in people]
        known = {p.id for p in people}
        choices += [
            SelectChoice(str(p.id), _("%(name)s (deactivated)", name=p.display_name))
            for p in keep
            if p is not None and p.id not in known
        ]
        self.owner_id.choices = choices
        self.backup_owner_id.choices = list(choices)


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, STATUS_LABELS[s.value]) for s in (ChannelStatus.ACTIVE, ChannelStatus.DORMANT)],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])


class ActivityForm(FlaskForm):
    on = DateField(_l("Posted on"), validators=[DataRequired()])
    link = StringField(_l("Link to the post"), validators=[Optional(), Length(max=URL_MAX)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])


class StartClosingForm(FlaskForm):
    main_channel_id = SelectField(_l("Send followers to"), coerce=optional_id, validators=[DataRequired()])

    def set_accounts(self, channels: list[Any]) -> None:
        """Offer ``channels`` (the accounts followers may be sent to)."""
        self.main_channel_id.choices = [SelectChoice(str(c.id), c.label) for c in channels]


class ChecklistForm(FlaskForm):
    farewell_text = TextAreaField(_l("The farewell as posted"), validators=[Optional(), Length(max=70_000)])


class CloseForm(FlaskForm):
    closed_on = DateField(_l("Closed on"), validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])


class RequestForm(FlaskForm):
    platform = SelectField(_l("Platform"), choices=PLATFORM_CHOICES, validators=[DataRequired()])
    handle = StringField(_l("Handle you would like (optional)"), validators=[Optional(), Length(max=HANDLE_MAX)])
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description=_l("What would it do that our existing accounts cannot?"),
    )
    audience = TextAreaField(
        _l("Audience"), validators=[DataRequired(), Length(max=TEXT_MAX)], description=_l("Who would follow it?")
    )


class DeclineForm(FlaskForm):
    note = TextAreaField(_l("Why not (the requester sees this)"), validators=[DataRequired(), Length(max=NOTE_MAX)])


class ApproveForm(ChannelForm):
    note = StringField(_l("Note to the requester (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
