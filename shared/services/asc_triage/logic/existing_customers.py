"""The existing customer check: other adult social care referrals of the same person in this council, found by their
NHS number or by surname and date of birth (the search keys the referral's case was written with; one Query each)."""

from __future__ import annotations

from shared.core.adapters.case_store import CaseStore
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.spec import NHS_NUMBER_LOOKUP, person_lookup


def existing_cases(store: CaseStore, referral: ReferralCase) -> list[str]:
    """Ids of the person's other cases, NHS number matches first, each once, without the referral itself."""
    adult = referral.application.adult
    lookups = [(NHS_NUMBER_LOOKUP, adult.nhs_number)] if adult.nhs_number else []
    lookups.append(person_lookup(adult.family_name, adult.date_of_birth.isoformat()))
    found: list[str] = []
    for kind, value in lookups:
        found += [case_id for case_id in store.lookup(kind, value) if case_id != referral.case_id and case_id not in found]
    return found
