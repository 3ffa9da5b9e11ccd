"""Telling link-preview fetchers and crawlers from people, by User-Agent."""

from __future__ import annotations

import functools
import re

# Preview fetchers of the platforms people share to, chat apps, and search or SEO crawlers.
_BOT = re.compile(
    r"linkedinbot|facebookexternalhit|facebot|meta-externalagent|twitterbot|slackbot|slack-imgproxy|"
    r"discordbot|telegrambot|whatsapp|mastodon|pleroma|misskey|akkoma|bluesky|cardyb|skypeuripreview|"
    r"embedly|iframely|pinterestbot|redditbot|applebot|googlebot|google-inspectiontool|adsbot|bingbot|"
    r"bingpreview|yandex|baiduspider|duckduckbot|duckassistbot|petalbot|ahrefsbot|semrushbot|mj12bot|"
    r"dotbot|bytespider|gptbot|chatgpt-user|claudebot|anthropic-ai|perplexitybot|ccbot|amazonbot|"
    r"ia_archiver|archive\.org_bot|headlesschrome|phantomjs|python-requests|python-urllib|aiohttp|httpx|"
    r"go-http-client|curl/|wget/|okhttp|java/|libwww|node-fetch|axios|\bbot\b|crawler|spider|preview|"
    r"fetcher|scraper|monitor|uptime|validator",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)  # the same few agents arrive again and again
def is_bot(user_agent: str | None) -> bool:
    """True for link-preview fetchers, crawlers and scripts; an empty User-Agent counts as a bot."""
    if not user_agent or not user_agent.strip():
        return True
    return _BOT.search(user_agent) is not None
