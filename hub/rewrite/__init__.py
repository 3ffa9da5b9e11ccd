"""Share texts per platform, written from a post, and the near-duplicate guard.

Pure Python: no Flask, no database, no network. Public interface:

- ``propose(title, body, *, url, ...)`` -> ``{platform id: Proposal}`` for every platform
  in ``hub.platforms.PLATFORMS``; each text fits its platform as ``measure`` counts it.
- ``Proposal``: ``.platform``, ``.text``, ``.subject`` (email subject / Reddit title).
- ``Generator`` protocol and ``RulesGenerator`` (the default) for pluggable writers.
- ``check_proposal(source, proposal)``: what is wrong with a (generated) proposal.
- ``similarity(a, b)``, ``similar_pairs(texts)``, ``is_near_duplicate(a, b)`` and
  ``NEAR_DUPLICATE_THRESHOLD``: the near-duplicate guard (see ``hub.rewrite.similarity``).
- ``make_hashtag(tag)``, ``merge_hashtags(...)``, ``find_hashtags(text)``.
- ``suggest_key_point(title, body, ...)``: the best key-point candidate, for the editor.
- ``plain_text(markdown)``, ``shorten(text, max_graphemes)``, ``build_source(...)``.

Platform structures are described in ``hub.rewrite.compose``.
"""

from hub.rewrite.core import (
    Generator,
    Proposal,
    RulesGenerator,
    check_proposal,
    disclosure_forms,
    fits_platform,
    propose,
)
from hub.rewrite.hashtags import find_hashtags, make_hashtag, merge_hashtags
from hub.rewrite.markdown import plain_text
from hub.rewrite.similarity import (
    NEAR_DUPLICATE_THRESHOLD,
    compared,
    is_near_duplicate,
    normalize,
    similar_pairs,
    similarity,
)
from hub.rewrite.source import KEY_POINT_MAX, OWN_WORDS_MAX, SourcePost, build_source, suggest_key_point
from hub.rewrite.text import shorten

__all__ = [
    "KEY_POINT_MAX",
    "OWN_WORDS_MAX",
    "NEAR_DUPLICATE_THRESHOLD",
    "Generator",
    "Proposal",
    "RulesGenerator",
    "SourcePost",
    "build_source",
    "check_proposal",
    "compared",
    "disclosure_forms",
    "find_hashtags",
    "fits_platform",
    "is_near_duplicate",
    "make_hashtag",
    "merge_hashtags",
    "normalize",
    "plain_text",
    "propose",
    "shorten",
    "similar_pairs",
    "similarity",
    "suggest_key_point",
]
