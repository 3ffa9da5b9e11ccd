"""Forms for official accounts and requests: they check shape; the services check rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from hub.channels.models import CHANNEL_PLATFORMS, ChannelStatus, OpenedBy
from hub.channels.services import HANDLE_MAX, NOTE_MAX, TEXT_MAX, URL_MAX
from hub.forms import FlaskForm

PLATFORM_CHOICES = [SelectChoice("", "Choose…")] + [SelectChoice(pid, name) for pid, name in CHANNEL_PLATFORMS.items()]


def optional_id(value: Any) -> int | None:
    """Coerce a select's value to an id; "" (nobody) becomes None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class ChannelForm(FlaskForm):
    platform = SelectField("Platform", choices=PLATFORM_CHOICES, validators=[DataRequired()])
    handle = StringField(
        "Handle or name",
        validators=[DataRequired(), Length(max=HANDLE_MAX)],
        description="As people see it: @acme, or the page's name.",
    )
    url = StringField("Address", validators=[DataRequired(), Length(max=URL_MAX)], description="https://…")
    purpose = TextAreaField("Purpose", validators=[Length(max=TEXT_MAX)], description="Why this account exists.")
    audience = TextAreaField("Audience", validators=[Length(max=TEXT_MAX)], description="Who it speaks to.")
    owner_id = SelectField("Owner", coerce=optional_id, validate_choice=True)
    backup_owner_id = SelectField("Backup owner", coerce=optional_id, validate_choice=True)
    opened_by = SelectField(
        "Opened by", choices=[SelectChoice(o.value, o.label) for o in OpenedBy], default=OpenedBy.INTERNAL.value
    )
    agency = StringField("Agency", validators=[Optional(), Length(max=200)], description="If an agency opened it.")
    campaign = StringField(
        "Campaign", validators=[Optional(), Length(max=200)], description="If it was opened for a campaign."
    )
    campaign_end = DateField("Campaign end date", validators=[Optional()])
    last_activity_on = DateField(
        "Last activity", validators=[Optional()], description="The last day anyone posted there."
    )

    def set_people(self, people: Sequence[Any], keep: Sequence[Any] = ()) -> None:
        """Offer ``people`` as owners, plus ``keep`` (current owners who have left), marked as such."""
        choices = [SelectChoice("", "Nobody")] + [SelectChoice(str(p.id), p.display_name) for p in people]
        known = {p.id for p in people}
        choices += [
            SelectChoice(str(p.id), f"{p.display_name} (deactivated)")
            for p in keep
            if p is not None and p.id not in known
        ]
        self.owner_id.choices = choices
        self.backup_owner_id.choices = list(choices)


class StatusForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(s.value, s.label) for s in (ChannelStatus.ACTIVE, ChannelStatus.DORMANT)]
    )
    note = StringField("Note", validators=[Optional(), Length(max=NOTE_MAX)])


class ActivityForm(FlaskForm):
    on = DateField("Posted on", validators=[DataRequired()])
    link = StringField("Link to the post", validators=[Optional(), Length(max=URL_MAX)])
    note = StringField("Note", validators=[Optional(), Length(max=NOTE_MAX)])


class StartClosingForm(FlaskForm):
    main_channel_id = SelectField("Send followers to", coerce=optional_id, validators=[DataRequired()])

    def set_accounts(self, channels: list[Any]) -> None:
        """Offer ``channels`` (the accounts followers may be sent to)."""
        self.main_channel_id.choices = [SelectChoice(str(c.id), c.label) for c in channels]


class ChecklistForm(FlaskForm):
    farewell_text = TextAreaField("The farewell as posted", validators=[Optional(), Length(max=70_000)])


class CloseForm(FlaskForm):
    closed_on = DateField("Closed on", validators=[DataRequired()])
    note = StringField("Note", validators=[Optional(), Length(max=NOTE_MAX)])


class RequestForm(FlaskForm):
    platform = SelectField("Platform", choices=PLATFORM_CHOICES, validators=[DataRequired()])
    handle = StringField("Handle you would like (optional)", validators=[Optional(), Length(max=HANDLE_MAX)])
    purpose = TextAreaField(
        "Purpose",
        validators=[DataRequired(), Length(max=TEXT_MAX)],
        description="What would it do that our existing accounts cannot?",
    )
    audience = TextAreaField(
        "Audience", validators=[DataRequired(), Length(max=TEXT_MAX)], description="Who would follow it?"
    )


class DeclineForm(FlaskForm):
    note = TextAreaField("Why not (the requester sees this)", validators=[DataRequired(), Length(max=NOTE_MAX)])


class ApproveForm(ChannelForm):
    note = StringField("Note to the requester (optional)", validators=[Optional(), Length(max=NOTE_MAX)])
