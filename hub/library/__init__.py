"""The library: outside articles worth sharing, RSS/Atom feeds, and the safe fetcher."""
