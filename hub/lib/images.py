"""Decode an uploaded image and re-encode it: only real PNG, JPEG, GIF or WebP, no metadata."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence

from hub.i18n import _
from hub.templating import number

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
#: Animations are decoded and re-encoded frame by frame, which costs CPU time per frame: a small
#: file of hundreds of frames must not cost seconds of a worker. Frames are counted (cheaply, from
#: the file's structure) before any is decoded.
MAX_FRAMES = 100
ANIMATION_MAX_PIXELS = 20_000_000


class ImageRejected(ValueError):
    """The upload is not an acceptable image; the message says why, for the person uploading."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_image(raw: bytes, *, max_bytes: int, max_pixels: int, max_side: int) -> CleanImage:
    """Decode ``raw`` with Pillow and return a freshly encoded copy without EXIF, XMP, ICC or
    comments. SVG and every other format are refused; so are files too large in bytes or pixels.
    Larger images are scaled down to ``max_side``; JPEG orientation is applied first."""
    if not raw:
        raise ImageRejected(_("The file is empty."))
    if len(raw) > max_bytes:
        raise ImageRejected(_("Images can be at most %(size)s.", size=_size(max_bytes)))
    head = raw[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype", b"<html")):
        raise ImageRejected(_("SVG and HTML files are not accepted; upload PNG, JPEG, GIF or WebP."))
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit, raises) on huge pixel counts: a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format
                width, height = probe.size
                frames = getattr(probe, "n_frames", 1) if fmt in {"GIF", "WEBP"} else 1
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(
            _("The image is too large (more than %(pixels)s pixels).", pixels=number(max_pixels))
        ) from None
    except Exception:  # noqa: BLE001 - UnidentifiedImageError, or whatever a damaged file makes Pillow raise
        raise ImageRejected(_("This is not an image hub can read; upload PNG, JPEG, GIF or WebP.")) from None
    if fmt not in FORMATS:
        raise ImageRejected(_("%(format)s images are not accepted; upload PNG, JPEG, GIF or WebP.", format=fmt))
    if width * height > max_pixels or width < 1 or height < 1:
        raise ImageRejected(_("The image is too large (%(width)s×%(height)s pixels).", width=width, height=height))
    if frames > MAX_FRAMES:
        raise ImageRejected(
            _("Animations can have at most %(most)s frames (this one has %(frames)s).", most=MAX_FRAMES, frames=frames)
        )
    if frames * width * height > (max_pixels if frames == 1 else min(max_pixels, ANIMATION_MAX_PIXELS)):
        # Every frame is decoded: a small file of many large frames is a decompression bomb too.
        raise ImageRejected(_("The animation is too large (%(frames)s frames of %(width)s×%(height)s pixels).",
                                frames=frames, width=width, height=height))
    try:
        return _reencode(raw, fmt, max_side)
    except Exception:  # noqa: BLE001 - a damaged file makes Pillow raise almost anything (IndexError...)
        raise ImageRejected(_("The image file is damaged and could not be read.")) from None


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


# The only decoded ``info`` an encoder may see: palette transparency, needed to draw the pixels.
_KEEP_INFO = {"transparency"}


def _without_metadata(img: Image.Image) -> Image.Image:
    img.info = {k: v for k, v in img.info.items() if k in _KEEP_INFO}
    return img


def _reencode(raw: bytes, fmt: str, max_side: int) -> CleanImage:
    out = io.BytesIO()
    with Image.open(io.BytesIO(raw)) as im:
        animated = getattr(im, "is_animated", False) and fmt in {"GIF", "WEBP"}
        if animated:
            frames = []
            durations = []
            for frame in ImageSequence.Iterator(im):
                f = frame.convert("RGBA")
                f.thumbnail((max_side, max_side))
                frames.append(_without_metadata(f))
                durations.append(frame.info.get("duration", 100))
            if not frames:
                raise ValueError("no frame could be read")
            first = frames[0]
            first.save(out, format=fmt, save_all=True, append_images=frames[1:], duration=durations, loop=0, disposal=2)
            size = first.size
        else:
            im.load()
            img = ImageOps.exif_transpose(im) if fmt == "JPEG" else im.copy()
            img.thumbnail((max_side, max_side))
            # Pillow's encoders write some of ``info`` back (JPEG and GIF comments, ICC profiles).
            img = _without_metadata(img)
            if fmt == "JPEG":
                img = img.convert("RGB")
                img.save(out, format="JPEG", quality=85, optimize=True)
            elif fmt == "PNG":
                if img.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
                    img = img.convert("RGBA")
                img.save(out, format="PNG", optimize=True)
            elif fmt == "GIF":
                img.save(out, format="GIF")
            else:
                if img.mode not in {"RGB", "RGBA"}:
                    img = img.convert("RGBA")
                img.save(out, format="WEBP", quality=85)
            size = img.size
    return CleanImage(out.getvalue(), FORMATS[fmt], size[0], size[1])
