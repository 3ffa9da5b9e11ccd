"""Sharing studio: per-platform share texts, tracked links ``/s/<code>``, clicks, share events."""
