"""Hostile Markdown at the largest accepted size renders with bounded work (issue 14).

Work is measured by counting, not by the clock: the inline parser's skipToken calls (the
step that made "[a" x 99,500 quadratic) must stay linear in the text's length. A generous
alarm (HANG_SECONDS) only catches a hang; it is no timing assertion.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

from hub.lib import markdown as md
from hub.lib.markdown import MARKUP_MAX, markdown_to_text, markup_count, markup_problem, render_markdown
from hub.posts.services import BODY_MAX

HANG_SECONDS = 60

UNITS = {
    "[a": "[a", "![": "![", "[a then one ]": "[a", "*a": "*a", "_": "_", "`": "`", ">": ">", "<": "<",
    "[](": "[](", "*_": "*_", "**a": "**a", "&": "&", "\\": "\\", "~": "~", "|": "|", "`a": "`a",
    "[ lines": "[\n", "a paragraphs": "a\n\n", "- a items": "- a\n", "# headings": "# a\n",
    "> quotes": "> a\n\n", "nested lists": "- ", "nested quotes": "> ", "table rows": "|a|b|\n",
    "references": "[x]: y\n", "links": "[a](b) ", "prose": "Plain words, nothing special. ",
}


def largest_accepted(unit: str, head: str = "", tail: str = "") -> str:
    """``unit`` repeated as often as hub accepts (length and formatting budget)."""
    n = (BODY_MAX - len(head) - len(tail)) // len(unit)
    per_unit = markup_count(unit * 10) / 10
    if per_unit:
        n = min(n, int((MARKUP_MAX - markup_count(head + tail)) / per_unit))
    text = head + unit * n + tail
    while markup_problem(text):  # lines are counted across units; trim to fit
        n -= max(1, n // 100)
        text = head + unit * n + tail
    return text


def hostile_samples() -> dict[str, str]:
    """Every hostile input at the largest size hub accepts (also used by bench/markdown_hostile.py)."""
    samples = {name: largest_accepted(unit) for name, unit in UNITS.items()}
    samples["[a then one ]"] = largest_accepted("[a", tail="]")
    samples["table"] = largest_accepted("|a|b|\n", head="|a|b|\n|-|-|\n")
    return samples


SAMPLES = hostile_samples()


@pytest.fixture
def hang_detector() -> Iterator[None]:
    def _hang(_sig: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"rendering ran past {HANG_SECONDS} s: a hang")

    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(HANG_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def skip_token_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = md._md.inline.skipToken

    def counting(state):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(state)

    monkeypatch.setattr(md._md.inline, "skipToken", counting)
    md._tokens.cache_clear()
    return calls


@pytest.mark.parametrize("name", list(SAMPLES))
def test_hostile_markdown_at_the_limit_renders_with_linear_work(name, hang_detector, skip_token_calls):
    text = SAMPLES[name]
    assert markup_problem(text) is None, "the sample must be an accepted input"
    html = render_markdown(text)
    plain = markdown_to_text(text)
    assert isinstance(html, str) and isinstance(plain, str)
    assert skip_token_calls[0] <= 2 * md.LABEL_SCAN_BUDGET * len(text) + 1000, skip_token_calls[0]
    tokens = md._tokens(text)
    assert len(tokens) + sum(len(t.children or ()) for t in tokens) <= 3 * MARKUP_MAX + 1000


def test_the_issue_input_is_refused_before_parsing_and_a_fixed_one_is_linear(skip_token_calls):
    attack = "[a" * 99_500
    assert markup_problem(attack) is not None
    assert skip_token_calls[0] == 0  # refused without parsing
    accepted = "[a" * 9_000  # within the budget: used to need ~N^2/4 steps
    render_markdown(accepted)
    assert skip_token_calls[0] <= 2 * md.LABEL_SCAN_BUDGET * len(accepted)


@pytest.mark.parametrize("text, html", [
    ("[a](https://example.com)", '<a href="https://example.com"'),
    ("[a [b] c](https://example.com)", '<a href="https://example.com"'),
    ("![alt](/img/i.png)", '<img src="/img/i.png" alt="alt"'),
    ("[ref]\n\n[ref]: https://example.com", '<a href="https://example.com"'),
    ("[[[[[[[[nested]]]]]]]](https://example.com)", "[[[[[[["),
    ("[a `]` b](https://example.com)", '<a href="https://example.com"'),
])
def test_ordinary_links_still_render(text, html):
    assert html in render_markdown(text)


def test_fenced_code_costs_nothing_against_the_budget():
    code = "```\n" + "[[[[****____````\n" * 5000 + "```\n"
    assert markup_count(code) <= 2 and markup_problem(code) is None
    assert markup_problem("*a" * MARKUP_MAX) is None and markup_problem("*a" * (MARKUP_MAX + 1)) is not None
