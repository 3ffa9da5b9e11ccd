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
from hub.db import utcnow
from hub.posts import services as posts
from hub.posts.services import PostInput
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
    return session.scalar(sa.select(sa.func.count()).select_from(User)) > 0


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
    session.flush()


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
