"""Blue Badge's pure domain (no AWS imports)."""
