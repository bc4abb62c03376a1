"""Who (key id) did what, to which resource, and when: one row per write. Knows no domain."""
