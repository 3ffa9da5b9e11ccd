"""Time hub's Markdown rendering on hostile inputs at the largest accepted body.

    .venv/bin/python bench/markdown_hostile.py

Renders every hostile input of tests/lib/test_markdown_hostile.py at the largest size hub
accepts (BODY_MAX characters, MARKUP_MAX formatting) and prints the seconds spent in
render_markdown and markdown_to_text (which reuses the parse), and the CPU seconds. Every line
should stay well under a second (issue 14: "[a" x 99,500 used to take ~29 s).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.lib.markdown import _tokens, markdown_to_text, render_markdown  # noqa: E402
from tests.lib.test_markdown_hostile import hostile_samples  # noqa: E402


def main() -> None:
    print(f"{'input':<16} {'chars':>8} {'render s':>9} {'to_text s':>9} {'cpu s':>7}")
    worst = 0.0
    for name, text in hostile_samples().items():
        _tokens.cache_clear()
        c0, t0 = time.process_time(), time.perf_counter()
        render_markdown(text)
        t1 = time.perf_counter()
        markdown_to_text(text)
        t2, c2 = time.perf_counter(), time.process_time()
        worst = max(worst, t2 - t0)
        print(f"{name:<16} {len(text):>8} {t1 - t0:>9.3f} {t2 - t1:>9.3f} {c2 - c0:>7.3f}", flush=True)
    print(f"worst total: {worst:.3f} s")


if __name__ == "__main__":
    main()
