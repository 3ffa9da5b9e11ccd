"""JSON API v1 (``/api/v1``): personal access tokens, and posts, share texts, tracked links, topics and
insights over the same services and rules as the web. Its OpenAPI 3.1 document is ``hub.api.openapi``."""
