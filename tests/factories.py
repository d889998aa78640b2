"""Applications for tests: complete by default, with what a test changes named explicitly."""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from typing import Any

from shared.core.domain.council import CouncilConfig
from shared.core.domain.evidence import case_evidence_prefix, intake_evidence_prefix
from shared.services.blue_badge import SERVICE_KEY
from shared.services.blue_badge.domain.settings import badge_settings


def complete_application(council_code: str = "NORTHSHIRE", without_evidence: tuple[str, ...] = (), **overrides: Any) -> dict[str, Any]:
    """A complete PIP application as the national online service would send it, its files named in its intake folder
    (tests.integration.conftest.upload_intake_files puts them there)."""
    application_id = overrides.get("application_id") or f"APP-{uuid.uuid4().hex[:12].upper()}"
    folder = intake_evidence_prefix(overrides.get("council_code") or council_code, application_id)
    application: dict[str, Any] = {
        "application_id": application_id,
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
            # The award letter is a month old whenever the tests run: a PIP letter must be less than 12 months old.
            "benefit": {"award_start": "2025-01-01", "award_end": "2028-01-01", "pip_moving_around_points": 10,
                        "award_letter_date": (date.today() - timedelta(days=30)).isoformat()},
        },
        "evidence": [
            {"type": "PROOF_ELIG", "key": f"{folder}pip-letter.pdf"},
            {"type": "PROOF_ID", "key": f"{folder}passport.jpg"},
            {"type": "PROOF_ADD", "key": f"{folder}council-tax.pdf"},
            {"type": "PHOTO", "key": f"{folder}photo.jpg"},
        ],
        "payment": {"amount_pence": 1000, "paid": True, "reference": "PAY-1"},
    }
    application["evidence"] = [item for item in application["evidence"] if item["type"] not in without_evidence]
    for path, value in overrides.items():
        set_path(application, path, value)
    return application


def intake_file(application: dict[str, Any], evidence_type: str, name: str, **extra: str) -> dict[str, str]:
    """An evidence reference to a file in the application's intake folder (where its sender uploads it)."""
    folder = intake_evidence_prefix(application["council_code"], application["application_id"])
    return {"type": evidence_type, "key": f"{folder}{name}", **extra}


def case_file(case_id: str, evidence_type: str, name: str, council_code: str = "NORTHSHIRE") -> dict[str, str]:
    """An evidence reference to a file in the case's own folder (where the reply page puts the applicant's uploads)."""
    return {"type": evidence_type, "key": f"{case_evidence_prefix(council_code, case_id)}{name}"}


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


def with_badge_settings(council: CouncilConfig, **changes: Any) -> CouncilConfig:
    """The council with some of its Blue Badge settings changed (a test's variant of a shipped council)."""
    settings = badge_settings(council).model_copy(update=changes)
    return council.model_copy(update={"services": council.services | {SERVICE_KEY: settings}})


def create_council_table(client: Any) -> str:
    """A council table (moto) with the keys and the one index (GSI1, stage) that case records and the badge runs use;
    its name is unique, as moto's backend is shared by the tests of a worker."""
    import secrets

    from shared.resources import CASE_TABLE_LAYOUT, STAGE_INDEX

    name = f"council-{secrets.token_hex(4)}"
    keys = (CASE_TABLE_LAYOUT.partition_key, CASE_TABLE_LAYOUT.sort_key, STAGE_INDEX.partition_key, STAGE_INDEX.sort_key)
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key in keys],
        KeySchema=[{"AttributeName": keys[0], "KeyType": "HASH"}, {"AttributeName": keys[1], "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": STAGE_INDEX.name, "Projection": {"ProjectionType": "ALL"}, "KeySchema": [
            {"AttributeName": keys[2], "KeyType": "HASH"}, {"AttributeName": keys[3], "KeyType": "RANGE"}]}],
    )
    return name
