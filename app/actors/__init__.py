"""Actors: the states, organizations and groups that make commitments or co-issue statements."""
