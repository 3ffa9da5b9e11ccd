"""Farewell messages for an account that is closing: plain Python, no Flask, no database.

The texts go through the sharing studio's rewrite engine: ``FarewellWriter`` is a
``hub.rewrite.Generator`` and ``propose`` checks each of its texts against the sharing rules
(the platform's limit as ``hub.platforms.measure`` counts it, the link exactly once where the
platform carries links and never where it does not, hashtags, subjects) and puts the rules'
own text in place of any that fails. Every draft is measured once more here, so a draft over
its platform's limit can never be offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from hub.platforms import PLATFORMS, measure
from hub.rewrite import Proposal, SourcePost, fits_platform, propose


@dataclass(frozen=True)
class FarewellFacts:
    """What a farewell says: which account closes, when, and where followers find us instead."""

    closing_handle: str
    closing_platform: str  # a platform id
    main_handle: str
    main_platform: str  # a platform id
    main_platform_name: str
    main_url: str
    closes_on: date | None = None

    @property
    def where(self) -> str:
        """"@acme on LinkedIn", or just "@acme" when both accounts are on the same platform."""
        if self.main_platform == self.closing_platform:
            return self.main_handle
        return f"{self.main_handle} on {self.main_platform_name}"

    @property
    def when(self) -> str:
        return f" on {self.closes_on.day} {self.closes_on:%B %Y}" if self.closes_on else " soon"


@dataclass(frozen=True)
class Farewell:
    """A farewell draft for one platform, with its length as the platform counts it."""

    platform: str
    name: str
    text: str
    subject: str | None
    count: int
    limit: int
    source: str  # "farewell" (written for the occasion) or "rules" (the sharing engine's fallback)

    @property
    def fits(self) -> bool:
        return self.count <= self.limit


def _candidates(platform: str, f: FarewellFacts) -> list[tuple[str, str | None]]:
    """(text, subject) candidates for ``platform``, longest first; the first that fits wins."""
    url, where, when = f.main_url, f.where, f.when
    thanks = "Thank you for following, reading and replying."
    if platform == "x":
        return [
            (f"This account closes{when}. {thanks} Find us at {where}: {url}", None),
            (f"This account closes{when}. Follow {where}: {url}", None),
            (f"We're moving: {url}", None),
        ]
    if platform == "linkedin":
        return [
            (
                f"We're bringing our updates together in one place.\n\nThis page closes{when}. {thanks} "
                f"Every comment and share has meant a lot to us.\n\nTo keep hearing from us, follow {where}:\n{url}",
                None,
            ),
            (f"This page closes{when}. Follow {where}: {url}", None),
        ]
    if platform == "bluesky":
        return [
            (
                f"A farewell from {f.closing_handle}: this account closes{when}. Thanks for being here! "
                f"We carry on at {where}.\n\n{url}",
                None,
            ),
            (f"This account closes{when}. We carry on at {where}.\n\n{url}", None),
            (f"We're moving: {url}", None),
        ]
    if platform == "mastodon":
        return [
            (
                f"This account closes{when}. Thank you for every boost, reply and follow. "
                f"From now on you'll find us at {where}.\n\nFollow us there: {url}",
                None,
            ),
            (f"This account closes{when}. Follow us at {where}: {url}", None),
        ]
    if platform == "threads":
        return [
            (f"Time to say goodbye: this profile closes{when}. {thanks}\n\nCome along to {where}: {url}", None),
            (f"This profile closes{when}. Come along to {where}: {url}", None),
        ]
    if platform == "facebook":
        return [
            (
                f"Thank you for following this page!\n\nWe're bringing our news together, so this page closes{when}. "
                f"You'll find everything we share at {where}.\n\n{url}",
                None,
            ),
            (f"This page closes{when}. Follow {where}: {url}", None),
        ]
    if platform == "instagram":
        return [
            (
                f"Thank you for following along! This account closes{when}. "
                f"For our news, stories and behind-the-scenes, follow {where}. The link is in our bio.",
                None,
            ),
            (f"This account closes{when}. Follow {where}.", None),
        ]
    if platform == "reddit":
        return [
            (
                f"This account closes{when}. {thanks} You can follow us at {where}.",
                f"This account is closing: follow {where}",
            ),
            ("", f"This account is closing: follow {where}"),
            ("", "This account is closing"),
        ]
    if platform == "whatsapp":
        return [
            (
                f"Hi! This channel closes{when}. Thanks for staying in touch. You'll find our news at {where}:\n{url}",
                None,
            ),
            (f"This channel closes{when}. Our news: {url}", None),
        ]
    if platform == "email":
        return [
            (
                f"Hello,\n\nthank you for reading our updates from {f.closing_handle}. That account closes{when}.\n\n"
                f"From now on you'll find our news at {where}:\n{url}\n\nSee you there!",
                f"We're moving to {where}",
            ),
            (f"Our account {f.closing_handle} closes{when}. Find us at {url}", "We're moving"),
        ]
    return []


class FarewellWriter:
    """A ``hub.rewrite.Generator`` that writes farewells instead of share texts."""

    name = "farewell"

    def __init__(self, facts: FarewellFacts) -> None:
        self.facts = facts

    def generate(self, post: SourcePost, platforms: Sequence[str]) -> Mapping[str, Proposal]:
        """The first candidate per platform that fits (platforms where none fits are left out)."""
        result: dict[str, Proposal] = {}
        for platform in platforms:
            for text, subject in _candidates(platform, self.facts):
                subject_ok = subject is None or fits_platform(platform, subject, PLATFORMS[platform].subject_limit)
                if fits_platform(platform, text) and subject_ok:
                    result[platform] = Proposal(platform=platform, text=text, subject=subject, source=self.name)
                    break
        return result


def draft_farewells(facts: FarewellFacts) -> dict[str, Farewell]:
    """A farewell draft for every platform hub knows, each within its platform's limit."""
    title = f"We're moving: follow {facts.where}"
    body = f"This account closes{facts.when}. Thank you for following. Find us at {facts.where}."
    proposals = propose(title, body, url=facts.main_url, summary=body, generator=FarewellWriter(facts))
    drafts: dict[str, Farewell] = {}
    for platform, proposal in proposals.items():
        spec = PLATFORMS[platform]
        count = int(measure(platform, proposal.text))
        if count > spec.limit:  # the engine promises this never happens; never offer it if it does
            continue
        drafts[platform] = Farewell(
            platform, spec.name, proposal.text, proposal.subject, count, spec.limit, proposal.source
        )
    return drafts
