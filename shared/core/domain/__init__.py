"""The engine's pure domain (no AWS imports)."""
