"""Finding Blue Badge holders and their cases: search by badge number, surname + date of birth, postcode or NI
number, and the single view of a person (earlier applications, badges, possible duplicates).

Every search key is a partition of its own (written with the case, see ServiceSpec.lookup_keys), so a
search is one Query, then one GetItem per case found.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.formats import normalise_nino, normalise_postcode
from shared.core.domain.case import Case
from shared.core.logic.people import MAX_RESULTS, same_person_case_ids
from shared.services.blue_badge.domain.badge import Badge, BadgeRuleError, is_valid_badge_number, normalise_badge_number
from shared.services.blue_badge.domain.case import CLOSED_STAGES


class SearchKind(StrEnum):
    BADGE = "BADGE"
    PERSON = "PERSON"  # surname + date of birth
    POSTCODE = "POSTCODE"
    NINO = "NINO"


class CaseSummary(BaseModel):
    case_id: str
    stage: str
    application_type: str
    received_at: str
    holder_name: str | None
    date_of_birth: date | None
    postcode: str | None
    badge_numbers: list[str]

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        holder = case.application.holder
        organisation = case.application.organisation
        name = " ".join(part for part in (holder.forenames, holder.surname) if part) if holder else None
        address = holder.address if holder else (organisation.address if organisation else None)
        return cls(
            case_id=case.case_id, stage=case.stage.value, application_type=case.application.application_type.value,
            received_at=case.received_at.isoformat(), holder_name=name or (organisation.name if organisation else None),
            date_of_birth=holder.date_of_birth if holder else None, postcode=address.postcode if address else None,
            badge_numbers=case.badge_numbers,
        )


def search_key(kind: SearchKind, value: str, date_of_birth: date | None = None) -> str:
    """The lookup value for a search, normalised the way intake wrote it."""
    match kind:
        case SearchKind.BADGE:
            number = normalise_badge_number(value)
            if not is_valid_badge_number(number):
                raise BadgeRuleError("value", f"{value!r} is not a badge number: 6 characters from 0-9, A-H, J, K")
            return number
        case SearchKind.NINO:
            return normalise_nino(value)
        case SearchKind.POSTCODE:
            return normalise_postcode(value).replace(" ", "")
        case SearchKind.PERSON:
            if date_of_birth is None:
                raise ValueError("date_of_birth is required to search by surname")
            return f"{value.strip().upper()}#{date_of_birth.isoformat()}"


def search(store: CaseStore, kind: SearchKind, value: str, date_of_birth: date | None = None) -> list[CaseSummary]:
    case_ids = store.lookup(kind.value, search_key(kind, value, date_of_birth))[:MAX_RESULTS]
    cases = [store.get(case_id) for case_id in dict.fromkeys(case_ids)]
    return sorted((CaseSummary.of(case) for case in cases if case is not None), key=lambda summary: summary.received_at, reverse=True)


class PersonView(BaseModel):
    applications: list[CaseSummary]
    badges: list[Badge]
    possible_duplicates: list[str]  # other open cases for the same person: merge or withdraw one


def person_view(store: CaseStore, case: Case) -> PersonView:
    """The person's other applications (newest first) and every badge they hold, with open duplicates flagged."""
    applications, badges, duplicates = [], [], []
    for other_id in same_person_case_ids(store, case):
        loaded = store.load(other_id)
        if loaded is None:
            continue
        applications.append(CaseSummary.of(loaded.case))
        badges += loaded.records_of(Badge)
        if loaded.case.stage not in CLOSED_STAGES and case.stage not in CLOSED_STAGES:
            duplicates.append(other_id)
    applications.sort(key=lambda summary: summary.received_at, reverse=True)
    return PersonView(applications=applications, badges=badges, possible_duplicates=duplicates)


def badges_of_person(store: CaseStore, case: Case) -> list[Badge]:
    """Badges ordered by this person's other cases (the one-badge rule checks them)."""
    return person_view(store, case).badges
