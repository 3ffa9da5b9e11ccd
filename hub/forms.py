"""Forms shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that POST."""


class RevisionIdField(HiddenField):
    """The hidden id of the revision an edit was written on: ``data`` is an int, or None when
    it is missing or unreadable (the services then treat the edit as stale)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = int(raw) if raw.isdigit() else None
