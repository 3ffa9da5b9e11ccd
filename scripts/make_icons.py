"""Draw the web app's icons (static/icons/*.png) with Pillow: hub's diamond on its accent blue.

Run it again after changing the colours: `.venv/bin/python scripts/make_icons.py`."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (29, 78, 216)  # --accent in static/css/hub.css
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "static" / "icons"


def icon(size: int, *, maskable: bool) -> Image.Image:
    """A square icon. A maskable one fills the square and keeps the diamond inside the middle 60%
    (the platform may cut it to a circle); the plain one has rounded corners."""
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=ACCENT)
        half = big * 0.28
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.2, fill=ACCENT)
        half = big * 0.34
    c = big / 2
    draw.polygon([(c, c - half), (c + half, c), (c, c + half), (c - half, c)], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
