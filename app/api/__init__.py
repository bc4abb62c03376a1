"""HTTP conventions shared by every domain: problems, pagination, conditional requests, language."""
