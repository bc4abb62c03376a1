"""Partner sync: the change feed, snapshots, webhooks and feeds, all read from the one change
log (`app.changes`) and the domains' public representations."""
