"""Images carry the description the editor asked for; an image from another site is never an
empty <img>: it becomes a link to it, and the editor's preview and save say so."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hub.lib.markdown import outside_images, render_markdown
from hub.lib.sanitize import sanitize_html


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def signed_in(auth, make_user):  # type: ignore[no-untyped-def]
    return auth.login(make_user())


def test_uploaded_image_is_inserted_with_its_description(client, signed_in):
    response = client.post("/images", data={"image": (io.BytesIO(_png()), "team.png"),
                                            "alt": "Our team [on] the roof"}, content_type="multipart/form-data")
    answer = response.get_json()
    assert response.status_code == 200
    assert answer["markdown"] == f"![Our team on the roof]({answer['url']})"
    html = render_markdown(answer["markdown"])
    assert f'<img src="{answer["url"]}" alt="Our team on the roof">' in html


def test_an_image_without_description_is_never_called_image(client, signed_in):
    response = client.post("/images", data={"image": (io.BytesIO(_png()), "x.png")}, content_type="multipart/form-data")
    assert response.get_json()["markdown"].startswith("![](")


def test_outside_images_become_links_never_empty_images():
    text = "See ![our stand](https://example.com/stand.jpg) and ![](http://cdn.example.org/a.gif) and ![ok](/img/a.png)"
    html = render_markdown(text)
    assert '<a href="https://example.com/stand.jpg" rel="noopener noreferrer nofollow ugc">Image: our stand</a>' in html
    assert '<a href="http://cdn.example.org/a.gif" rel="noopener noreferrer nofollow ugc">http://cdn.example.org/a.gif</a>' in html
    assert html.count("<img") == 1 and '<img src="/img/a.png" alt="ok">' in html
    assert outside_images(text) == ["https://example.com/stand.jpg", "http://cdn.example.org/a.gif"]
    assert outside_images("![ok](/img/a.png) [a link](https://example.com)") == []


def test_sanitizer_drops_an_image_whose_address_it_refused():
    assert sanitize_html('<p>a<img src="https://evil.example/px.gif" alt="x>y">b</p>') == "<p>ab</p>"
    assert sanitize_html('<img src="/img/a.png" alt="ok">') == '<img src="/img/a.png" alt="ok">'


def test_preview_and_save_warn_about_outside_images(client, signed_in):
    body = "Hello ![stand](https://example.com/stand.jpg)"
    preview = client.post("/posts/preview", data={"body": body}).get_json()
    assert preview["outside_images"] == ["https://example.com/stand.jpg"] and "<img" not in preview["html"]
    response = client.post("/write", data={"title": "Stand", "body": body, "action": "save"}, follow_redirects=True)
    assert "Images from other sites are not shown in posts (https://example.com/stand.jpg)" in response.get_data(
        as_text=True)
    editor = client.get("/write").get_data(as_text=True)
    assert 'id="image-describe"' in editor and "Describe the image for people who cannot see it" in editor
