"""schema.org JSON-LD representations of public items, negotiated on `Accept` or `?format=`."""
