"""The council services the engine carries, a package each, and their registry (registry.py)."""
