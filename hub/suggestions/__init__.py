"""Peer suggestions: comments (optionally on a quoted passage) and proposed edits on a revision,
their conversations, and in-app notifications with an optional daily e-mail digest."""
