"""The README's screenshots, taken from the app on demo data: `make screenshots`.

It starts hub on a temporary SQLite database with the demo data (`hub seed`), serves it on a free
local port, and drives Debian's Chromium (HUB_CHROMIUM to use another) through Playwright to save
docs/screenshots/*.png: the home page and the editor on a desktop, the home page, the open menu and
a post's share page on a phone. The images are reduced to a palette of 256 colours so each stays
well under 200 KB. Nothing outside the temporary folder and docs/screenshots/ is touched."""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAX_BYTES = 200_000
POST_TITLE = "What we learned moving our queue to PostgreSQL"  # a demo post (hub/demo.py) by Maria


def save_small(png: bytes, path: Path) -> int:
    """Write ``png`` as a 256-colour PNG (text and flat colours survive it well); the size in bytes."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(path, optimize=True)
    return path.stat().st_size


def start_app(folder: Path) -> tuple[Any, Any, str]:
    """hub on demo data in ``folder``, served in a thread: (app, server, its address)."""
    os.environ["HUB_INSTANCE_PATH"] = str(folder / "instance")
    from werkzeug.serving import make_server

    from hub import create_app
    from hub.db import get_session
    from hub.demo import seed_demo
    from hub.migrate import upgrade

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'hub.sqlite3'}", "SECRET_KEY": "screenshots",
                      "TRUSTED_HOSTS": "127.0.0.1,localhost", "PUBLISH_DUE_ON_REQUEST": False,
                      "OUTBOX_DELIVER_IN_WEB": False})
    upgrade(app)
    with app.app_context():
        import sqlalchemy as sa

        from hub.auth.models import User
        from hub.sharing.services import set_networks

        session = get_session()
        seed_demo(session)
        maria = session.scalar(sa.select(User).where(User.email == "maria@example.com"))
        assert maria is not None
        set_networks(session, maria, ["linkedin", "x"])  # the phone shot shows her two networks behind tabs
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, url


def sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/posts")


def main() -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set HUB_CHROMIUM)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hub-screenshots-") as tmp:
        app, server, url = start_app(Path(tmp))
        shots: dict[str, bytes] = {}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                desktop = browser.new_context(base_url=url, viewport=DESKTOP, color_scheme="light")
                page = desktop.new_page()
                sign_in(page, "maria@example.com")
                page.goto("/")
                shots["desktop-home"] = page.screenshot()
                page.goto("/posts")
                page.get_by_role("link", name=POST_TITLE).click()  # My posts: the title opens the editor
                page.wait_for_selector("#preview-body p")
                shots["desktop-editor"] = page.screenshot()
                phone = browser.new_context(base_url=url, viewport=PHONE, device_scale_factor=1, is_mobile=True,
                                            has_touch=True, color_scheme="light")
                page = phone.new_page()
                sign_in(page, "maria@example.com")
                page.goto("/")
                shots["phone-home"] = page.screenshot()
                page.get_by_role("button", name="Menu").click()
                shots["phone-menu"] = page.screenshot()
                page.goto("/")
                page.get_by_role("link", name=POST_TITLE).click()
                post_id = re.search(r"/p/(\d+)", page.url).group(1)  # type: ignore[union-attr]
                page.goto(f"/p/{post_id}/share")
                page.wait_for_load_state("networkidle")
                page.locator("#own-words").fill("I argued against this move. I was wrong, and here is why.")
                page.locator("#own-words-state").filter(has_text=re.compile(r"^Saved")).wait_for()  # cards rebuilt
                page.locator("#own-words").blur()
                page.locator("#own-words").evaluate("e => e.closest('section').scrollIntoView()")
                shots["phone-share"] = page.screenshot()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
            clicklog = app.extensions.get("hub.clicklog")
            if clicklog is not None:
                clicklog.close()  # before the temporary folder goes
    for name, png in shots.items():
        size = save_small(png, OUT / f"{name}.png")
        print(f"{OUT.relative_to(ROOT)}/{name}.png: {size // 1000} KB")
        if size > MAX_BYTES:
            sys.exit(f"{name}.png is {size} bytes, over {MAX_BYTES}")


if __name__ == "__main__":
    main()
