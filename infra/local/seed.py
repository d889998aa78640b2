"""Demo data for the local stack: staff logins, and applications sent through the real intake path.

Applications are PUBLISHED on the event bus (rule -> queue -> pump -> ingest handler), never written to
tables directly, so seeding exercises the same path as the national service's events. A few cases per
council are then taken further through the real API handler (as the demo logins), so every stage of the
workflows has a case to look at; the replacement and cancellation requests are published last, naming
badges ordered that way.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from infra.local.bridge import call_handler, lambda_context
from infra.local.http_api import proxy_event
from infra.local.provision import ClientFactory, LocalResources, client_factory
from infra.local.pump import IntakePump, PumpStats
from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.reply_links import ReplyLinks
from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import CLOSED_STAGES, Stage
from shared.services.blue_badge.domain.completeness import missing_items
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.domain.evidence import intake_evidence_prefix
from shared.core.domain.formats import is_valid_postcode
from shared.resources import API_FUNCTION, APPLICATION_SUBMITTED, EVENT_BUS_NAME, NATIONAL_ADMIN_GROUP, SUPPLIER_INBOX, Role, council_group, team_group
from shared.services.blue_badge.logic.reply import link_issuer
from shared.services.blue_badge.domain.settings import badge_settings

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
        # Every demo login is in every team of its council, so a newcomer sees each team's queue.
        DemoUser(f"{role.value}@{council.code.lower()}.example",
                 (council_group(council.code, role), *(team_group(council.code, team.key) for team in council.teams)),
                 council.code, role)
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
    scenario: str = ""  # the label in _scenarios() it was built from ("" for the parked ones)

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
        self.postcode_area = "".join(ch for ch in badge_settings(council).collection_address.postcode.split(" ")[0] if ch.isalpha())
        self.people: set[object] = set()  # (surname, date of birth) pairs and NI numbers already used

    def postcode(self) -> str:
        inward = f"{self.rng.randint(1, 9)}{self.rng.choice(_POSTCODE_INWARD_LETTERS)}{self.rng.choice(_POSTCODE_INWARD_LETTERS)}"
        candidate = f"{self.postcode_area}{self.rng.randint(1, 19)} {inward}"
        return candidate if is_valid_postcode(candidate) else badge_settings(self.council).collection_address.postcode

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
        """Someone no other demo application of this council is: the decision allows one live badge per
        person (same NI number, or same surname and date of birth)."""
        while True:
            holder = self._someone(child)
            keys = {(holder["surname"], holder["date_of_birth"]), holder.get("nino")} - {None}
            if not keys & self.people:
                self.people |= keys
                return holder

    def _someone(self, child: bool) -> dict[str, Any]:
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
            "town": badge_settings(self.council).collection_address.town,
            "postcode": self.postcode(),
        }

    def contact(self, holder: dict[str, Any], relationship: str = "SELF") -> dict[str, Any]:
        name = f"{holder['forenames']} {holder['surname']}" if relationship == "SELF" else f"{self.rng.choice(_FORENAMES)} {holder['surname']}"
        return {
            "full_name": name,
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            "phone": f"01632 {self.rng.randint(960100, 960999)}",  # Ofcom's drama range
            "relationship": relationship,
            # A Welsh demo council's representatives ask for letters: it is on the Notify stand-in, which posts them.
            "by_post": self.council.in_wales and relationship != "SELF",
        }

    def award(self, indefinite: bool = False) -> dict[str, Any]:
        start = self.today - timedelta(days=self.rng.randint(60, 900))
        letter = {"award_letter_date": max(start, self.today - timedelta(days=200)).isoformat()}  # recent: PIP needs < 12 months
        if indefinite:
            return {"award_start": start.isoformat(), "indefinite": True, **letter}
        return {"award_start": start.isoformat(), "award_end": (start + timedelta(days=3 * 365)).isoformat(), **letter}

    def payment(self, badges: int = 1) -> dict[str, Any] | None:
        if not badge_settings(self.council).charges_fee:
            return None
        return {"amount_pence": badge_settings(self.council).badge_fee_pence * badges, "paid": True,
                "reference": f"PAY-{self.rng.randint(100000, 999999)}", "method": "CARD"}


def _evidence(council_code: str, application_id: str, *types: str) -> list[dict[str, str]]:
    """Files as the national service uploads them, into the application's intake folder, before it submits."""
    refs = []
    for evidence_type in types:
        image = evidence_type in ("PHOTO", "PROOF_ID")
        extension, content_type = ("jpg", "image/jpeg") if image else ("pdf", "application/pdf")
        name = f"{evidence_type.lower().replace('_', '-')}.{extension}"
        key = f"{intake_evidence_prefix(council_code, application_id)}{name}"
        refs.append({"type": evidence_type, "key": key, "filename": name, "content_type": content_type})
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
            "evidence": _evidence(m.council.code, app_id, *evidence), "payment": m.payment(),
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
        if badge_settings(m.council).charges_fee:
            payload["payment"] = {"amount_pence": badge_settings(m.council).badge_fee_pence, "paid": False, "method": "CHEQUE"}
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
            "evidence": _evidence(m.council.code, app_id, "SUPPORT_DOCS"),
            **({"payment": m.payment(badges)} if badge_settings(m.council).charges_fee else {}),
        }

    def replacement(m: _Maker, app_id: str, variant: int) -> dict[str, Any]:
        stolen = variant % 2 == 0
        holder = m.holder()
        payload = {
            "application_id": app_id, "application_type": "REPLACE", "party": "PERSON", "channel": "ONLINE",
            "council_code": m.council.code, "submitted_at": m.submitted_at(), "holder": holder, "contact": m.contact(holder),
            "evidence": _evidence(m.council.code, app_id, "PHOTO"), "existing_badge_number": m.badge_number(),
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
            demo.append(DemoApplication(payload, f"{council.code}: {label}", expected, missing, scenario=label))
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


# ---------------------------------------------------------------- Taking demo cases further, through the API
@dataclass(frozen=True)
class Step:
    """One action on a demo case: POST /cases/{case_id}/{action} as the council's demo login for `by`."""

    action: str
    body: dict[str, Any]  # a Role value stands for the email of that role's demo login (the referral's assessor)
    then: Stage  # where the case waits, or closes, afterwards
    by: Role = Role.CASEWORKER


def _approve(**order: str) -> Step:
    return Step("decision", {"outcome": "APPROVE", "order": order}, Stage.ORDERED)


def _not_eligible(summary: str, by: Role = Role.CASEWORKER) -> Step:
    return Step("assessment", {"outcome": "NOT_ELIGIBLE", "summary": summary}, Stage.DECISION, by)


def _refuse(reason: str) -> Step:
    return Step("decision", {"outcome": "REFUSE", "reasons": [reason]}, Stage.REFUSED)


_PROOF_SEEN = Step("proof-check", {"confirmed": True, "notes": "Award letter seen; name and dates match the application"}, Stage.DECISION)
_REFER = Step("referral", {"assessor": Role.ASSESSOR}, Stage.ASSESSMENT)

# Per scenario of _scenarios(): the steps from its first human step to the stage the demo shows. The others
# stay where the workflow put them: the blind applicant at PROOF_CHECK, the child at ASSESSMENT (not referred),
# the incomplete ones waiting for information, and the replacement and cancellation (published later) at DECISION.
JOURNEYS: dict[str, tuple[Step, ...]] = {
    "PIP, complete": (_PROOF_SEEN, _approve(deliver_to="HOME", delivery_option="FAST")),  # ORDERED, then issued
    "DLA, complete": (_PROOF_SEEN, _approve(deliver_to="COUNCIL")),  # ORDERED, then issued
    "Organisation": (_approve(),),  # ORDERED: one badge per vehicle asked for
    "Armed forces award, renewal": (_PROOF_SEEN,),  # DECISION
    "Walking difficulty, further assessment": (_REFER,),  # ASSESSMENT, in the demo assessor's queue
    "Arms disability, further assessment": (  # REFUSED, waiting for a review request
        _REFER,
        _not_eligible("Desk assessment: drives an adapted car and uses the council's pay-by-phone parking.", Role.ASSESSOR),
        _refuse("You can operate pay-by-phone parking, so you meet neither arms criterion."),
    ),
    "Hidden disability, renewal": (  # REVIEW: review it as the team leader (not the caseworker who refused)
        _not_eligible("No evidence of a very considerable difficulty when walking; the letter predates the last award."),
        _refuse("The evidence does not show a risk to your safety when walking near traffic."),
        Step("review-request", {"grounds": "My new care plan from the mental health team shows the risk near roads."}, Stage.REVIEW),
    ),
}
# A demo replacement or cancellation request names the badge ordered for another scenario's applicant (and is
# made for that person). A replacement needs an ISSUED badge; a cancellation could also name an ORDERED one.
BADGE_OF: dict[str, str] = {"Replacement (lost or stolen)": "PIP, complete", "Cancellation": "DLA, complete"}


def call_api(user: DemoUser, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """The real API handler, in-process, given the event API Gateway passes once its Cognito authorizer
    accepted `user`'s ID token (claims as strings, groups comma-separated): the path the local API serves."""
    claims = {"sub": user.username, "email": user.username, "email_verified": "true", "token_use": "id",
              "cognito:username": user.username, "cognito:groups": ",".join(user.groups)}
    raw = b"" if body is None else json.dumps(body).encode()
    event = proxy_event(method, path, [("Content-Type", "application/json")], raw, "127.0.0.1", claims, "localhost")
    response, errored = call_handler(API_FUNCTION.handler, event, lambda_context(API_FUNCTION))
    if errored:
        raise RuntimeError(f"API handler failed on {method} {path}: {response}")
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None


@dataclass
class _Journey:
    application_id: str
    council_code: str
    store: CaseStore
    case_id: str
    steps: list[Step]

    def take_step(self, logins: dict[tuple[str | None, Role | None], DemoUser]) -> Step:
        step = self.steps.pop(0)
        body = {name: logins[self.council_code, value].username if isinstance(value, Role) else value for name, value in step.body.items()}
        version = self.store.get(self.case_id).version  # as a caseworker would have read it
        status, answer = call_api(logins[self.council_code, step.by], "POST", f"/cases/{self.case_id}/{step.action}",
                                  {"expected_version": version, **body})
        if status != 200:
            raise RuntimeError(f"demo step {step.action} on {self.case_id} answered {status}: {answer}")
        return step


def _settled(store: CaseStore, case_id: str) -> Case | None:
    """The case once its workflow waits for a person again (the callback token is stored) or has closed it."""
    case = store.get(case_id)
    return case if case is not None and (case.task_token or case.stage in CLOSED_STAGES) else None


def _cases(store: CaseStore, stages: Iterable[Stage]) -> list[Case]:
    found: list[Case] = []
    for stage in stages:
        after: str | None = None
        while True:
            page, after = store.by_stage(stage, limit=100, after=after)
            found += page
            if after is None:
                break
    return found


def advance_cases(
    stores: dict[str, CaseStore], users: Iterable[DemoUser], applications: Iterable[DemoApplication], timeout_seconds: float = 30.0,
) -> dict[str, str]:
    """Take each demo case with a journey through its steps, as the demo staff would through the API; returns
    application id -> case id for them. In waves (one step of every case, then wait for all), so the waits
    for the workflows overlap. A case whose workflow does not settle in time is left where it is, with a warning."""
    logins = {(user.council_code, user.role): user for user in users}
    waiting = {case.application.application_id: case.case_id
               for store in stores.values() for case in _cases(store, (Stage.PROOF_CHECK, Stage.ASSESSMENT, Stage.DECISION))}
    journeys = []
    for demo in applications:
        if demo.scenario in JOURNEYS and demo.application_id in waiting:
            code = demo.payload["council_code"]
            journeys.append(_Journey(demo.application_id, code, stores[code], waiting[demo.application_id], list(JOURNEYS[demo.scenario])))
    case_ids = {journey.application_id: journey.case_id for journey in journeys}
    while journeys:
        pending = {id(journey): (journey, journey.take_step(logins)) for journey in journeys}
        deadline = time.monotonic() + timeout_seconds
        while pending and time.monotonic() < deadline:
            for key, (journey, step) in list(pending.items()):
                case = _settled(journey.store, journey.case_id)
                if case is None:
                    continue
                if case.stage is not step.then:
                    raise RuntimeError(f"demo case {case.case_id} is at {case.stage.value} after {step.action}, not {step.then.value}")
                del pending[key]
            time.sleep(0.1 if pending else 0)
        for journey, step in pending.values():
            log.warning("demo case %s not at %s %.0f s after %s; left there", journey.case_id, step.then.value, timeout_seconds, step.action)
            journey.steps.clear()
        journeys = [journey for journey in journeys if journey.steps]
    return case_ids


# The supplier's file cut off in transfer (a confirmation file that ends mid-element): the real print-results function
# quarantines it, with its reason, as it would any file it cannot read.
DEMO_BROKEN_RESULTS = '<?xml version="1.0" encoding="UTF-8"?><BadgePrintConfirmations><Confirmation><BadgeIdenti'


def print_and_confirm(clients: ClientFactory, resources: LocalResources, badge_numbers: list[str], now: datetime) -> None:
    """The real print path: tonight's dispatch takes every ORDERED demo badge (they become PROCESSED), then the
    supplier's confirmation for `badge_numbers` arrives in its inbox and is applied (they become ISSUED), and a file
    of theirs cut off in transfer arrives too and is quarantined (see it in `quarantine/`, and on the dashboard)."""
    from infra.local.print_dispatch import run_dispatch
    from infra.local.print_results import deliver_inbox

    run_dispatch(clients("stepfunctions"))
    entries = "".join(f"<Confirmation><BadgeIdentifier>{number}</BadgeIdentifier><Cancellation>no</Cancellation>"
                      f"<DispatchedDate>{now:%Y-%m-%d}</DispatchedDate></Confirmation>" for number in badge_numbers)
    body = f'<?xml version="1.0" encoding="UTF-8"?><BadgePrintConfirmations>{entries}</BadgePrintConfirmations>'
    s3, stamp = clients("s3"), f"{now:%Y%m%d%H%M%S}"
    s3.put_object(Bucket=resources.print_drop_bucket, Key=f"{SUPPLIER_INBOX}demo-confirmation-{stamp}.xml", Body=body.encode())
    s3.put_object(Bucket=resources.print_drop_bucket, Key=f"{SUPPLIER_INBOX}demo-confirmation-{stamp}-cut-off.xml",
                  Body=DEMO_BROKEN_RESULTS.encode())
    answers = deliver_inbox(s3, clients("lambda"), resources.print_drop_bucket)
    if any(answer["failed"] for answer in answers):
        raise RuntimeError(f"demo supplier results not taken: {answers}")
    quarantined = [file["file"] for answer in answers for file in answer["answer"]["files"] if file["quarantined"]]
    if [name.rsplit("/", 1)[-1] for name in quarantined] != [f"demo-confirmation-{stamp}-cut-off.xml"]:
        raise RuntimeError(f"the demo's cut-off results file was to be quarantined, and only it: {answers}")


def referencing(request: DemoApplication, source: DemoApplication, badge_number: str) -> DemoApplication:
    """The replacement or cancellation request made about `source`'s applicant and the badge ordered for them."""
    payload = {**request.payload, "existing_badge_number": badge_number, "holder": source.payload["holder"]}
    if payload["application_type"] == "REPLACE":
        payload["contact"] = source.payload["contact"]  # the holder asks, as for a replacement keyed at the counter
    return dataclasses.replace(request, payload=payload)


def reference_real_badges(
    clients: ClientFactory, resources: LocalResources, stores: dict[str, CaseStore], applications: list[DemoApplication],
    case_ids: dict[str, str], now: datetime,
) -> list[DemoApplication]:
    """Print and issue the badge each replacement or cancellation request is about, and make the request name it.
    A request whose source case was not ordered keeps its made-up badge number."""
    by_scenario = {(demo.payload["council_code"], demo.scenario): demo for demo in applications}
    to_issue: list[str] = []
    result = []
    for demo in applications:
        if demo.scenario in BADGE_OF:
            code = demo.payload["council_code"]
            source = by_scenario[code, BADGE_OF[demo.scenario]]  # generated earlier: scenarios cycle in order
            case = stores[code].get(case_ids[source.application_id]) if source.application_id in case_ids else None
            if case is not None and case.badge_numbers:
                to_issue.append(case.badge_numbers[0])
                demo = referencing(demo, source, case.badge_numbers[0])
            else:
                log.warning("%s: no ordered badge to name; published with a made-up badge number", demo.label)
        result.append(demo)
    print_and_confirm(clients, resources, to_issue, now)
    return result


def stage_counts(store: CaseStore) -> Counter[str]:
    return Counter(case.stage.value for case in _cases(store, Stage))


@dataclass
class SeedReport:
    users: list[DemoUser]
    applications: list[DemoApplication]  # as published (the replacement and cancellation naming real badges)
    evidence_objects: int
    pump: PumpStats
    workflows_settled: bool
    password: str = field(default=DEMO_PASSWORD, repr=False)
    stages: dict[str, Counter[str]] = field(default_factory=dict)  # council code -> cases per stage
    reply_link: str | None = None  # an applicant's reply link for one case waiting for information, to try the reply page


def _deliver(clients: ClientFactory, resources: LocalResources, pump: IntakePump, applications: list[DemoApplication],
             drain_seconds: float) -> tuple[PumpStats, bool]:
    """Publish, let the pump hand the events to ingest, and wait for the workflows it started."""
    publish_applications(clients("events"), (demo.payload for demo in applications), resources.event_bus_name)
    stats = pump.drain(max_seconds=drain_seconds)
    return stats, wait_for_workflows(clients("stepfunctions"), resources.state_machine_arns.values())


def seed(
    session_or_clients: Any,
    resources: LocalResources,
    councils: CouncilRegistry,
    pump: IntakePump,
    count_per_council: int = 15,
    random_seed: int = 42,
    password: str = DEMO_PASSWORD,
    drain_seconds: float = 60.0,
    advance: bool = True,
) -> SeedReport:
    """Create the demo logins, upload evidence placeholders, publish the applications, drain the pump and
    wait for the workflows the ingest handler started. With `advance` (it needs the real ingest handler),
    take some cases further through the API, issue the badges the replacement and cancellation requests are
    about, and publish those requests last."""
    clients: ClientFactory = client_factory(session_or_clients)
    users = demo_users(councils)
    create_demo_users(clients("cognito-idp"), resources.user_pool_id, users, password)
    applications = demo_applications(councils, count_per_council, random_seed)
    evidence_objects = upload_evidence(clients("s3"), resources.evidence_bucket, applications)
    # Published last, once the badges they are about exist.
    later = {demo.application_id for demo in applications if advance and demo.scenario in BADGE_OF}
    stats, settled = _deliver(clients, resources, pump, [demo for demo in applications if demo.application_id not in later], drain_seconds)
    stores = {code: CaseStore(clients("dynamodb"), table) for code, table in resources.council_tables.items()}
    if advance:
        case_ids = advance_cases(stores, users, applications)
        applications = reference_real_badges(clients, resources, stores, applications, case_ids, datetime.now(UTC))
        more, settled_too = _deliver(clients, resources, pump, [demo for demo in applications if demo.application_id in later], drain_seconds)
        stats.add(more)
        stats.drained, settled = stats.drained and more.drained, settled and settled_too
    stages = {code: stage_counts(store) for code, store in stores.items()}
    log.info("Demo cases by stage (a REVIEW is for a caseworker other than the one who refused, e.g. the team leader): %s",
             "; ".join(f"{code}: {', '.join(f'{counts[stage]} {stage}' for stage in Stage if counts[stage])}" for code, counts in stages.items()))
    return SeedReport(users, applications, evidence_objects, stats, settled, password, stages,
                      demo_reply_link(clients, resources, stores))


def demo_reply_link(clients: ClientFactory, resources: LocalResources, stores: dict[str, CaseStore]) -> str | None:
    """A fresh link for the first council's oldest case waiting for information (the one its email carries is
    as good, but only the email holds it: links are stored hashed)."""
    code = next(iter(stores))
    waiting, _ = stores[code].by_stage(Stage.AWAITING_INFORMATION, limit=1)
    issue = link_issuer(lambda council: ReplyLinks(clients("dynamodb"), resources.council_tables[council]), resources.web_base_url)
    return issue(waiting[0], datetime.now(UTC)) if waiting else None
