"""Applications for tests: complete by default, with what a test changes named explicitly."""

from __future__ import annotations

import copy
import uuid
from typing import Any


def complete_application(council_code: str = "NORTHSHIRE", **overrides: Any) -> dict[str, Any]:
    """A complete PIP application as the national online service would send it."""
    application: dict[str, Any] = {
        "application_id": f"APP-{uuid.uuid4().hex[:12].upper()}",
        "application_type": "NEW",
        "party": "PERSON",
        "channel": "ONLINE",
        "council_code": council_code,
        "submitted_at": "2026-11-20T09:30:00Z",
        "holder": {
            "forenames": "Ada",
            "surname": "Lovelace",
            "date_of_birth": "1958-12-10",
            "gender": "FEMALE",
            "nino": "AB123456C",
            "address": {"line1": "12 Mill Lane", "town": "Northby", "postcode": "ne1 4xf"},
        },
        "contact": {"full_name": "Ada Lovelace", "email": "ada@example.com", "relationship": "SELF"},
        "eligibility": {
            "code": "PIP",
            "benefit": {"award_start": "2025-01-01", "award_end": "2028-01-01", "pip_moving_around_points": 10},
        },
        "evidence": [
            {"type": "PROOF_ELIG", "key": "uploads/pip-letter.pdf"},
            {"type": "PROOF_ID", "key": "uploads/passport.jpg"},
            {"type": "PROOF_ADD", "key": "uploads/council-tax.pdf"},
            {"type": "PHOTO", "key": "uploads/photo.jpg"},
        ],
        "payment": {"amount_pence": 1000, "paid": True, "reference": "PAY-1"},
    }
    for path, value in overrides.items():
        set_path(application, path, value)
    return application


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with value REMOVE, delete) a dotted path such as 'holder.address.postcode'."""
    *parents, leaf = path.split("__") if "__" in path else path.split(".")
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if value is REMOVE:
        node.pop(leaf, None)
    else:
        node[leaf] = copy.deepcopy(value)


REMOVE = object()
