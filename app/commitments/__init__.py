"""Commitments: who pledged what, where, under which framework, from which paragraph, and how far
it has got (through append-only progress updates)."""
