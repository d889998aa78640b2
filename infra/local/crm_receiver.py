"""A council's CRM, stood in for locally: a real HTTP server on 127.0.0.1 that answers as a Dynamics 365 Web API does
for what the CRM connector sends. `./dev run` delivers accepted referrals to it; the tests deliver to it too.

- POST /token                      OAuth 2.0 client credentials (form-encoded); a wrong secret: 401 invalid_client
- POST /api/data/v9.2/<entity set> the record, with the bearer token: 204 and OData-EntityId naming the new record;
                                   a second record for the same case (its alternate key): 409 naming the first
- GET /                            what it received, as a page
- GET /received.json               what it received, as JSON

Faults a test can switch on (attributes of the server): refuse_tokens, unavailable_posts (answer the next N records
with 503, keeping nothing), rejected_posts (answer the next N with 400, quoting a value as Dynamics does), slow_posts
with slow_seconds (keep the next N records, then answer only after that long, as a CRM that committed but answered
late), revoke_tokens() (tokens issued so far answered 401), and answer_with_record (201 with the record in the body and
no OData-EntityId, as a CRM that answers with a representation).
Run alone with `python -m infra.local.crm_receiver [--port N]`.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import threading
import urllib.parse
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from infra.local.serve import received_page, serve_until_interrupted
from shared.services.asc_triage.domain.crm import CASE_ID_FIELD, CRM_SECRET_PREFIX, CrmEndpoint

API_PATH = "/api/data/v9.2/"
TOKEN_PATH = "/token"
ENTITY_SET = "cw_referrals"
LOCAL_CLIENT_ID = "casework-local-crm-client"
LOCAL_SCOPE = "http://127.0.0.1/.default"
TOKEN_LIFETIME_SECONDS = 3600
MAX_BODY_BYTES = 256 * 1024
RECORDED_HEADERS = ("Content-Type", "Accept", "OData-MaxVersion", "OData-Version", "Prefer")
_ENTITY_PATH = re.compile(rf"^{re.escape(API_PATH)}([A-Za-z_][A-Za-z0-9_]*)$")


@dataclass(frozen=True)
class ReceivedRecord:
    entity_set: str
    record_id: str
    body: dict
    headers: dict[str, str]  # the OData and content headers it came with (never the bearer token)
    received_at: str


class CrmReceiver(ThreadingHTTPServer):
    daemon_threads = True  # a request still sleeping (slow_posts) does not hold up shutdown

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, client_id: str = LOCAL_CLIENT_ID,
                 client_secret: str | None = None) -> None:
        super().__init__((host, port), _Handler)
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.refuse_tokens = False
        self.unavailable_posts = 0
        self.rejected_posts = 0
        self.answer_with_record = False
        self.slow_posts = 0
        self.slow_seconds = 0.0
        self.token_requests = 0
        self.record_requests = 0  # every POST to an entity set, whatever it was answered
        self._tokens: set[str] = set()
        self._records: list[ReceivedRecord] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, council_code: str, *, timeout_seconds: float = 10, entity_set: str = ENTITY_SET) -> CrmEndpoint:
        """The CRM endpoint configuration that points a council at this receiver (at one of its entity sets: each
        service's accepted cases have their own)."""
        return CrmEndpoint(api_url=f"{self.base_url}{API_PATH}{entity_set}", token_url=f"{self.base_url}{TOKEN_PATH}",
                           client_id=self.client_id, scope=LOCAL_SCOPE, secret_name=f"{CRM_SECRET_PREFIX}{council_code.lower()}",
                           timeout_seconds=timeout_seconds)

    def refusing_endpoint(self, council_code: str) -> CrmEndpoint:
        """An endpoint at this receiver whose sign-in it refuses (401 invalid_client): a client id it does not know, as
        a CRM whose app registration for us was removed. Every delivery to it fails."""
        return self.endpoint(council_code).model_copy(update={"client_id": f"{self.client_id}-retired"})

    def received(self) -> list[ReceivedRecord]:
        with self._lock:
            return list(self._records)

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def stop(self) -> None:
        self._stopping.set()
        self.shutdown()
        self.server_close()

    # ---------------------------------------------------------------- what the handler asks of the server
    def issue_token(self, client_id: str, client_secret: str) -> str | None:
        with self._lock:
            self.token_requests += 1
            if self.refuse_tokens or client_id != self.client_id or not secrets.compare_digest(client_secret, self.client_secret):
                return None
            token = secrets.token_urlsafe(32)
            self._tokens.add(token)
            return token

    def count_record_request(self) -> None:
        with self._lock:
            self.record_requests += 1

    def token_valid(self, token: str) -> bool:
        with self._lock:
            return token in self._tokens

    def take_record(self, entity_set: str, body: dict, headers: dict[str, str]) -> tuple[int, ReceivedRecord | None, float]:
        """(status, the record created or already held for its case, seconds to wait before answering)."""
        with self._lock:
            if self.unavailable_posts > 0:
                self.unavailable_posts -= 1
                return 503, None, 0.0
            if self.rejected_posts > 0:
                self.rejected_posts -= 1
                return 400, None, 0.0
            delay = 0.0
            if self.slow_posts > 0:
                self.slow_posts -= 1
                delay = self.slow_seconds
            case_id = body.get(CASE_ID_FIELD)
            held = next((r for r in self._records if r.entity_set == entity_set and r.body.get(CASE_ID_FIELD) == case_id), None)
            if held is not None:
                return 409, held, delay
            record = ReceivedRecord(entity_set, str(uuid.uuid4()), body, headers, datetime.now(UTC).isoformat(timespec="seconds"))
            self._records.append(record)
            return 204, record, delay

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    server: CrmReceiver

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the page and received.json show what arrived

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._json(413, {"error": {"code": "0x80040216", "message": "Request too large"}})
            return
        body = self.rfile.read(length)
        if self.path == TOKEN_PATH:
            self._token(body)
        elif found := _ENTITY_PATH.match(self.path):
            self._record(found.group(1), body)
        else:
            self._json(404, {"error": {"code": "0x8006088a", "message": "Resource not found for the segment"}})

    def do_GET(self) -> None:
        if self.path == "/received.json":
            self._json(200, [asdict(record) for record in self.server.received()])
        elif self.path == "/":
            self._send(200, "text/html; charset=utf-8", _page(self.server).encode("utf-8"))
        else:
            self._json(404, {"error": "not found"})

    def _token(self, body: bytes) -> None:
        form = {name: values[0] for name, values in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
        if form.get("grant_type") != "client_credentials":
            self._json(400, {"error": "unsupported_grant_type"})
            return
        token = self.server.issue_token(form.get("client_id", ""), form.get("client_secret", ""))
        if token is None:
            self._json(401, {"error": "invalid_client", "error_description": "client authentication failed"})
            return
        self._json(200, {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS, "access_token": token})

    def _record(self, entity_set: str, body: bytes) -> None:
        self.server.count_record_request()
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or not self.server.token_valid(authorization.removeprefix("Bearer ")):
            self._json(401, {"error": {"code": "0x80072030", "message": "invalid or expired token"}},
                       {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        try:
            record = json.loads(body)
        except ValueError:
            record = None
        if not isinstance(record, dict) or not record.get(CASE_ID_FIELD):
            self._json(400, {"error": {"code": "0x80048d19", "message": f"the body must be a JSON object with {CASE_ID_FIELD}"}})
            return
        headers = {name: value for name in RECORDED_HEADERS if (value := self.headers.get(name)) is not None}
        status, held, delay = self.server.take_record(entity_set, record, headers)
        if delay:
            self.server.wait(delay)
        entity_id = {"OData-EntityId": f"{self.server.base_url}{API_PATH}{entity_set}({held.record_id})"} if held else {}
        if status == 204 and self.server.answer_with_record:
            self._json(201, {**record, f"{entity_set.removesuffix('s')}id": held.record_id})
        elif status == 204:
            self._send(204, None, b"", entity_id)
        elif status == 409:
            self._json(409, {"error": {"code": "0x80040237", "message": "A record with matching key values already exists."}},
                       entity_id)
        elif status == 400:  # rejected_posts: worded as Dynamics words it, quoting the value it refuses
            message = f"A validation error occurred. The value '{record.get('cw_lastname')}' of cw_lastname is not valid."
            self._json(400, {"error": {"code": "0x80044331", "message": message}})
        else:
            self._json(status, {"error": {"code": "0x80040216", "message": "Service unavailable"}})

    def _json(self, status: int, payload: object, headers: dict[str, str] | None = None) -> None:
        self._send(status, "application/json; charset=utf-8", json.dumps(payload).encode("utf-8"), headers)

    def _send(self, status: int, content_type: str | None, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (its timeout): what a slow CRM's answer meets too


def _page(server: CrmReceiver) -> str:
    return received_page(
        "Local CRM: received records", f"Token requests: {server.token_requests}; record requests: {server.record_requests}.",
        ("Received (UTC)", "Entity set", "Record id", "Body"),
        [(record.received_at, record.entity_set, record.record_id, record.body) for record in reversed(server.received())])


def start_crm_receiver(port: int = 0, *, host: str = "127.0.0.1", client_secret: str | None = None) -> tuple[CrmReceiver, str]:
    """Start a receiver in a background thread (port 0: a free one); returns it and its base URL. Stop it with stop()."""
    server = CrmReceiver(host, port, client_secret=client_secret)
    # Polled often, so that stop() returns at once (the tests start and stop one per test).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-crm-receiver", daemon=True).start()
    return server, server.base_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.crm_receiver", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--client-secret", help="the client secret it accepts (default: a new random one)")
    args = parser.parse_args(argv)
    server, base_url = start_crm_receiver(args.port, client_secret=args.client_secret)
    endpoint = server.endpoint("LOCAL")
    return serve_until_interrupted(
        server, f"Local CRM receiving on {base_url}/ (Ctrl-C stops)\n  token URL: {endpoint.token_url}\n  records:   {endpoint.api_url}\n"
                f"  client id: {server.client_id}\n  secret:    {server.client_secret}")


if __name__ == "__main__":
    raise SystemExit(main())
