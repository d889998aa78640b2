"""Adult social care triage: tests on the local stack (moto)."""
