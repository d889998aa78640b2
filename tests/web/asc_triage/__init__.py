"""Adult social care triage: web page tests."""
