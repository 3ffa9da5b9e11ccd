"""Forms shared by every domain, and the base form they all derive from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import g
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import DecimalField, Field, Form, HiddenField, IntegerField
from wtforms.validators import ValidationError

from hub.i18n import _
from hub.inputs import MAX_INT, unstorable_kind
from hub.lib.markdown import markup_problem


class FlaskForm(_FlaskForm):
    """Flask-WTF's form (CSRF included) that also refuses text no database can store: a field whose
    submitted value holds a NUL or a lone surrogate gets an error and keeps what was typed, and the
    response becomes a 422 (``g.unstorable_input``; see ``hub.inputs``). Every form in hub derives
    from this class (``tests/test_inputs.py`` checks it)."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            for raw in field.raw_data or ():
                kind = unstorable_kind(raw) if isinstance(raw, str) else None
                if kind:
                    if kind == "nul":
                        message = _("This field contains a NUL character, which cannot be stored; "
                                    "remove it and try again.")
                    else:
                        message = _("This field contains a character that is not valid Unicode text; "
                                    "remove it and try again.")
                    field.errors = [*field.errors, message]
                    g.unstorable_input = True
                    valid = False
                    break
        return valid


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that POST."""


class RevisionIdField(HiddenField):
    """The hidden id of the revision an edit was written on: ``data`` is an int, or None when
    it is missing or unreadable (the services then treat the edit as stale)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = int(raw) if raw.isdecimal() and len(raw) <= 10 and int(raw) <= MAX_INT else None


class MarkdownBudget:
    """Validator: refuse Markdown that asks for more formatting than hub renders (checked before
    any parsing; the text stays in the form)."""

    def __call__(self, form: Form, field: Field) -> None:
        problem = markup_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class FiniteDecimalField(DecimalField):
    """A decimal number that is a number: ``NaN``, ``sNaN`` and ``Infinity`` (which Python's Decimal
    reads, and which break every comparison and conversion after) are refused with a field error."""

    data: Decimal | None

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class IdField(IntegerField):
    """The id of a record, typed by hand or picked: an integer a database column can hold, else a field
    error (instead of an overflow in the query that looks it up)."""

    data: int | None

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not 0 <= self.data <= MAX_INT:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
