"""Browser-only helpers: signing a person in through the real form, and watching for dialogs."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

PASSWORD = "a long enough password"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in form (CSRF and all), landing on "My posts"."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/posts$"))


@pytest.fixture
def signed_in_page(new_page: Callable[..., Page], make_user: Callable[..., Any]) -> Callable[..., tuple[Page, Any]]:
    """``signed_in_page(user=None, **context_kwargs)``: a page in a fresh context, signed in as
    ``user`` (a new employee when None; it must have been made with ``PASSWORD``)."""

    def open_signed_in(user: Any = None, **context_kwargs: Any) -> tuple[Page, Any]:
        user = user or make_user(password=PASSWORD)
        page = new_page(**context_kwargs)
        sign_in(page, user.email)
        return page, user

    return open_signed_in


def record_dialogs(page: Page) -> list[str]:
    """Dismiss and remember every alert/confirm/prompt the page opens."""
    seen: list[str] = []

    def on_dialog(dialog: Any) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen
