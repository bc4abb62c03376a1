"""Rate limits per API key, per client address, and for failed authentications."""
