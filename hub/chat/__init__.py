"""Slack and Microsoft Teams: incoming webhooks that comms set up per channel, told about new topics
on the board, posts published for the topics (areas) a channel follows, and a weekly digest of what
colleagues published. Messages leave through the outbox (``queue_webhook``), after the commit."""
