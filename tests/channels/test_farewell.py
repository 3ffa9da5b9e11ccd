"""Farewell drafts: written for the occasion, through the rewrite engine, within every limit."""

from __future__ import annotations

from datetime import date

import pytest

from hub.channels.farewell import FarewellFacts, FarewellWriter, draft_farewells
from hub.platforms import PLATFORMS, measure
from hub.rewrite import build_source, check_proposal

URL = "https://www.linkedin.com/company/acme"


def facts(**kw) -> FarewellFacts:  # type: ignore[no-untyped-def]
    base = dict(closing_handle="@acme_summer", closing_platform="x", main_handle="@acme", main_platform="linkedin",
                main_platform_name="LinkedIn", main_url=URL, closes_on=date(2025, 6, 30))
    return FarewellFacts(**(base | kw))


def test_a_draft_for_every_platform_each_within_its_limit():
    drafts = draft_farewells(facts())
    assert set(drafts) == set(PLATFORMS)
    for platform, draft in drafts.items():
        assert draft.count == measure(platform, draft.text) <= PLATFORMS[platform].limit
        assert draft.fits


def test_drafts_say_goodbye_and_where_to_go():
    drafts = draft_farewells(facts())
    for platform, draft in drafts.items():
        assert draft.source == "farewell", platform
        assert "@acme" in draft.text + (draft.subject or "")
        assert "30 June 2025" in draft.text, platform
    assert URL in drafts["x"].text
    assert URL not in drafts["instagram"].text and "bio" in drafts["instagram"].text  # links are not clickable there
    assert URL not in drafts["reddit"].text and drafts["reddit"].subject
    assert drafts["email"].subject


def test_same_platform_says_just_the_handle():
    drafts = draft_farewells(facts(main_platform="x", main_platform_name="X", main_url="https://x.com/acme"))
    assert "@acme on X" not in drafts["x"].text and "@acme:" in drafts["x"].text


def test_without_a_date_it_says_soon():
    assert "closes soon" in draft_farewells(facts(closes_on=None))["x"].text


@pytest.mark.parametrize("size", [60, 150, 199])
def test_long_handles_and_addresses_still_fit(size):
    long_handle = "@" + "a" * size
    drafts = draft_farewells(facts(main_handle=long_handle, closing_handle=long_handle, main_url="https://example.com/" + "p" * 300))
    assert set(drafts) == set(PLATFORMS)
    for platform, draft in drafts.items():
        assert measure(platform, draft.text) <= PLATFORMS[platform].limit


def test_the_writer_passes_the_sharing_rules():
    writer = FarewellWriter(facts())
    source = build_source("We're moving", "Goodbye.", url=URL)
    proposals = writer.generate(source, list(PLATFORMS))
    for proposal in proposals.values():
        assert check_proposal(source, proposal) == [], proposal.platform
