"""Forms shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, Form, HiddenField
from wtforms.validators import ValidationError

from hub.lib.markdown import markup_problem


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that POST."""


class RevisionIdField(HiddenField):
    """The hidden id of the revision an edit was written on: ``data`` is an int, or None when
    it is missing or unreadable (the services then treat the edit as stale)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = int(raw) if raw.isdigit() else None


class MarkdownBudget:
    """Validator: refuse Markdown that asks for more formatting than hub renders (checked before
    any parsing; the text stays in the form)."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = markup_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
