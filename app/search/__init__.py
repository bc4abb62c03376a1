"""Full-text search: one analysis and one query language for SQLite (FTS5) and PostgreSQL."""
