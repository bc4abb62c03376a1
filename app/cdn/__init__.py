"""The CDN in front of the API: surrogate keys on public reads, and purges when content changes."""
