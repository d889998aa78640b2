"""The search keys of a contact (ServiceSpec.lookup_keys), each a partition of its own so that every list read from one
is a single Query: the partner's own submissions, their agency's, and earlier contacts about the same child (by surname
and date of birth, and by address). All four are listed (ServiceSpec.listed_lookups): their items carry the contact's
queue row, so a list shows status without reading a contact."""

from __future__ import annotations

import re

from shared.services.family_front_door.domain.submission import Child, Submission

SUBMITTER_LOOKUP = "FFD-SUBMITTER"
AGENCY_LOOKUP = "FFD-AGENCY"
CHILD_LOOKUP = "FFD-CHILD"  # surname and date of birth (or expected date): apart from other services' people
ADDRESS_LOOKUP = "FFD-ADDRESS"  # postcode and first line of the address
LISTED_LOOKUPS = (SUBMITTER_LOOKUP, AGENCY_LOOKUP, CHILD_LOOKUP, ADDRESS_LOOKUP)


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


def child_lookup(child: Child) -> tuple[str, str] | None:
    born = child.born_or_due
    if not child.family_name or born is None:
        return None
    return CHILD_LOOKUP, f"{_compact(child.family_name)}#{born.isoformat()}"


def address_lookup(child: Child) -> tuple[str, str] | None:
    address = child.address
    if not address.postcode or not address.line1:
        return None
    return ADDRESS_LOOKUP, f"{address.postcode.replace(' ', '')}#{_compact(address.line1)}"


def lookups(submission: Submission) -> list[tuple[str, str]]:
    submitter = submission.submitter
    found = [(SUBMITTER_LOOKUP, submitter.user_id), (AGENCY_LOOKUP, submitter.agency_id)]
    return found + [key for key in (child_lookup(submission.child), address_lookup(submission.child)) if key is not None]


def lookup_key(kind: str, value: str) -> str:
    return f"LOOKUP#{kind}#{value}"
