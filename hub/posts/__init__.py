"""Posts: drafts, append-only revisions, publishing, scheduling, takedown, images, tags, search."""
