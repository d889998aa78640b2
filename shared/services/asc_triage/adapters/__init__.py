"""Adult social care triage's adapters: question sets and hub bookings in the council's table, events, the CRM client."""
