"""Demo data for the local stack: staff logins, and applications sent through the real intake path.

Applications are PUBLISHED on the event bus (rule -> queue -> pump -> ingest handler), never written to
tables directly, so seeding exercises the same path as the national service's events.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from infra.local.provision import ClientFactory, LocalResources, client_factory
from infra.local.pump import IntakePump, PumpStats
from shared.domain.application import Application
from shared.domain.completeness import missing_items
from shared.domain.council import CouncilConfig, CouncilRegistry
from shared.domain.formats import is_valid_postcode
from shared.resources import APPLICATION_SUBMITTED, EVENT_BUS_NAME, NATIONAL_ADMIN_GROUP, Role, council_group

log = logging.getLogger(__name__)

DEMO_PASSWORD = "Casework-Demo-2026!"  # local demo logins only; meets Cognito's default password policy
NATIONAL_ADMIN_USERNAME = "national-admin@casework.example"
UNKNOWN_COUNCIL_CODE = "NOWHERE"
PUT_EVENTS_MAX_ENTRIES = 10


# ---------------------------------------------------------------- Staff logins
@dataclass(frozen=True)
class DemoUser:
    username: str  # also the email address
    groups: tuple[str, ...]
    council_code: str | None  # None for the national administrator
    role: Role | None


def demo_users(councils: CouncilRegistry) -> list[DemoUser]:
    """One login per council and role (e.g. caseworker@northshire.example) and one national administrator."""
    users = [
        DemoUser(f"{role.value}@{council.code.lower()}.example", (council_group(council.code, role),), council.code, role)
        for council in councils
        for role in Role
    ]
    users.append(DemoUser(NATIONAL_ADMIN_USERNAME, (NATIONAL_ADMIN_GROUP,), None, None))
    return users


def create_demo_users(cognito: Any, user_pool_id: str, users: Iterable[DemoUser], password: str = DEMO_PASSWORD) -> None:
    for user in users:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=user.username,
            UserAttributes=[{"Name": "email", "Value": user.username}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        # Permanent, so sign-in gives tokens at once instead of a NEW_PASSWORD_REQUIRED challenge.
        cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=user.username, Password=password, Permanent=True)
        for group in user.groups:
            cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=user.username, GroupName=group)


# ---------------------------------------------------------------- Applications
class Expected(StrEnum):
    """Where a demo application should end up, by the domain rules."""

    SCREENING = "SCREENING"  # complete: a case that reaches screening
    AWAITING_INFORMATION = "AWAITING_INFORMATION"  # incomplete: a case waiting for the missing items
    PARKED = "PARKED"  # malformed, or for a council not in this deployment


@dataclass(frozen=True)
class DemoApplication:
    payload: dict[str, Any]  # the event detail, as the national service sends it
    label: str
    expected: Expected
    missing: tuple[str, ...] = ()  # MissingCode values, for a case awaiting information

    @property
    def application_id(self) -> str:
        return self.payload["application_id"]


_FORENAMES = ["Ada", "Bronwen", "Callum", "Dilys", "Emeka", "Fatima", "Gareth", "Harriet", "Idris", "Jaspreet", "Keira",
              "Llinos", "Mohammed", "Niamh", "Owain", "Priya", "Rhys", "Tomasz", "Ursula", "Wei", "Yusuf", "Zofia"]
_SURNAMES = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fraser", "Griffiths", "Hughes", "Iqbal", "Jones", "Kowalski",
             "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Roberts", "Singh", "Thomas", "Williams"]
_STREETS = ["Mill Lane", "Station Road", "Church Street", "High Street", "Park Avenue", "Bridge Street", "Orchard Close", "Victoria Terrace"]
_ORGANISATIONS = ["Riverside Community Transport", "Hillview Care Home", "Sunflower Day Centre", "Dial-a-Ride Cooperative"]
_NINO_LETTERS = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BARRED = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
_POSTCODE_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_BADGE_ALPHABET = "0123456789ABCDEFGHJK"


class _Maker:
    """Builds the parts of one council's applications from a seeded random generator."""

    def __init__(self, rng: random.Random, council: CouncilConfig, now: datetime):
        self.rng = rng
        self.council = council
        self.now = now
        self.today = now.date()
        # Addresses near the council: the letters of its own postcode's area, e.g. "NE" from "NE1 4XF".
        self.postcode_area = "".join(ch for ch in council.collection_address.postcode.split(" ")[0] if ch.isalpha())

    def postcode(self) -> str:
        inward = f"{self.rng.randint(1, 9)}{self.rng.choice(_POSTCODE_INWARD_LETTERS)}{self.rng.choice(_POSTCODE_INWARD_LETTERS)}"
        candidate = f"{self.postcode_area}{self.rng.randint(1, 19)} {inward}"
        return candidate if is_valid_postcode(candidate) else self.council.collection_address.postcode

    def nino(self) -> str:
        while True:
            prefix = self.rng.choice(_NINO_LETTERS) + self.rng.choice(_NINO_LETTERS)
            if prefix not in _NINO_BARRED:
                return f"{prefix}{self.rng.randint(0, 999999):06d}{self.rng.choice('ABCD')}"

    def badge_number(self) -> str:
        return "".join(self.rng.choice(_BADGE_ALPHABET) for _ in range(6))

    def birth_date(self, child: bool = False) -> str:
        days = self.rng.randint(60, 1000) if child else self.rng.randint(28 * 365, 90 * 365)  # child routes: under 3
        return (self.today - timedelta(days=days)).isoformat()

    def submitted_at(self) -> str:
        moment = self.now - timedelta(days=self.rng.randint(0, 20), minutes=self.rng.randint(5, 600))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def holder(self, child: bool = False) -> dict[str, Any]:
        forename, surname = self.rng.choice(_FORENAMES), self.rng.choice(_SURNAMES)
        holder = {
            "title": None if child else self.rng.choice(["Mr", "Mrs", "Ms", "Mx", "Dr"]),
            "forenames": forename,
            "surname": surname,
            "date_of_birth": self.birth_date(child),
            "gender": self.rng.choice(["MALE", "FEMALE", "UNSPECIFIED"]),
            "address": self.address(),
        }
        if not child:
            holder["nino"] = self.nino()
        return {key: value for key, value in holder.items() if value is not None}

    def address(self) -> dict[str, str]:
        return {
            "line1": f"{self.rng.randint(1, 120)} {self.rng.choice(_STREETS)}",
            "town": self.council.collection_address.town,
            "postcode": self.postcode(),
        }

    def contact(self, holder: dict[str, Any], relationship: str = "SELF") -> dict[str, Any]:
        name = f"{holder['forenames']} {holder['surname']}" if relationship == "SELF" else f"{self.rng.choice(_FORENAMES)} {holder['surname']}"
        return {
            "full_name": name,
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            "phone": f"01632 {self.rng.randint(960100, 960999)}",  # Ofcom's drama range
            "relationship": relationship,
        }

    def award(self, indefinite: bool = False) -> dict[str, Any]:
        start = self.today - timedelta(days=self.rng.randint(60, 900))
        if indefinite:
            return {"award_start": start.isoformat(), "indefinite": True}
        return {"award_start": start.isoformat(), "award_end": (start + timedelta(days=3 * 365)).isoformat()}

    def payment(self, badges: int = 1) -> dict[str, Any] | None:
        if not self.council.charges_fee:
            return None
        return {"amount_pence": self.council.badge_fee_pence * badges, "paid": True,
                "reference": f"PAY-{self.rng.randint(100000, 999999)}", "method": "CARD"}


def _evidence(application_id: str, *types: str) -> list[dict[str, str]]:
    refs = []
    for evidence_type in types:
        image = evidence_type in ("PHOTO", "PROOF_ID")
        extension, content_type = ("jpg", "image/jpeg") if image else ("pdf", "application/pdf")
        name = f"{evidence_type.lower().replace('_', '-')}.{extension}"
        refs.append({"type": evidence_type, "key": f"uploads/{application_id}/{name}", "filename": name, "content_type": content_type})
    return refs


_WALKING = {
    "difficulties": ["PAIN", "BREATH", "BALANCE"],
    "speed": "MSLOW",
    "length_of_time": "LESSMIN",
    "aids": [{"provided_by": "PRESCRIBE", "description": "Two elbow crutches", "usage": "Always outdoors"}],
    "breathlessness": ["UPHILL", "KEEPUP"],
    "treatments": [{"description": "Physiotherapy for lower back and hips", "when": "Weekly since 2024"}],
    "medications": [{"name": "Co-codamol 30/500", "prescribed": True, "quantity": "2 tablets", "frequency": "Four times a day"}],
    "healthcare_professionals": [{"name": "Dr A. Rahman (GP)", "location": "Northgate Surgery"}],
}


def _scenarios() -> list[tuple[str, Any]]:
    """(label, builder) pairs; builder(maker, application_id, variant) -> payload. Order = generation order."""

    def person(m: _Maker, app_id: str, app_type: str, channel: str, code: str, *, evidence: tuple[str, ...], **extra: Any) -> dict[str, Any]:
        child = code in ("CHILDBULK", "CHILDVEHIC")
        holder = m.holder(child=child)
        eligibility: dict[str, Any] = {"code": code}
        eligibility.update(extra.pop("eligibility", {}))
        payload = {
            "application_id": app_id, "application_type": app_type, "party": "PERSON", "channel": channel,
            "council_code": m.council.code, "submitted_at": m.submitted_at(), "holder": holder,
            "contact": m.contact(holder, "PARENT" if child else "SELF"), "eligibility": eligibility,
            "evidence": _evidence(app_id, *evidence), "payment": m.payment(),
        }
        payload.update(extra)
        return {key: value for key, value in payload.items() if value is not None}

    automatic = ("PROOF_ELIG", "PROOF_ID", "PROOF_ADD", "PHOTO")
    assessed = ("SUPPORT_DOCS", "PROOF_ID", "PROOF_ADD", "PHOTO")

    def without_nino(m: _Maker, app_id: str, variant: int) -> dict[str, Any]:
        payload = person(m, app_id, "NEW", "PAPER", "PIP", evidence=automatic, eligibility={"benefit": m.award()})
        payload["holder"].pop("nino", None)
        return payload

    def fee_unpaid(m: _Maker, app_id: str, variant: int) -> dict[str, Any]:
        payload = person(m, app_id, "NEW", "ONLINE", "DLA", evidence=automatic, eligibility={"benefit": m.award(indefinite=True)})
        if m.council.charges_fee:
            payload["payment"] = {"amount_pence": m.council.badge_fee_pence, "paid": False, "method": "CHEQUE"}
        return payload

    def organisation(m: _Maker, app_id: str, variant: int) -> dict[str, Any]:
        badges = m.rng.randint(2, 6)
        return {
            "application_id": app_id, "application_type": "NEW", "party": "ORG", "channel": "ONLINE",
            "council_code": m.council.code, "submitted_at": m.submitted_at(),
            "organisation": {"name": m.rng.choice(_ORGANISATIONS), "charity_number": str(m.rng.randint(1000000, 1199999)),
                             "number_of_badges": badges, "people_carried": m.rng.randint(20, 400), "address": m.address()},
            "contact": {"full_name": f"{m.rng.choice(_FORENAMES)} {m.rng.choice(_SURNAMES)}", "email": "transport@example.org",
                        "phone": "01632 960555", "relationship": "Transport manager"},
            "evidence": _evidence(app_id, "SUPPORT_DOCS"),
            **({"payment": m.payment(badges)} if m.council.charges_fee else {}),
        }

    def replacement(m: _Maker, app_id: str, variant: int) -> dict[str, Any]:
        stolen = variant % 2 == 0
        holder = m.holder()
        payload = {
            "application_id": app_id, "application_type": "REPLACE", "party": "PERSON", "channel": "ONLINE",
            "council_code": m.council.code, "submitted_at": m.submitted_at(), "holder": holder, "contact": m.contact(holder),
            "evidence": _evidence(app_id, "PHOTO"), "existing_badge_number": m.badge_number(),
            "replace_reason": "STOLE" if stolen else "LOST", "payment": m.payment(),
        }
        if stolen:
            payload["crime_reference"] = f"CR/{m.rng.randint(10000, 99999)}/{m.today:%y}"
        return {key: value for key, value in payload.items() if value is not None}

    def cancellation(m: _Maker, app_id: str, variant: int) -> dict[str, Any]:
        holder = m.holder()
        return {
            "application_id": app_id, "application_type": "CANCEL", "party": "PERSON", "channel": "PHONE",
            "council_code": m.council.code, "submitted_at": m.submitted_at(), "holder": holder,
            "contact": m.contact(holder, "Next of kin"), "existing_badge_number": m.badge_number(),
            "cancel_reason": "DECEASE" if variant % 2 == 0 else "NOLONG",
        }

    return [
        ("PIP, complete", lambda m, i, v: person(m, i, "NEW", "ONLINE", "PIP", evidence=automatic,
                                                 eligibility={"benefit": {**m.award(), "pip_moving_around_points": 12}})),
        ("DLA, complete", lambda m, i, v: person(m, i, "NEW", "PAPER", "DLA", evidence=automatic,
                                                 eligibility={"benefit": m.award(indefinite=True)})),
        ("Registered blind, complete", lambda m, i, v: person(m, i, "NEW", "PHONE", "BLIND", evidence=automatic, eligibility={
            "description": "Certified severely sight impaired (CVI) by a consultant ophthalmologist"})),
        ("Armed forces award, renewal", lambda m, i, v: person(m, i, "RENEW", "INPERSON", ("AFRFCS", "WPMS")[v % 2], evidence=automatic,
                                                               eligibility={"benefit": m.award(indefinite=True)},
                                                               existing_badge_number=m.badge_number())),
        ("Walking difficulty, further assessment", lambda m, i, v: person(m, i, "NEW", "ONLINE", "WALKD", evidence=assessed, eligibility={
            "walking": _WALKING, "conditions": "Osteoarthritis in both hips and knees; chronic obstructive pulmonary disease"})),
        ("Arms disability, further assessment", lambda m, i, v: person(m, i, "NEW", "PAPER", "ARMS", evidence=assessed, eligibility={
            "arms": {"drives_regularly": True, "adapted_vehicle": True,
                     "parking_meter_difficulty": "Cannot grip or turn coins; no reach above shoulder height"},
            "conditions": "Bilateral upper limb weakness after a spinal injury"})),
        ("Child under 3, further assessment", lambda m, i, v: person(m, i, "NEW", "ONLINE", ("CHILDBULK", "CHILDVEHIC")[v % 2], evidence=assessed,
                                                                     eligibility={"child": {"bulky_equipment": ["VENT", "SUCTION", "OXYSAT"]},
                                                                                  "conditions": "Needs ventilation and suction equipment at all times"})),
        ("Hidden disability, renewal", lambda m, i, v: person(m, i, "RENEW", "PHONE", ("COGNITIVE", "TRAF_RISK")[v % 2], evidence=assessed,
                                                              existing_badge_number=m.badge_number(), eligibility={
            "description": "Autism and severe anxiety: no awareness of danger from traffic",
            "conditions": "Diagnosed by the community mental health team in 2019"})),
        ("Organisation", organisation),
        ("Replacement (lost or stolen)", replacement),
        ("Cancellation", cancellation),
        ("INCOMPLETE: no photo", lambda m, i, v: person(m, i, "NEW", "ONLINE", "PIP", evidence=automatic[:-1],
                                                        eligibility={"benefit": m.award()})),
        ("INCOMPLETE: no NI number on a PIP application", without_nino),
        ("INCOMPLETE: no proof of address", lambda m, i, v: person(m, i, "NEW", "INPERSON", "WALKD", evidence=("SUPPORT_DOCS", "PROOF_ID", "PHOTO"),
                                                                   eligibility={"walking": _WALKING})),
        ("Fee unpaid where the council charges", fee_unpaid),
    ]


def demo_applications(
    councils: CouncilRegistry, count_per_council: int = 15, seed: int = 42, now: datetime | None = None
) -> list[DemoApplication]:
    """count_per_council applications per council (cycling through the scenarios above), then two malformed ones.

    Deterministic for a given seed and `now` (default: the current time, so the demo cases look recent).
    """
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    scenarios = _scenarios()
    demo: list[DemoApplication] = []
    for council_index, council in enumerate(councils):
        maker = _Maker(rng, council, now)
        for number in range(count_per_council):
            label, build = scenarios[number % len(scenarios)]
            variant = council_index + number // len(scenarios)
            payload = build(maker, f"DEMO-{council.code}-{number + 1:03d}", variant)
            missing = tuple(item.code.value for item in missing_items(Application.model_validate(payload), council))
            expected = Expected.AWAITING_INFORMATION if missing else Expected.SCREENING
            demo.append(DemoApplication(payload, f"{council.code}: {label}", expected, missing))
    first = next(iter(councils))
    malformed = scenarios[0][1](_Maker(rng, first, now), f"DEMO-{first.code}-BADCODE", 0)
    malformed["eligibility"]["code"] = "JETPACK"
    demo.append(DemoApplication(malformed, f"{first.code}: MALFORMED: unknown eligibility code", Expected.PARKED))
    unrouted = scenarios[0][1](_Maker(rng, first, now), f"DEMO-{UNKNOWN_COUNCIL_CODE}-001", 0)
    unrouted["council_code"] = UNKNOWN_COUNCIL_CODE
    demo.append(DemoApplication(unrouted, f"{UNKNOWN_COUNCIL_CODE}: council not in this deployment", Expected.PARKED))
    return demo


# ---------------------------------------------------------------- Evidence placeholders
def tiny_jpeg() -> bytes:
    """A valid 8x8 mid-grey baseline JPEG: one all-zero block, coded with one-symbol Huffman tables."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload

    one_code_of_length_1 = bytes([1] + [0] * 15)
    return b"".join(
        [
            b"\xff\xd8",  # SOI
            segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            segment(0xDB, b"\x00" + bytes([1] * 64)),  # quantisation table 0, all ones
            segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00"),  # 8-bit, 8x8, one component
            segment(0xC4, b"\x00" + one_code_of_length_1 + b"\x00"),  # DC table 0: category 0 only
            segment(0xC4, b"\x10" + one_code_of_length_1 + b"\x00"),  # AC table 0: end-of-block only
            segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),  # start of scan
            b"\x3f",  # bits 0 (DC diff 0) and 0 (EOB), padded with ones
            b"\xff\xd9",  # EOI
        ]
    )


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` (ASCII), with a correct cross-reference table."""
    safe = "".join(ch for ch in text if 32 <= ord(ch) < 127).replace("\\", "").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def upload_evidence(s3: Any, bucket: str, applications: Iterable[DemoApplication]) -> int:
    """Put a placeholder object at every evidence key the applications refer to; returns the count."""
    jpeg = tiny_jpeg()
    count = 0
    for demo in applications:
        for ref in demo.payload.get("evidence", []):
            is_image = ref.get("content_type") == "image/jpeg"
            body = jpeg if is_image else tiny_pdf(f"Demo evidence {ref['type']} for {demo.application_id}")
            s3.put_object(Bucket=bucket, Key=ref["key"], Body=body, ContentType=ref.get("content_type") or "application/octet-stream")
            count += 1
    return count


# ---------------------------------------------------------------- Publishing and seeding
def publish_applications(events: Any, payloads: Iterable[dict[str, Any]], event_bus_name: str = EVENT_BUS_NAME) -> int:
    """PutEvents as the national service does (APPLICATION_SUBMITTED source and detail type)."""
    entries = [
        {"EventBusName": event_bus_name, "Source": APPLICATION_SUBMITTED.source,
         "DetailType": APPLICATION_SUBMITTED.detail_type, "Detail": json.dumps(payload)}
        for payload in payloads
    ]
    for start in range(0, len(entries), PUT_EVENTS_MAX_ENTRIES):
        response = events.put_events(Entries=entries[start:start + PUT_EVENTS_MAX_ENTRIES])
        if response.get("FailedEntryCount"):
            raise RuntimeError(f"PutEvents refused entries: {[e for e in response['Entries'] if 'ErrorCode' in e]}")
    return len(entries)


def wait_for_workflows(sfn: Any, state_machine_arns: Iterable[str], timeout_seconds: float = 30.0) -> bool:
    """Wait until every execution has finished or is waiting for a callback (a person's step, such as the
    applicant's missing information); False if some are still busy after the timeout."""
    deadline = time.monotonic() + timeout_seconds
    arns = list(state_machine_arns)
    while True:
        busy = [
            execution["executionArn"]
            for arn in arns
            for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
            if not _waiting_for_callback(sfn, execution["executionArn"])
        ]
        if not busy:
            return True
        if time.monotonic() >= deadline:
            log.warning("%d workflow executions still busy after %.0f s", len(busy), timeout_seconds)
            return False
        time.sleep(0.2)


def _waiting_for_callback(sfn: Any, execution_arn: str) -> bool:
    """A callback task's last event is TaskSubmitted: the task is out and the token is awaited.

    The latest event is picked by id: moto ignores reverseOrder and maxResults."""
    events = sfn.get_execution_history(executionArn=execution_arn, reverseOrder=True)["events"]
    return bool(events) and max(events, key=lambda event: event["id"])["type"] == "TaskSubmitted"


@dataclass
class SeedReport:
    users: list[DemoUser]
    applications: list[DemoApplication]
    evidence_objects: int
    pump: PumpStats
    workflows_settled: bool
    password: str = field(default=DEMO_PASSWORD, repr=False)


def seed(
    session_or_clients: Any,
    resources: LocalResources,
    councils: CouncilRegistry,
    pump: IntakePump,
    count_per_council: int = 15,
    random_seed: int = 42,
    password: str = DEMO_PASSWORD,
    drain_seconds: float = 60.0,
) -> SeedReport:
    """Create the demo logins, upload evidence placeholders, publish the applications, drain the pump
    and wait for the workflows the ingest handler started."""
    clients: ClientFactory = client_factory(session_or_clients)
    users = demo_users(councils)
    create_demo_users(clients("cognito-idp"), resources.user_pool_id, users, password)
    applications = demo_applications(councils, count_per_council, random_seed)
    evidence_objects = upload_evidence(clients("s3"), resources.evidence_bucket, applications)
    publish_applications(clients("events"), (demo.payload for demo in applications), resources.event_bus_name)
    stats = pump.drain(max_seconds=drain_seconds)
    settled = wait_for_workflows(clients("stepfunctions"), resources.state_machine_arns.values())
    return SeedReport(users, applications, evidence_objects, stats, settled, password)
