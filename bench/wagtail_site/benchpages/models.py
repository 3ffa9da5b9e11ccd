from wagtail.fields import RichTextField
from wagtail.models import Page


class BenchPage(Page):
    """A page with a title and a rich-text body: the post of bench/public_http.py."""

    body = RichTextField()
