"""Where a council's documents live in the evidence bucket, and which object keys a request may name.

Every object is kept under its council's folder, `councils/<tenant>/`, which the council's scoped credentials
(shared/core/adapters/tenant_credentials.py) are the only way to reach:
- `councils/<tenant>/intake/<application id>/...`: files uploaded for an application before it is submitted
  (by the national service, or a council's scanning); intake copies them into the case's folder.
- `councils/<tenant>/cases/<case id>/...`: a case's documents. A case refers to nothing outside its own folder.
Keys are set by the platform, never trusted from a caller: each route checks that a key it is given lies in the
one folder that request may use, and refuses the rest naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.core.domain.case import ParkReason
from shared.resources import tenant_id

COUNCILS_FOLDER = "councils/"
CASES_FOLDER = "cases/"
INTAKE_FOLDER = "intake/"


def council_evidence_prefix(council_code: str) -> str:
    return f"{COUNCILS_FOLDER}{tenant_id(council_code)}/"


def case_evidence_prefix(council_code: str, case_id: str) -> str:
    return f"{council_evidence_prefix(council_code)}{CASES_FOLDER}{case_id}/"


def intake_evidence_prefix(council_code: str, application_id: str) -> str:
    return f"{council_evidence_prefix(council_code)}{INTAKE_FOLDER}{application_id}/"


def is_within(key: str, prefix: str) -> bool:
    """Whether `key` names a file inside `prefix`: no empty or dot segments, which some clients would normalise
    into another folder."""
    if not key.startswith(prefix) or len(key) == len(prefix):
        return False
    return all(segment not in ("", ".", "..") for segment in key[len(prefix):].split("/"))


def refused_keys(keys: Sequence[str], prefixes: Sequence[str], field: str = "evidence") -> list[ParkReason]:
    """A reason for each key outside every allowed prefix, naming its field (e.g. evidence.2.key)."""
    where = " or ".join(prefixes)
    return [
        ParkReason(field=f"{field}.{index}.key", message=f"must name a file uploaded for this application or case (under {where})")
        for index, key in enumerate(keys)
        if not any(is_within(key, prefix) for prefix in prefixes)
    ]


def case_copy_key(council_code: str, case_id: str, index: int, source_key: str) -> str:
    """Where intake keeps a copy of the application's file number `index` (the same name on a retry)."""
    return f"{case_evidence_prefix(council_code, case_id)}{index + 1:02d}-{source_key.rsplit('/', 1)[-1]}"


class EvidenceRefused(ValueError):
    """Keys a request may not name, or files that are not there: one reason per field."""

    def __init__(self, reasons: list[ParkReason]):
        super().__init__("; ".join(f"{reason.field}: {reason.message}" for reason in reasons))
        self.reasons = reasons
