"""Atom, RSS and JSON Feed of statements, per language, filterable like the list."""
