"""Image uploads: only real raster images get in, re-encoded without their metadata, and are
served so that a browser can never treat them as a page.

Fixtures come from ../shared/corpora/security/upload_fixtures (SVGs with script, images with
script in EXIF/XMP/comments); the rest are generated here with Pillow, each carrying a marker
in every metadata field its format has, so that the test can tell the metadata is gone.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageSequence, PngImagePlugin

from hub.lib.images import CleanImage, ImageRejected, clean_image
from hub.posts.models import Image as StoredImage
from tests.conftest import CORPORA, corpus

FIXTURES = CORPORA / "security" / "upload_fixtures" / "payloadsallthethings"
SVGS = sorted(FIXTURES.glob("*.svg")) if FIXTURES.exists() else []
RASTERS = sorted(p for p in FIXTURES.glob("*") if p.suffix in {".png", ".jpg"}) if FIXTURES.exists() else []
MARKER = "HUBMARKER-5ab1e"
# What the corpus images carry in their metadata, in the encodings they use (UTF-16 for XP tags).
PAYLOADS = [b"<script", b"alert(", b"onload", b"<svg", "<script".encode("utf-16-le"), b"cript>alert"]
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


@pytest.fixture
def app_config():
    return {"IMAGE_MAX_BYTES": 50_000}


# --- making images ----------------------------------------------------------------------------


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010E] = f"{MARKER} ImageDescription"  # ImageDescription
    exif[0x013B] = f"{MARKER} Artist"  # Artist
    exif[0x8298] = f"{MARKER} Copyright"  # Copyright
    return exif


def make_image(fmt: str, size: tuple[int, int] = (64, 48), *, marked: bool = True, noise: bool = False) -> bytes:
    """A small image in ``fmt``; with ``marked``, MARKER sits in every metadata field Pillow writes."""
    if noise:
        im = Image.frombytes("RGB", size, random.Random(size[0] * size[1]).randbytes(size[0] * size[1] * 3))
    else:
        im = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{MARKER} xmp</rdf:Description></x:xmpmeta>'.encode()
    if fmt == "PNG":
        kwargs = {}
        if marked:
            info = PngImagePlugin.PngInfo()
            info.add_text("Comment", f"{MARKER} tEXt <script>alert(1)</script>")
            info.add_itxt("Description", f"{MARKER} iTXt")
            info.add_text("Title", f"{MARKER} zTXt", zip=True)
            kwargs = {"pnginfo": info, "exif": _exif()}
        im.save(out, "PNG", **kwargs)
    elif fmt == "JPEG":
        kwargs = {"exif": _exif(), "comment": f"{MARKER} COM <script>alert(1)</script>".encode(), "xmp": xmp} if marked else {}
        im.save(out, "JPEG", quality=90, **kwargs)
    elif fmt == "GIF":
        kwargs = {"comment": f"{MARKER} comment".encode()} if marked else {}
        im.save(out, "GIF", **kwargs)
    elif fmt == "WEBP":
        kwargs = {"exif": _exif(), "xmp": xmp} if marked else {}
        im.save(out, "WEBP", **kwargs)
    else:
        raise ValueError(fmt)
    data = out.getvalue()
    if marked and fmt != "PNG":  # PNG's zTXt is compressed; its tEXt and eXIf are not
        assert MARKER.encode() in data
    return data


def bomb_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of ``width``×``height`` zero pixels: kilobytes on disk, hundreds of
    megabytes once decoded. Written by hand: Pillow would need the whole bitmap in memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def animated_gif(size: tuple[int, int], frames: int) -> bytes:
    images = [Image.new("P", size, i % 2) for i in range(frames)]
    for im in images:
        im.putpalette([255, 0, 0, 0, 0, 255])
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=50, loop=0)
    return out.getvalue()


def upload(client, data: bytes, filename: str = "photo.png", content_type: str | None = None, alt: str = "An image"):  # type: ignore[no-untyped-def]
    file = (io.BytesIO(data), filename, content_type) if content_type else (io.BytesIO(data), filename)
    return client.post("/images", data={"image": file, "alt": alt}, content_type="multipart/form-data")


def served(client, response):  # type: ignore[no-untyped-def]
    """GET the uploaded image named in an upload's JSON answer; checks the serving headers."""
    assert response.status_code == 200, response.get_data(as_text=True)
    url = response.get_json()["url"]
    assert url.startswith("/img/")
    image = client.get(url)
    assert image.status_code == 200
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    csp = [d.strip() for d in image.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp
    return url, image


def decode(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def metadata_left(im: Image.Image) -> list[str]:
    """Metadata a decoder still finds in ``im`` (JFIF density and GIF/WebP framing are not metadata)."""
    harmless = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "version", "background", "loop",
                "duration", "transparency", "progressive", "progression", "timestamp"}
    left = [k for k in im.info if k not in harmless]
    if len(im.getexif()):
        left.append("exif")
    return left


@pytest.fixture
def signed_in(auth, make_user):  # type: ignore[no-untyped-def]
    return auth.login(make_user())


# --- the upload endpoint -----------------------------------------------------------------------


@pytest.mark.parametrize("path", SVGS, ids=[p.name for p in SVGS])
def test_svg_is_refused_with_a_clear_message(client, session, signed_in, path: Path):
    corpus("security", "upload_fixtures")
    raw = path.read_bytes()
    for filename, content_type in ((path.name, "image/svg+xml"), ("innocent.png", "image/png")):
        response = upload(client, raw, filename, content_type)
        assert response.status_code == 422
        assert "SVG" in response.get_json()["message"]
    assert session.query(StoredImage).count() == 0


def test_svg_hiding_behind_a_bom_or_comment_is_refused(client, session, signed_in):
    for raw in (b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
                b"<!-- hello --><svg onload='alert(1)'/>", b"\n\n  <SVG onload=alert(1)>",
                b"<html><script>alert(1)</script></html>"):
        response = upload(client, raw, "x.png", "image/png")
        assert response.status_code == 422, raw
        assert response.get_json()["message"]
    assert session.query(StoredImage).count() == 0


@pytest.mark.parametrize("path", RASTERS, ids=[p.name for p in RASTERS])
def test_corpus_image_is_accepted_without_its_metadata(client, session, signed_in, path: Path):
    corpus("security", "upload_fixtures")
    raw = path.read_bytes()
    assert any(p in raw or p in zlib_texts(raw) for p in PAYLOADS), "fixture carries no payload?"
    response = upload(client, raw, path.name)
    url, image = served(client, response)
    data = image.data
    for payload in PAYLOADS:
        assert payload not in data, payload
    im = decode(data)
    assert im.format == {".png": "PNG", ".jpg": "JPEG"}[path.suffix]
    assert image.headers["Content-Type"] == CONTENT_TYPES[im.format]
    assert url.endswith("." + EXTENSIONS[im.format])
    assert metadata_left(im) == []
    stored = session.query(StoredImage).one()
    assert stored.data == data
    assert (stored.width, stored.height) == im.size == tuple(response.get_json()[k] for k in ("width", "height"))


def zlib_texts(raw: bytes) -> bytes:
    """The inflated text of a PNG's zTXt/iCCP chunks (empty for other files)."""
    out = b""
    pos = 8
    while raw.startswith(b"\x89PNG") and pos + 8 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + length]
        if kind in (b"zTXt", b"iCCP"):
            try:
                out += zlib.decompress(body[body.index(b"\0") + 2:])
            except (ValueError, zlib.error):
                pass
        pos += 12 + length
    return out


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_generated_image_loses_every_marker(client, signed_in, fmt):
    raw = make_image(fmt)
    response = upload(client, raw, f"photo.{EXTENSIONS[fmt]}")
    url, image = served(client, response)
    assert MARKER.encode() not in image.data
    assert MARKER.encode() not in zlib_texts(image.data)
    assert b"<script" not in image.data
    im = decode(image.data)
    assert im.format == fmt
    assert im.size == (64, 48)
    assert image.headers["Content-Type"] == CONTENT_TYPES[fmt]
    assert url.endswith("." + EXTENSIONS[fmt])
    assert metadata_left(im) == []
    assert MARKER not in json.dumps({k: repr(v) for k, v in im.info.items()})


def test_png_named_jpg_is_stored_and_served_as_png(client, signed_in):
    response = upload(client, make_image("PNG"), "holiday.jpg", "image/jpeg")
    url, image = served(client, response)
    assert url.endswith(".png")
    assert image.headers["Content-Type"] == "image/png"
    assert decode(image.data).format == "PNG"


def _truncated(fmt: str) -> bytes:
    data = make_image(fmt, (120, 90), marked=False, noise=True)
    return data[: len(data) // 2]


@pytest.mark.parametrize("raw", [
    pytest.param(b"", id="empty"),
    pytest.param(b"\x00\x01garbage" * 50, id="garbage"),
    pytest.param(b"GIF89a", id="gif-header-only"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, id="png-signature-then-zeros"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", id="pdf"),
    pytest.param(b"MZ\x90\x00" + b"\0" * 60, id="exe"),
    pytest.param(_truncated("PNG"), id="truncated-png"),
    pytest.param(_truncated("JPEG"), id="truncated-jpeg"),
    pytest.param(_truncated("GIF"), id="truncated-gif"),
    pytest.param(_truncated("WEBP"), id="truncated-webp"),
])
def test_broken_file_gets_422(client, session, signed_in, raw):
    response = upload(client, raw, "photo.png", "image/png")
    assert response.status_code == 422
    assert response.get_json()["message"]
    assert session.query(StoredImage).count() == 0


def test_file_over_image_max_bytes_gets_422(client, session, signed_in):
    raw = make_image("PNG", (160, 160), marked=False, noise=True)
    assert len(raw) > 50_000
    response = upload(client, raw)
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "KB" in message and "0 MB" not in message, message
    assert session.query(StoredImage).count() == 0
    assert upload(client, make_image("PNG", (160, 160), marked=False)).status_code == 200


@pytest.mark.parametrize("width, height", [(20000, 20000), (10000, 10000), (8000, 6000)],
                         ids=["past-pillows-hard-limit", "past-pillows-warning", "past-hubs-limit"])
def test_decompression_bomb_is_refused_by_the_pixel_limit(client, session, signed_in, width, height):
    raw = bomb_png(width, height)
    assert len(raw) < 50_000  # small in bytes: only the pixel limit can catch it
    response = upload(client, raw)
    assert response.status_code == 422
    assert "too large" in response.get_json()["message"]
    assert session.query(StoredImage).count() == 0


@pytest.mark.parametrize("app_config", [{"IMAGE_MAX_BYTES": 50_000, "IMAGE_MAX_PIXELS": 1_000_000}], ids=["1Mpx"])
def test_animation_counts_the_pixels_of_every_frame(client, session, signed_in):
    too_many = animated_gif((400, 400), 10)  # 1.6 million pixels to decode, in a small file
    response = upload(client, too_many, "anim.gif")
    assert response.status_code == 422
    assert "too large" in response.get_json()["message"]
    _url, image = served(client, upload(client, animated_gif((400, 400), 5), "anim.gif"))
    im = decode(image.data)
    assert im.format == "GIF"
    assert sum(1 for _ in ImageSequence.Iterator(im)) == 5


def test_upload_needs_a_signed_in_person(client, session):
    response = upload(client, make_image("PNG"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert session.query(StoredImage).count() == 0


def test_unknown_image_names_answer_404(client, signed_in):
    url, _image = served(client, upload(client, make_image("PNG")))
    assert client.get("/img/nothing-here.png").status_code == 404
    assert client.get(url.rsplit(".", 1)[0] + ".svg").status_code == 404
    assert client.get(url.rsplit(".", 1)[0]).status_code == 404


# --- clean_image on its own (no database) -------------------------------------------------------

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 40_000_000, "max_side": 2400}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_every_truncation_is_refused_cleanly_or_decodes(fmt):
    data = make_image(fmt, (96, 64), noise=True)
    for cut in sorted({1, 4, 8, 12, 16, 24, 33, 64, 100, len(data) // 3, len(data) // 2, len(data) - 20, len(data) - 1}):
        try:
            result = clean_image(data[:cut], **LIMITS)
        except ImageRejected:
            continue
        assert isinstance(result, CleanImage)
        assert decode(result.data).format == fmt


def test_large_images_are_scaled_down_to_max_side():
    result = clean_image(make_image("JPEG", (900, 300), marked=False), max_bytes=10**7, max_pixels=10**7, max_side=300)
    assert (result.width, result.height) == (300, 100)
    assert decode(result.data).size == (300, 100)


def test_palette_transparency_survives_cleaning():
    im = Image.new("P", (8, 8), 0)
    im.putpalette([0, 0, 0, 255, 0, 0])
    for fmt in ("PNG", "GIF"):
        out = io.BytesIO()
        im.save(out, fmt, transparency=0)
        cleaned = decode(clean_image(out.getvalue(), **LIMITS).data)
        assert cleaned.info.get("transparency") == 0, fmt


# --- animations: damaged files and frame counts (issue 14) ------------------------------------


@pytest.mark.parametrize("keep", [0.05, 0.1, 0.25, 0.5, 0.9])
def test_a_truncated_animated_gif_gets_422(client, session, signed_in, keep):
    raw = animated_gif((40, 40), 8)
    response = upload(client, raw[: max(12, int(len(raw) * keep))], "anim.gif")
    assert response.status_code == 422
    assert response.get_json()["message"]
    assert session.query(StoredImage).count() == 0


def test_every_cut_of_an_animated_gif_is_read_or_refused_cleanly():
    raw = animated_gif((20, 20), 5)
    refused = 0
    for cut in range(6, len(raw)):
        try:  # only a cut through the trailer still reads; any other error must be ImageRejected
            clean_image(raw[:cut], max_bytes=50_000, max_pixels=1_000_000, max_side=2400)
        except ImageRejected:
            refused += 1
    assert refused > len(raw) // 2


def test_an_animation_of_too_many_frames_is_refused_before_decoding(client, session, signed_in, monkeypatch):
    from hub.lib import images

    many = animated_gif((8, 8), images.MAX_FRAMES + 1)  # tiny pixels: only the frame count can catch it
    decoded: list[int] = []
    monkeypatch.setattr(images, "_reencode", lambda *a, **k: decoded.append(1))  # must never be reached
    response = upload(client, many, "anim.gif")
    assert response.status_code == 422
    assert f"at most {images.MAX_FRAMES} frames" in response.get_json()["message"]
    assert decoded == []
    assert session.query(StoredImage).count() == 0


def test_an_animation_within_the_frame_limit_keeps_its_frames(client, session, signed_in):
    from hub.lib import images

    _url, image = served(client, upload(client, animated_gif((8, 8), images.MAX_FRAMES), "anim.gif"))
    assert sum(1 for _ in ImageSequence.Iterator(decode(image.data))) == images.MAX_FRAMES
