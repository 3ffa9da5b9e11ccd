"""What readers see: home, post pages, authors, tags, feed, sitemap (reads only)."""
