"""Adult social care triage: unit tests."""
