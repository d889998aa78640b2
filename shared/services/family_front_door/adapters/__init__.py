"""The Family Front Door's own adapters."""
