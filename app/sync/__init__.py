"""Partner sync: the snapshot export and import."""
