"""Forms of the library: they check shape; the services check rules."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from hub.forms import FlaskForm
from hub.i18n import _l
from hub.library.services import COMMENT_MAX, TITLE_MAX, URL_MAX


def _topic_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


class ItemForm(FlaskForm):
    """Add an outside article: paste the URL, fetch its preview (or type a title), say why."""

    url = StringField(_l("Address of the article"), validators=[Length(max=URL_MAX + 100)],
                      description=_l("Paste the link (https://…). hub reads its title, description and image."))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX + 100)],
                        description=_l("Filled in from the page; type or correct it yourself if you like."))
    comment = TextAreaField(_l("Why it is worth reading (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX + 100)],
                            description=_l("Your own words; colleagues see them, and your share texts start "
                                           "from them."))
    topic_id = SelectField(_l("Topic (optional)"), coerce=_topic_id, validate_choice=False)
    use_utm = BooleanField(_l("Add UTM parameters to the links"),
                           description=_l("Off by default: other sites' analytics are theirs. Turn it on only if the "
                                          "site asked for it."))
    description = HiddenField(validators=[Optional(), Length(max=4000)])
    image_url = HiddenField(validators=[Optional(), Length(max=URL_MAX)])
    language = HiddenField(validators=[Optional(), Length(max=16)])
    site_name = HiddenField(validators=[Optional(), Length(max=300)])
    fetched = HiddenField(validators=[Optional(), Length(max=1)])


class EditItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX + 100)])
    comment = TextAreaField(_l("Why it is worth reading"), validators=[Optional(), Length(max=COMMENT_MAX + 100)])
    topic_id = SelectField(_l("Topic"), coerce=_topic_id, validate_choice=False)
    use_utm = BooleanField(_l("Add UTM parameters to the links"),
                           description=_l("Off by default: other sites' analytics are theirs."))


class PickForm(FlaskForm):
    comment = TextAreaField(_l("Your comment (optional)"), validators=[Optional(), Length(max=COMMENT_MAX + 100)])


class FeedForm(FlaskForm):
    url = StringField(_l("Feed address (RSS or Atom)"), validators=[Length(max=URL_MAX + 100)],
                      description=_l("New articles arrive in the library waiting for comms to pick them."))
    title = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=300)],
                        description=_l("Taken from the feed if left empty."))
