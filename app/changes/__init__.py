"""What changed in public content, and in which order. Knows no domain.

For now a single counter that every write touching public reads bumps in its own transaction;
the change log that partner sync needs will append here too.
"""
