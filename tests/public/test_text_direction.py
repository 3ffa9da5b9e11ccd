"""Text people write may run right to left (Arabic, Hebrew): every place that shows it lets the
browser decide its direction (``dir="auto"``, names in ``<bdi>``), so a title's or a paragraph's full
stop lands on the right side (tests/browser/test_phone_and_a11y.py checks the rendering itself)."""

from __future__ import annotations

import re

from hub.suggestions import services as suggestions
from hub.suggestions.models import SuggestionKind
from hub.suggestions.services import SuggestionInput

ARABIC = "نحن نعمل من ثلاث مدن."


def has_auto(html: str, tag: str, text: str) -> bool:
    """Whether an element ``tag`` with a direction (dir="auto", or dir="rtl" where hub detected the
    post's language as right-to-left) holds ``text`` (directly or in a child)."""
    return re.search(rf'<{tag}\b[^>]*\bdir="(?:auto|rtl)"[^>]*>(?:(?!</{tag}>).)*{re.escape(text)}', html, re.S) is not None


def test_titles_bodies_comments_and_names_are_marked(client, auth, make_user, make_post, session) -> None:
    author = make_user(name="ليلى حسن")
    post = make_post(author=author, title="كيف نعمل معاً", summary="ملخص قصير", body=ARABIC, publish=True)
    home = client.get("/").get_data(as_text=True)
    assert has_auto(home, "h2", "كيف نعمل معاً")
    assert has_auto(home, "p", "ملخص قصير")
    assert "<bdi>ليلى حسن</bdi>" in home
    page = client.get(f"/p/{post.id}-{post.slug}").get_data(as_text=True)
    assert has_auto(page, "h1", "كيف نعمل معاً")
    assert has_auto(page, "div", ARABIC)  # the body
    assert "<bdi>ليلى حسن</bdi>" in page

    colleague = make_user()
    suggestions.submit_suggestion(session, post, colleague, SuggestionInput(
        SuggestionKind.COMMENT, post.current_revision_id, message="لماذا؟"))
    session.commit()
    auth.login(author)
    thread = client.get(f"/posts/{post.id}/suggestions").get_data(as_text=True)
    assert has_auto(thread, "p", "لماذا؟")
    editor = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    for tag, field_id in (("input", "title"), ("textarea", "body")):
        element = re.search(rf'<{tag}\b[^>]*\bid="{field_id}"[^>]*>', editor)
        assert element and 'dir="auto"' in element.group(0), field_id
    share = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert re.search(r'<textarea\b[^>]*class="share-text"[^>]*dir="auto"', share)
