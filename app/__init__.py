"""Newsroom API: statements, commitments and navigation for frontends, partners and editors."""
