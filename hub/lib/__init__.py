"""Generic helpers with no domain knowledge: sanitizing, Markdown, slugs, tokens, time, mail."""
