"""A stand-in for the national Blue Badge Applications API, on loopback, for `./dev run` and the tests.

It serves what the pull connector uses of the national service's published document (Applications Service API 1.0.8:
`findApplications`, `retrieveApplication`, `updateApplication`, plus an OAuth 2.0 client-credentials token endpoint and
the artifacts' files), checking each request and each answer against our own models of that document
(shared/services/blue_badge/domain/national.py). Prism cannot serve the published document here: the document is not
in this repository (only our models of it), and nothing is fetched from the network at run time.

Each council signs in with its own client id and secret and sees only the applications of its own national local
authority code, as the national service scopes a council's credentials. Tests can make it misbehave: answer 5xx for a
while (`fail`), lose an artifact's file (`lose_artifact`), or offer another council's application (`leak`).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pydantic import ValidationError

from shared.services.blue_badge.domain.national import (
    ApplicationResponse,
    ApplicationSummary,
    ApplicationSummaryResponse,
    ApplicationUpdate,
    NationalApplication,
    PagingInfo,
)
from shared.services.blue_badge.domain.settings import NationalPull

TOKEN_PATH = "/oauth2/token"
ARTIFACT_PATH = "/files/"
TOKEN_SECONDS = 3600


@dataclass
class _Stored:
    record: dict[str, Any]
    files: list[tuple[bytes, str]]  # each artifact's body and content type, by position


@dataclass
class NationalApiStandIn:
    host: str = "127.0.0.1"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    applications: dict[str, _Stored] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)  # client id -> local authority code
    status_updates: list[tuple[str, str]] = field(default_factory=list)  # (application id, status) as received
    requests: list[str] = field(default_factory=list)  # "METHOD path" of every request
    _tokens: dict[str, str] = field(default_factory=dict)
    _failures: dict[str, int] = field(default_factory=dict)  # path prefix -> 5xx answers still to give
    _failure_status: int = 503
    _leaks: dict[str, list[str]] = field(default_factory=dict)  # LA code -> another LA's application ids offered to it
    _lost: set[tuple[str, int]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ setting it up
    def add_client(self, client_id: str, local_authority_code: str) -> None:
        self.clients[client_id] = local_authority_code

    def add(self, record: dict[str, Any], files: Iterable[tuple[bytes, str]] = (), *, check: bool = True) -> None:
        """An application as the national service holds it, with its artifacts' files; each artifact's link is set
        to this server. `check=False` keeps a record the document does not allow (to see it parked)."""
        files = list(files)
        for index, artifact in enumerate(record.get("artifacts") or []):
            artifact["link"] = f"{self.base_url}{ARTIFACT_PATH}{record['applicationId']}/{index}"
        if check:
            NationalApplication.model_validate(record)
        self.applications[record["applicationId"]] = _Stored(record, files)

    def fail(self, path_prefix: str, times: int, status: int = 503) -> None:
        self._failures[path_prefix] = times
        self._failure_status = status

    def lose_artifact(self, application_id: str, index: int) -> None:
        self._lost.add((application_id, index))

    def leak(self, to_local_authority: str, application_id: str) -> None:
        self._leaks.setdefault(to_local_authority, []).append(application_id)

    def pull_for(self, client_id: str, pull_from: datetime) -> NationalPull:
        return NationalPull(api_url=self.base_url, token_url=f"{self.base_url}{TOKEN_PATH}", client_id=client_id,
                            page_size=2, pull_from=pull_from, timeout_seconds=5)

    # ------------------------------------------------------------ serving
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> NationalApiStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                stand_in._answer(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                stand_in._answer(self, "POST")

            def do_PUT(self) -> None:  # noqa: N802
                stand_in._answer(self, "PUT")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="national-api", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _answer(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append(f"{method} {parts.path}")
            status, content_type, payload = self._route(method, parts.path, parse_qs(parts.query), request.headers, body)
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _route(self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes) -> tuple[int, str, bytes]:
        for prefix, left in self._failures.items():
            if path.startswith(prefix) and left > 0:
                self._failures[prefix] = left - 1
                return _json(self._failure_status, {"error": {"code": self._failure_status, "message": "unavailable"}})
        if method == "POST" and path == TOKEN_PATH:
            return self._token(headers, body)
        if method == "GET" and path.startswith(ARTIFACT_PATH):
            return self._artifact(path.removeprefix(ARTIFACT_PATH))
        local_authority = self._signed_in(headers)
        if local_authority is None:
            return _json(401, {"error": {"code": 401, "message": "a bearer token from the token endpoint is required"}})
        if method == "GET" and path == "/applications":
            return self._find(local_authority, query)
        if path.startswith("/applications/"):
            application_id = path.removeprefix("/applications/")
            stored = self.applications.get(application_id)
            offered = application_id in self._leaks.get(local_authority, [])
            if stored is None or (stored.record.get("localAuthorityCode") != local_authority and not offered):
                return _json(404, {"error": {"code": 404, "message": "Application did not exist"}})
            if method == "GET":
                answer = ApplicationResponse(apiVersion="1.0.8", data=stored.record)  # the answer, as the document says
                return _json(200, answer.model_dump(mode="json", exclude_none=True))
            if method == "PUT":
                try:
                    update = ApplicationUpdate.model_validate_json(body)
                except ValidationError as error:
                    return _json(400, {"error": {"code": 400, "message": "invalid ApplicationUpdate",
                                                 "errors": [{"field": ".".join(map(str, e["loc"])), "reason": e["msg"]} for e in error.errors()]}})
                stored.record["applicationStatus"] = update.applicationStatus
                self.status_updates.append((application_id, update.applicationStatus))
                return _json(200, {})
        return _json(404, {"error": {"code": 404, "message": f"no {method} {path}"}})

    def _token(self, headers: Any, body: bytes) -> tuple[int, str, bytes]:
        form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
        if headers.get("Authorization", "").startswith("Basic "):
            client_id, _, secret = base64.b64decode(headers["Authorization"][6:]).decode().partition(":")
            form.setdefault("client_id", client_id)
            form.setdefault("client_secret", secret)
        if form.get("grant_type") != "client_credentials":
            return _json(400, {"error": "unsupported_grant_type"})
        if form.get("client_id") not in self.clients or form.get("client_secret") != self.client_secret:
            return _json(401, {"error": "invalid_client"})
        token = secrets.token_urlsafe(24)
        self._tokens[token] = self.clients[form["client_id"]]
        return _json(200, {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_SECONDS})

    def _signed_in(self, headers: Any) -> str | None:
        authorization = headers.get("Authorization", "")
        return self._tokens.get(authorization.removeprefix("Bearer ")) if authorization.startswith("Bearer ") else None

    def _find(self, local_authority: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        try:
            submitted_from = _instant(query.get("from", [""])[0])
            submitted_to = _instant(query.get("to", [""])[0])
            page = int(query.get("pageNum", ["1"])[0])
            size = int(query.get("pageSize", ["50"])[0])
        except ValueError as error:
            return _json(400, {"error": {"code": 400, "message": f"invalid query: {error}"}})
        if page < 1 or not 1 <= size <= 200:
            return _json(400, {"error": {"code": 400, "message": "pageNum must be positive; pageSize 1 to 200"}})
        own = [stored.record for stored in self.applications.values() if stored.record.get("localAuthorityCode") == local_authority]
        own += [self.applications[leaked].record for leaked in self._leaks.get(local_authority, [])]
        found = sorted((record for record in own if submitted_from <= _instant(record["submissionDate"]) <= submitted_to),
                       key=lambda record: (record["submissionDate"], record["applicationId"]))
        pages = max(1, -(-len(found) // size))
        chunk = found[(page - 1) * size:page * size]
        answer = ApplicationSummaryResponse(apiVersion="1.0.8", data=[_summary(record) for record in chunk],
                                            pagingInfo=PagingInfo(total=len(found), count=len(chunk), pageSize=size, pageNum=page, pages=pages))
        return _json(200, answer.model_dump(mode="json", exclude_none=True))

    def _artifact(self, rest: str) -> tuple[int, str, bytes]:
        application_id, _, index_text = rest.partition("/")
        stored = self.applications.get(application_id)
        index = int(index_text) if index_text.isdigit() else -1
        if stored is None or not 0 <= index < len(stored.files) or (application_id, index) in self._lost:
            return 404, "text/plain", b"no such file"
        file_body, content_type = stored.files[index]
        return 200, content_type, file_body


def _summary(record: dict[str, Any]) -> ApplicationSummary:
    party = record.get("party") or {}
    holder = party.get("person") or party.get("organisation") or {}
    return ApplicationSummary(applicationId=record["applicationId"], partyTypeCode=party.get("typeCode"),
                              applicationTypeCode=record.get("applicationTypeCode"), name=holder.get("badgeHolderName"),
                              submissionDate=record.get("submissionDate"), applicationStatus=record.get("applicationStatus", "TODO"),
                              eligibilityCode=(record.get("eligibility") or {}).get("typeCode"))


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(UTC)


def _json(status: int, body: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(body).encode()


# ---------------------------------------------------------------- demo applications
def demo_files() -> list[tuple[bytes, str]]:
    """The files of a demo person's artifacts (PROOF_ID, PROOF_ADD, PHOTO), as the national service would hold them."""
    from infra.local.seed import tiny_jpeg, tiny_pdf

    return [(tiny_pdf("proof of identity"), "application/pdf"), (tiny_pdf("proof of address"), "application/pdf"),
            (tiny_jpeg(), "image/jpeg")]


def demo_records(local_authority_code: str, submitted: datetime, prefix: str) -> list[dict[str, Any]]:
    """One application of each national eligibility type and an organisation's, for a council, a minute apart. Ids
    are UUIDs made from `prefix` (hex) and a number, so a run is repeatable."""
    contact = {"fullName": "Pat Example", "buildingStreet": "2 Station Road", "townCity": "Northby", "postCode": "ne1 4xf",
               "primaryPhoneNumber": "01632 960123", "emailAddress": "pat@example.com"}
    person = {"badgeHolderName": "Pat Example", "nino": "ns 12 34 56 a", "dob": "1958-03-27", "genderCode": "UNSPECIFIE"}
    documents = [{"type": "PROOF_ID"}, {"type": "PROOF_ADD"}, {"type": "PHOTO"}]
    eligibilities = [
        {"typeCode": "PIP", "benefit": {"isIndefinite": True}},
        {"typeCode": "DLA", "benefit": {"isIndefinite": False, "expiryDate": "2030-04-30"}},
        {"typeCode": "WPMS", "benefit": {"isIndefinite": True}},
        {"typeCode": "AFRFCS"},
        {"typeCode": "BLIND", "blind": {"registeredAtLaId": local_authority_code}},
        {"typeCode": "WALKD", "descriptionOfConditions": "Arthritis in both knees",
         "walkingDifficulty": {"typeCodes": ["PAIN", "BREATH", "SOMELSE"], "otherDescription": "Dizzy spells",
                               "walkingLengthOfTimeCode": "LESSMIN", "walkingSpeedCode": "SLOW",
                               "walkingAids": [{"description": "Walking stick", "usage": "Always", "howProvidedCode": "PRESCRIBE"}],
                               "treatments": [{"description": "Physiotherapy", "time": "Weekly"}],
                               "medications": [{"name": "Paracetamol", "isPrescribed": True, "frequency": "Twice daily", "quantity": "1g"}],
                               "breathlessness": {"typeCodes": ["UPHILL", "OTHER"], "otherDescription": "In the cold"}},
         "healthcareProfessionals": [{"name": "Dr Ada Jones", "location": "Northby Surgery"}]},
        {"typeCode": "ARMS", "descriptionOfConditions": "No grip in either hand",
         "disabilityArms": {"drivingFrequency": "Daily", "isAdaptedVehicle": True, "adaptedVehicleDescription": "Steering ball"}},
        {"typeCode": "CHILDBULK", "descriptionOfConditions": "Needs oxygen",
         "childUnder3": {"bulkyMedicalEquipmentTypeCode": "OXYADMIN", "bulkyMedicalEquipmentTypeCodes": ["OXYADMIN", "SUCTION"],
                         "otherMedicalEquipment": "Oxygen cylinders"},
         "healthcareProfessionals": [{"name": "Dr Lee", "location": "Children's ward"}]},
        {"typeCode": "CHILDVEHIC", "descriptionOfConditions": "Needs emergency treatment"},
    ]
    records = []
    for number, eligibility in enumerate(eligibilities, start=1):
        child = eligibility["typeCode"].startswith("CHILD")
        records.append({
            "applicationId": f"{prefix}-0000-4000-8000-{number:012d}", "applicationTypeCode": "NEW",
            "localAuthorityCode": local_authority_code, "paymentTaken": True, "paymentReference": f"PAY{number:04d}",
            "submissionDate": (submitted + timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "party": {"typeCode": "PERSON", "contact": contact,
                      "person": {**person, "dob": "2025-06-01" if child else person["dob"]}},
            "eligibility": eligibility, "artifacts": [dict(document) for document in documents], "applicationStatus": "TODO",
        })
    records.append({
        "applicationId": f"{prefix}-0000-4000-8000-{len(eligibilities) + 1:012d}", "applicationTypeCode": "NEW",
        "localAuthorityCode": local_authority_code, "paymentTaken": False,
        "submissionDate": (submitted + timedelta(minutes=len(eligibilities) + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "party": {"typeCode": "ORG", "contact": {**contact, "fullName": "Sam Driver"},
                  "organisation": {"badgeHolderName": "Northby Community Transport", "isCharity": True, "charityNumber": "1234567",
                                   "vehicles": [{"registrationNumber": "VK61VZZ", "typeCode": "MINIBUS", "usageFrequency": "Daily"}],
                                   "numberOfBadges": 3}},
        "applicationStatus": "TODO",
    })
    return records


def serve_for_local_run(councils: Iterable[Any], secretsmanager: Any, submitted: datetime) -> tuple[NationalApiStandIn, int]:
    """`./dev run`'s stand-in: demo applications for each council the national service knows (blue-badge `national`),
    a client for each with its secret in Secrets Manager where the pull reads it, and every such council's pull pointed at
    it (Env.NATIONAL_PULLS, which the CDK app builds from the councils' `national.pull`; the demo config has none, as it
    has no CRM: the local run points them at its stand-ins). Returns it and how many applications it holds."""
    import hashlib
    import os

    from shared.resources import NATIONAL_API_ALLOW_LOOPBACK_HTTP, Env, national_api_secret_name
    from shared.services.blue_badge import SERVICE_KEY
    from shared.services.blue_badge.domain.settings import badge_settings

    stand_in = NationalApiStandIn().start()
    pulls = {}
    for council in councils:
        national = badge_settings(council).national if council.runs(SERVICE_KEY) else None
        if national is None:
            continue
        client_id = f"{council.code.lower()}-local"
        stand_in.add_client(client_id, national.local_authority_code)
        secretsmanager.create_secret(Name=national_api_secret_name(council.code), SecretString=stand_in.client_secret)
        pulls[council.code] = stand_in.pull_for(client_id, submitted - timedelta(days=1)).model_dump(mode="json")
        prefix = hashlib.sha256(council.code.encode()).hexdigest()[:8]  # the same ids on every run
        records = demo_records(national.local_authority_code, submitted, prefix)
        for record in (records[0], records[5], records[-1]):  # PIP, WALKD and an organisation's: a few, beside the seed's
            stand_in.add(record, demo_files() if record.get("artifacts") else [])
    os.environ[Env.NATIONAL_PULLS] = json.dumps(pulls)
    os.environ[NATIONAL_API_ALLOW_LOOPBACK_HTTP] = "true"
    return stand_in, len(stand_in.applications)
