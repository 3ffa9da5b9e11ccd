"""Where the shared test corpora are: ``../shared/corpora`` beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def corpus(*parts: str) -> Path:
    """A path in the shared corpora, or skip the calling test with a clear message when it is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"test corpus {path} is not there (expected ../shared/corpora beside the repository)")
    return path
