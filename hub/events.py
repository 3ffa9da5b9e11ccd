"""Who reacts to whom. Every signal that crosses domains is connected here, from create_app.

A domain announces what happened (or asks what others can add) with a blinker signal defined
beside its verbs, and never imports the domains that react: they sit above it or beside it
(tests/test_architecture.py holds the layering). Connecting twice is harmless: blinker keeps one
connection per receiver."""

from __future__ import annotations

from hub.chat import services as chat
from hub.insights import queries as insights_queries
from hub.insights import rollups
from hub.insights import services as insights
from hub.library import queries as library_queries
from hub.notifications import services as notifications
from hub.outbox import services as outbox
from hub.posts import queries as post_queries
from hub.posts import services as posts
from hub.sharing import clicklog
from hub.sharing import services as sharing
from hub.suggestions import queries as suggestion_queries
from hub.suggestions import services as suggestions
from hub.topics import queries as topic_queries
from hub.topics import services as topics


def connect() -> None:
    """Connect every cross-domain receiver to its signal."""
    # a post goes live -> the followers of its topic hear about it
    posts.post_published.connect(topics.on_post_published)
    # conversations, topics and reader feedback -> notifications
    suggestions.suggestion_submitted.connect(notifications.on_suggestion_submitted)
    suggestions.suggestion_replied.connect(notifications.on_suggestion_replied)
    suggestions.suggestion_decided.connect(notifications.on_suggestion_decided)
    topics.topic_added.connect(notifications.on_topic_added)
    topics.topic_announced.connect(notifications.on_topic_announced)
    topics.topic_post_published.connect(notifications.on_topic_post_published)
    # new topics and posts for a topic -> the chat channels (Slack, Teams) that follow them
    topics.topic_announced.connect(chat.on_topic_announced)
    topics.topic_post_published.connect(chat.on_topic_post_published)
    outbox.webhook_address.connect(chat.webhook_address)  # a queued chat message's address, at delivery
    insights.feedback_received.connect(notifications.on_feedback_received)
    # clicks reach the database -> insights' daily rollups, in the same transaction
    clicklog.clicks_ingesting.connect(rollups.on_clicks_ingesting)
    # what one domain's pages ask the domains beside or above it
    sharing.item_destination.connect(library_queries.item_destination)  # where a library item's link leads
    sharing.share_theme.connect(topic_queries.share_theme)  # a post's topic: hashtags, audience, campaign
    topic_queries.post_reach.connect(insights_queries.reach)  # shares and clicks of a topic's posts (rollups)
    post_queries.needs_attention.connect(suggestion_queries.has_open_suggestions)  # authors' lists
