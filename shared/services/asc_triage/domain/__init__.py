"""The ASC referral triage domain: pure, no AWS imports."""
