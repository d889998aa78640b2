"""Adult social care referral triage: what happens to referrals, with their stores and the CRM passed in."""
