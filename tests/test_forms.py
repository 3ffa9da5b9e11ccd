"""Shared form pieces."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from hub.forms import RevisionIdField


class _Edit(Form):
    base_revision_id = RevisionIdField()


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), (" 7 ", 7), ("", None), ("abc", None), ("-3", None), ("1.5", None)])
def test_revision_id_field_reads_an_int_or_none(raw, expected):
    assert _Edit(MultiDict({"base_revision_id": raw})).base_revision_id.data == expected


def test_revision_id_field_renders_what_it_holds():
    assert 'value="42"' in _Edit(base_revision_id=42).base_revision_id()
    assert 'value=""' in _Edit().base_revision_id()
