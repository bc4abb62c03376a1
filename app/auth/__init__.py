"""API keys: scoped bearer tokens for editors, partners and administrators."""
