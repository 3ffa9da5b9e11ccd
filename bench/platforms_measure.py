"""Benchmark: hub.platforms.measure stays linear on text that made twitter-text's regex quadratic.

Run with `.venv/bin/python bench/platforms_measure.py`. For each hostile pattern it measures the
text at n, 2n and 4n repetitions and prints milliseconds and the growth ratio per doubling
(about 2 means linear; about 4 means quadratic). Nothing here asserts on time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.platforms import measure, problems  # noqa: E402

PATTERNS = {
    "dots": ("a.", 2_500),
    "cjk-dots": ("\u3042\u3042.", 1_750),
    "digits": ("1.2.", 1_250),
    "words": ("a." * 20 + " ", 125),
    "accents": ("\u00f1\u00f1.", 1_750),
    "parens": ("(a", 2_500),
    "plain post": ("Small PRs get reviewed faster. https://example.com/post ", 40),
}


def timed(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for platform_id in ("x", "mastodon", "threads"):
            measure(platform_id, text)
        problems("threads", text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    print(f"{'pattern':12}{'chars(n)':>10}{'ms n':>9}{'ms 2n':>9}{'ms 4n':>9}{'x/doubling':>12}")
    for name, (unit, reps) in PATTERNS.items():
        times = [timed(unit * reps * k) for k in (1, 2, 4)]
        growth = ((times[2] / times[0]) ** 0.5) if times[0] > 0 else float("nan")
        print(f"{name:12}{len(unit) * reps:>10}{times[0]:>9.2f}{times[1]:>9.2f}{times[2]:>9.2f}{growth:>12.2f}")


if __name__ == "__main__":
    main()
