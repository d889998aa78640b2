"""Adult social care referral triage: the public referral form, triage against the Care Act threshold, screening, routing
within 24 business hours, signposting and hub appointments, and the push to the council's CRM."""

SERVICE_KEY = "asc-triage"
