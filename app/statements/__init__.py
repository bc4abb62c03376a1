"""Statements: press statements, releases, news and speeches, one translation per language."""
