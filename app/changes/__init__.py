"""What changed in public content, and in which order. Knows no domain.

The content version (bumped by every write that can change a public response) and the change
log partner sync reads: one entry per change the public could see, numbered from that version,
written only through `app.publication`.
"""
