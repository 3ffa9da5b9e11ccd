"""Demo data for a first start: a few people of each role and posts in every state."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from PIL import Image as PILImage
from PIL import ImageDraw
from sqlalchemy.orm import Session

from hub.auth.models import AllowedDomain, Role, User
from hub.auth.services import create_user
from hub.channels import services as channels
from hub.channels.models import OpenedBy
from hub.db import utcnow
from hub.posts import services as posts
from hub.posts.services import PostInput
from hub.strategy import services as strategy
from hub.topics.services import TopicInput, create_topic, propose_topic

DEMO_PASSWORD = "demo-password"
DEMO_PEOPLE = [
    ("admin@example.com", "Alex Admin", "Head of Communications", Role.ADMIN),
    ("comms@example.com", "Cleo Comms", "Social media lead", Role.COMMS),
    ("maria@example.com", "Maria Lindqvist", "Backend engineer", Role.EMPLOYEE),
    ("jonas@example.com", "Jonas Weber", "Customer success", Role.EMPLOYEE),
]

POSTS = [
    ("maria@example.com", "What we learned moving our queue to PostgreSQL",
     "Six months, one outage, and a much calmer on-call rotation.",
     "We ran a dedicated message broker for years. Last spring we moved our job queue into "
     "PostgreSQL with `SKIP LOCKED`.\n\n## Why\n\n- One less system to patch at 3 a.m.\n"
     "- Jobs and data commit together, so no more ghost jobs\n- Our team already knows Postgres\n\n"
     "## What surprised us\n\nVacuum tuning mattered more than throughput. We now keep job rows "
     "small and archive finished jobs hourly.\n\n> Boring technology is a feature.\n\n"
     "Would you make the same call? I'd love to hear how your team runs background work.",
     "engineering, postgresql, on-call", True),
    ("jonas@example.com", "Three questions I ask every new customer",
     "", "After two hundred onboarding calls, these three questions tell me more than any form.\n\n"
     "1. **What would make this a success in 90 days?**\n2. **Who else needs to love this?**\n"
     "3. **What did you try before, and why did it stop working?**\n\nThe third one is gold.",
     "customer success, onboarding", True),
    ("comms@example.com", "Why we let employees speak for themselves",
     "Our social media policy fits on one page. Here is what it says.",
     "People trust people. That is why our policy is short: be yourself, be kind, "
     "don't share secrets, and say you work here.\n\nEverything else is your call.",
     "culture, social media", True),
    ("maria@example.com", "Draft: notes on our test suite",
     "", "Half-written thoughts on keeping a suite under ten minutes.", "engineering", False),
]


def has_people(session: Session) -> bool:
    """True when at least one account exists."""
    return (session.scalar(sa.select(sa.func.count()).select_from(User)) or 0) > 0


def _cover(session: Session, owner: User, colors: tuple[str, str]) -> int:
    im = PILImage.new("RGB", (1200, 630), colors[0])
    draw = ImageDraw.Draw(im)
    for i in range(0, 1200, 40):
        draw.line([(i, 630), (i + 400, 0)], fill=colors[1], width=12)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    image = posts.upload_image(session, owner, buf.getvalue(), alt="Abstract cover", limits=current_app.config)
    return image.id


def seed_demo(session: Session) -> None:
    """Create the demo people (password ``demo-password``), allow ``example.com`` and add posts."""
    people = {}
    for email, name, title, role in DEMO_PEOPLE:
        user = session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = create_user(session, email=email, password=DEMO_PASSWORD, display_name=name, role=role)
            user.job_title = title
        people[email] = user
    if session.get(AllowedDomain, "example.com") is None:
        session.add(AllowedDomain(domain="example.com", added_by_id=people["admin@example.com"].id))
    palette = [("#1f4e79", "#2e75b6"), ("#7a3e00", "#c55a11"), ("#375623", "#70ad47")]
    for i, (email, title, summary, body, tags, publish) in enumerate(POSTS):
        author = people[email]
        cover = _cover(session, author, palette[i % 3]) if publish else None
        post = posts.create_draft(session, author, PostInput(title, summary, body, tags, cover))
        if publish:
            posts.publish_post(session, post, author)
            post.published_at = post.first_published_at = utcnow() - timedelta(days=len(POSTS) - i)
        else:
            post.open_for_feedback = True  # colleagues can suggest before it is published
    _demo_topics(session, people)
    _demo_channels(session, people)
    _demo_strategy(session, people)
    _demo_library(session, people)
    session.flush()


def _demo_library(session: Session, people: dict[str, User]) -> None:
    """Two outside articles worth sharing (typed in: the demo fetches nothing)."""
    from hub.library.services import ItemInput, add_item, find_by_url

    for email, url, title, site, comment in (
        ("maria@example.com", "https://12factor.net/", "The Twelve-Factor App", "12factor.net",
         "Old but still the clearest checklist for services that are easy to run. We follow most of it."),
        ("jonas@example.com", "https://www.postgresql.org/docs/current/mvcc-intro.html",
         "PostgreSQL: Introduction to concurrency control", "PostgreSQL Documentation",
         "Why our job queue can rely on the database: ten minutes that explain MVCC."),
    ):
        if find_by_url(session, url) is None:
            add_item(session, people[email], ItemInput(url=url, title=title, site_name=site, comment=comment,
                                                       language="en"))


def _demo_topics(session: Session, people: dict[str, User]) -> None:
    """A topic on the board and a colleague's proposal, so the board is not empty on first start."""
    create_topic(session, people["comms@example.com"], TopicInput(
        "What you love about working here",
        brief="We are hiring in three teams. Tell people, in your own words, **what a good day here looks like**: "
              "the work, the people, what you learned. No need to mention the open roles.",
        audience="Job seekers", platforms=("linkedin", "bluesky", "mastodon"), hashtags="#hiring, #LifeAtWork",
        key_messages="Small teams that own what they build\nhttps://example.com/careers"))
    propose_topic(session, people["jonas@example.com"], TopicInput(
        "Customer stories from this quarter", brief="A customer problem we solved together, with their permission.",
        audience="Customers", platforms=("linkedin",)))


def _demo_channels(session: Session, people: dict[str, User]) -> None:
    """A few official accounts, two of them needing attention, and an employee's request."""
    today = utcnow().date()
    comms, admin, jonas = people["comms@example.com"], people["admin@example.com"], people["jonas@example.com"]
    for data in (
        channels.ChannelInput(
            "linkedin",
            "Acme",
            "https://www.linkedin.com/company/acme",
            "Our main account: news, jobs and the stories employees write here.",
            "Customers, candidates and partners",
            comms.id,
            admin.id,
            last_activity_on=today - timedelta(days=2),
        ),
        channels.ChannelInput(
            "x",
            "@acme",
            "https://x.com/acme",
            "Product news and quick answers.",
            "Customers and tech press",
            comms.id,
            jonas.id,
            last_activity_on=today - timedelta(days=9),
        ),
        channels.ChannelInput(
            "instagram",
            "@acme_summerfest",
            "https://www.instagram.com/acme_summerfest",
            "Photos from the summer festival stand.",
            "Festival visitors",
            jonas.id,
            None,
            OpenedBy.AGENCY,
            "Brightside Media",
            "Summer festival",
            today - timedelta(days=120),
            today - timedelta(days=150),
        ),
        channels.ChannelInput("mastodon", "@acme@mastodon.social", "https://mastodon.social/@acme"),
    ):
        channels.create_channel(session, comms, data, today=today)
    channels.request_channel(
        session,
        people["maria@example.com"],
        channels.RequestInput(
            "bluesky",
            "Engineering notes: what we build and how, for people who might join us.",
            "Engineers",
            "@eng.acme.example",
        ),
    )


STRATEGY = {
    "audiences": "## Candidates\nEngineers and customer people deciding where to work next. "
    "They want to know what a normal day is like.\n\n## Customers\nTeams who use our product. "
    "They care about what changes for them and when.",
    "channels": "- **LinkedIn (Acme)**: our main account. Everything important lands here first.\n"
    "- **X (@acme)**: product news and quick answers.\n"
    "- **Your own accounts**: your voice, your network. Share what you find worth sharing; never because you must.",
    "tone": "Write like you talk to a colleague you respect: **plain words, short sentences, one idea at a time.** "
    "Say what you learned, not how great we are. Questions are welcome; hype is not.",
    "kpis": "We count people who came to read (human clicks), not likes. A good month is one where more colleagues "
    "shared something they cared about.",
    "risk": "You can post about your work, what you learned and our public news. **Check first** only for numbers that "
    "are not public, customers' names (ask them), and anything about unreleased products. Unsure? Ask Cleo: "
    "we answer within a day. A small mistake is fixed with an edit, not a crisis.",
    "platform-linkedin": "Lead with what you learned in the first two lines; LinkedIn cuts the rest. Tag colleagues "
    "only if they were part of it.",
    "platform-x": "One idea per post. Two hashtags at most.",
}


def _demo_strategy(session: Session, people: dict[str, User]) -> None:
    """A filled-in strategy with targets, so the strategy page and the guidance are not empty."""
    comms = people["comms@example.com"]
    for key, body in STRATEGY.items():
        strategy.save_section(session, comms, key, body, base_revision_id=None)
    for platform, metric, target in (("all", "human_clicks", 2000), ("linkedin", "human_clicks", 1200),
                                     ("all", "shares", 150), ("all", "clicks_per_share", 3)):
        strategy.set_kpi_target(session, comms, platform=platform, metric=metric, target=target)
