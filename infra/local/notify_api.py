"""A stand-in for the GOV.UK Notify API, on loopback, for `./dev run` and the tests: a real HTTP server that takes the
real client's requests (notifications-python-client) on Notify's own paths, checks them as Notify does, answers with
Notify's shapes, and records what it accepted.

- POST /v2/notifications/email   email_address, template_id, personalisation, reference, email_reply_to_id
- POST /v2/notifications/sms     phone_number, template_id, personalisation, reference, sms_sender_id
- POST /v2/notifications/letter  template_id, personalisation (address_line_1..7, the last a postcode), reference
- GET  /v2/notifications         the service's notifications, newest first, a page at a time (older_than: the id of the
                                 last one of the previous page; status, template_type and reference narrow it), each
                                 with its status: a test sets it with set_status (Notify's delivery receipts)
- POST /local/status             {"id", "status"}: the stand-in's own, for `python -m infra.local.notify_status --set`
- GET  /                         what it accepted, as a page;  GET /received.json  the same as JSON

Each council is a Notify service of its own (register()): its API key, its email, letter and text templates (each
only placing ((subject)) and ((body)), as a council sets them up: shared/core/domain/notify.py), its reply-to address
and text sender. Every request must carry a JWT signed (HS256) with the key's secret, `iss` the service id and `iat`
within 30 seconds, as Notify requires; errors are Notify's: {"status_code", "errors": [{"error", "message"}]}.
A council's service may have templates of its own for a kind of notification (add_template, as a council adds one in
Notify), and each request is checked against the template it names: a placeholder the personalisation does not fill is
refused, as Notify refuses it. A test can make it fail: fail_next(status, count) answers the next requests with that
status, accepting nothing.
Run alone with `python -m infra.local.notify_api [--port N]`.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

from infra.local.serve import serve_until_interrupted
from shared.core.domain.formats import is_valid_postcode
from shared.core.domain.notify import NotifySettings, NotifyTemplates

PATHS = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms", "/v2/notifications/letter": "letter"}
ALLOWED_FIELDS = {
    "email": {"email_address", "template_id", "personalisation", "reference", "email_reply_to_id", "one_click_unsubscribe_url"},
    "sms": {"phone_number", "template_id", "personalisation", "reference", "sms_sender_id"},
    "letter": {"template_id", "personalisation", "reference", "postage"},
}
RECIPIENT_FIELD = {"email": "email_address", "sms": "phone_number"}
CLOCK_SKEW_SECONDS = 30  # Notify refuses a token issued further from its own clock than this
MAX_BODY_BYTES = 256 * 1024
KEY_NAME = "casework-local"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UK_MOBILE = re.compile(r"^(?:\+?44|0)7\d{9}$")
_PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
# A notification's status when it is accepted, and those Notify may report later, by type (its API's statuses; letters:
# "received" once at the printer; returned-letter, when the post brings one back).
FIRST_STATUS = {"email": "created", "sms": "created", "letter": "accepted"}
STATUSES = {
    "email": {"created", "sending", "delivered", "permanent-failure", "temporary-failure", "technical-failure"},
    "sms": {"created", "sending", "pending", "sent", "delivered", "permanent-failure", "temporary-failure", "technical-failure"},
    "letter": {"accepted", "received", "cancelled", "pending-virus-check", "virus-scan-failed", "validation-failed",
               "technical-failure", "permanent-failure", "returned-letter"},
}
PAGE_SIZE = 250  # Notify's page of GET /v2/notifications
STATUS_PATH = "/local/status"  # the stand-in's own: sets a notification's status, as Notify's receipt would
# Each council's templates, as the README tells a council to set them up.
TEMPLATE_CONTENT = {
    "email": ("((subject))", "((body))"),
    "letter": ("((subject))", "((body))"),
    "sms": (None, "((body))"),
}


@dataclass(frozen=True)
class Template:
    id: str
    type: str
    subject: str | None
    body: str
    version: int = 1

    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(f"{self.subject or ''} {self.body}")

    def fill(self, text: str | None, values: dict[str, Any]) -> str | None:
        return None if text is None else _PLACEHOLDER.sub(lambda found: str(values[found.group(1)]), text)


@dataclass
class Service:
    """One council's Notify service."""

    council_code: str
    service_id: str
    secret: str
    templates: dict[str, Template]  # by id
    email_reply_to_id: str
    sms_sender_id: str

    @property
    def api_key(self) -> str:
        return f"{KEY_NAME}-{self.service_id}-{self.secret}"

    def template_of(self, kind: str) -> Template:
        """The service's first template of the type: the generic one register() made."""
        return next(template for template in self.templates.values() if template.type == kind)


@dataclass(frozen=True)
class Received:
    id: str
    type: str  # email, sms or letter
    council_code: str
    template_id: str
    recipient: str | None  # the email address or phone number; a letter's is in its personalisation
    personalisation: dict[str, Any]
    reference: str | None
    email_reply_to_id: str | None
    sms_sender_id: str | None
    received_at: str


@dataclass
class _Failures:
    status: int = 500
    count: int = 0


class NotifyStandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.services: dict[str, Service] = {}  # by service id
        self.requests = 0  # every notification request, whatever it was answered
        self.page_size = PAGE_SIZE  # a test may make pages shorter to see them followed
        self._received: list[Received] = []
        self._statuses: dict[str, tuple[str, str | None]] = {}  # notification id -> (status, completed_at)
        self._created: dict[str, str] = {}  # notification id -> created_at, as Notify writes it
        self._failures = _Failures()
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def register(self, council_code: str) -> tuple[NotifySettings, str]:
        """A Notify service for the council: (the settings that point it here, its API key)."""
        templates = {kind: Template(str(uuid.uuid4()), kind, *content) for kind, content in TEMPLATE_CONTENT.items()}
        service = Service(council_code, str(uuid.uuid4()), str(uuid.uuid4()), {t.id: t for t in templates.values()},
                          str(uuid.uuid4()), str(uuid.uuid4()))
        with self._lock:
            self.services[service.service_id] = service
        settings = NotifySettings(
            templates=NotifyTemplates(email=templates["email"].id, letter=templates["letter"].id, sms=templates["sms"].id),
            email_reply_to_id=service.email_reply_to_id, sms_sender_id=service.sms_sender_id, base_url=self.base_url)
        return settings, service.api_key

    def add_template(self, council_code: str, kind: str, subject: str | None, body: str) -> str:
        """Another template in the council's service (e.g. a refusal letter of its own); its id."""
        if kind not in TEMPLATE_CONTENT:
            raise ValueError(f"a Notify template is email, letter or sms, not {kind!r}")
        template = Template(str(uuid.uuid4()), kind, subject, body)
        with self._lock:
            service = next(service for service in self.services.values() if service.council_code == council_code)
            service.templates[template.id] = template
        return template.id

    def set_status(self, notification_id: str, status: str) -> None:
        """What Notify's delivery receipt would make of the notification (a final status completes it)."""
        with self._lock:
            item = next(item for item in self._received if item.id == notification_id)
            if status not in STATUSES[item.type]:
                raise ValueError(f"{status!r} is not a status of {item.type} notifications: {', '.join(sorted(STATUSES[item.type]))}")
            completed = None if status in {"created", "sending", "pending", "accepted", "pending-virus-check"} else _notify_time(datetime.now(UTC))
            self._statuses[notification_id] = (status, completed)

    def status_of(self, notification_id: str) -> str:
        with self._lock:
            return self._statuses[notification_id][0]

    def listed(self, service: Service, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """GET /v2/notifications as Notify answers it: the service's own notifications, newest first, one page."""
        unknown = sorted(set(query) - {"template_type", "status", "reference", "older_than", "include_jobs"})
        if unknown:
            return 400, {"status_code": 400, "errors": [{"error": "ValidationError", "message": f"Additional properties are not allowed ({unknown[0]} was unexpected)"}]}
        older_than = (query.get("older_than") or [None])[-1]
        with self._lock:
            mine = [item for item in reversed(self._received) if item.council_code == service.council_code]
            if older_than is not None:
                position = next((at for at, item in enumerate(mine) if item.id == older_than), None)
                if position is None:
                    return 400, {"status_code": 400, "errors": [{"error": "ValidationError", "message": "older_than is not a notification of this service"}]}
                mine = mine[position + 1:]
            wanted = [item for item in mine
                      if (not query.get("template_type") or item.type in query["template_type"])
                      and (not query.get("status") or self._statuses[item.id][0] in query["status"])
                      and (not query.get("reference") or item.reference in query["reference"])]
            page = [self._notification(item) for item in wanted[:self.page_size]]
        links = {"current": f"{self.base_url}/v2/notifications?{urlencode(query, doseq=True)}"}
        if len(wanted) > self.page_size:
            links["next"] = f"{self.base_url}/v2/notifications?{urlencode({**query, 'older_than': [page[-1]['id']]}, doseq=True)}"
        return 200, {"notifications": page, "links": links}

    def _notification(self, item: Received) -> dict[str, Any]:
        status, completed_at = self._statuses[item.id]
        address = {name: value for name, value in item.personalisation.items() if name.startswith("address_line_")}
        return {
            "id": item.id, "reference": item.reference, "type": item.type, "status": status,
            "email_address": item.recipient if item.type == "email" else None,
            "phone_number": item.recipient if item.type == "sms" else None,
            **{f"line_{number}": address.get(f"address_line_{number}") for number in range(1, 8)},
            "postcode": None, "postage": "second" if item.type == "letter" else None,
            "template": {"id": item.template_id, "version": 1, "uri": f"{self.base_url}/v2/template/{item.template_id}"},
            "body": item.personalisation.get("body"), "subject": item.personalisation.get("subject"),
            "created_at": self._created[item.id], "created_by_name": None, "sent_at": None, "completed_at": completed_at,
        }

    def received(self, kind: str | None = None, reference_prefix: str = "") -> list[Received]:
        with self._lock:
            return [item for item in self._received
                    if (kind is None or item.type == kind) and (item.reference or "").startswith(reference_prefix)]

    def fail_next(self, status: int, count: int = 1) -> None:
        with self._lock:
            self._failures = _Failures(status, count)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    # ---------------------------------------------------------------- what the handler asks of the server
    def take_failure(self) -> int | None:
        with self._lock:
            self.requests += 1
            if self._failures.count > 0:
                self._failures.count -= 1
                return self._failures.status
            return None

    def authenticate(self, authorization: str | None) -> tuple[Service | None, tuple[int, str, str] | None]:
        """(the service, None), or (None, (status, error, message)) as Notify answers a bad token."""
        if not authorization or not authorization.startswith("Bearer "):
            return None, (401, "AuthError", "Unauthorized: authentication token must be provided")
        token = authorization.removeprefix("Bearer ")
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None, (403, "AuthError", "Invalid token: signature, api token is not valid")
        if header.get("alg") != "HS256" or header.get("typ") != "JWT":
            return None, (403, "AuthError", "Invalid token: algorithm used is not HS256")
        with self._lock:
            service = self.services.get(str(claims.get("iss")))
        if service is None:
            return None, (403, "AuthError", "Invalid token: service not found")
        try:
            jwt.decode(token, service.secret, algorithms=["HS256"], options={"require": ["iss", "iat"], "verify_iat": False})
        except jwt.PyJWTError:
            return None, (403, "AuthError", "Invalid token: signature, api token not found")
        if not isinstance(claims.get("iat"), int) or abs(time.time() - claims["iat"]) > CLOCK_SKEW_SECONDS:
            return None, (403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return service, None

    def accept(self, service: Service, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Check a notification as Notify does; (201, its answer) and recorded, or (400, Notify's errors)."""
        problems = _problems(service, kind, body)
        if problems:
            return 400, {"status_code": 400, "errors": problems}
        template = service.templates[body["template_id"]]
        values = body.get("personalisation") or {}
        notification_id = str(uuid.uuid4())
        item = Received(notification_id, kind, service.council_code, template.id, body.get(RECIPIENT_FIELD.get(kind, "")),
                        dict(values), body.get("reference"), body.get("email_reply_to_id"), body.get("sms_sender_id"),
                        datetime.now(UTC).isoformat(timespec="seconds"))
        with self._lock:
            self._received.append(item)
            self._statuses[notification_id] = (FIRST_STATUS[kind], None)
            self._created[notification_id] = _notify_time(datetime.now(UTC))
        content: dict[str, Any] = {"body": template.fill(template.body, values)}
        if kind == "email":
            content |= {"subject": template.fill(template.subject, values), "from_email": f"{service.council_code.lower()}@notifications.service.gov.uk"}
        elif kind == "letter":
            content |= {"subject": template.fill(template.subject, values)}
        else:
            content |= {"from_number": "GOVUK"}
        answer = {
            "id": notification_id, "reference": body.get("reference"), "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {"id": template.id, "version": template.version, "uri": f"{self.base_url}/services/{service.service_id}/templates/{template.id}"},
            "scheduled_for": None,
        }
        if kind == "letter":
            answer["postage"] = body.get("postage") or "second"
        return 201, answer


def _problems(service: Service, kind: str, body: dict[str, Any]) -> list[dict[str, str]]:
    def error(name: str, message: str) -> dict[str, str]:
        return {"error": name, "message": message}

    problems = [error("ValidationError", f"Additional properties are not allowed ({name} was unexpected)")
                for name in sorted(set(body) - ALLOWED_FIELDS[kind])]
    required = ["template_id", *([RECIPIENT_FIELD[kind]] if kind in RECIPIENT_FIELD else []), *(["personalisation"] if kind == "letter" else [])]
    problems += [error("ValidationError", f"{name} is a required property") for name in required if name not in body]
    values = body.get("personalisation", {})
    if not isinstance(values, dict):
        problems.append(error("ValidationError", "personalisation is not of type object"))
        values = {}
    for name in ("reference", "email_reply_to_id", "sms_sender_id"):
        if name in body and not isinstance(body[name], str):
            problems.append(error("ValidationError", f"{name} is not of type string"))
    if kind == "email" and "email_address" in body and not _EMAIL.match(str(body["email_address"])):
        problems.append(error("ValidationError", "email_address Not a valid email address"))
    if kind == "sms" and "phone_number" in body and not _UK_MOBILE.match(re.sub(r"[\s()-]", "", str(body["phone_number"]))):
        problems.append(error("ValidationError", "phone_number Not a UK mobile number"))
    if body.get("email_reply_to_id") not in (None, service.email_reply_to_id):
        problems.append(error("BadRequestError", f"email_reply_to_id {body['email_reply_to_id']} does not exist in database "
                                                 f"for service id {service.service_id}"))
    if body.get("sms_sender_id") not in (None, service.sms_sender_id):
        problems.append(error("BadRequestError", f"sms_sender_id {body['sms_sender_id']} does not exist in database for "
                                                 f"service id {service.service_id}"))
    template_id = body.get("template_id")
    if template_id is not None:
        template = service.templates.get(str(template_id))
        if not _is_uuid(template_id):
            problems.append(error("ValidationError", "template_id is not a valid UUID"))
        elif template is None:
            problems.append(error("BadRequestError", "Template not found"))
        elif template.type != kind:
            problems.append(error("BadRequestError", f"{template.type} template is not suitable for {kind} notification"))
        else:
            missing = [name for name in template.placeholders() if name not in values]
            if missing:
                problems.append(error("BadRequestError", f"Missing personalisation: {', '.join(missing)}"))
    if kind == "letter" and isinstance(values, dict):
        problems += [error("ValidationError", message) for message in _address_problems(values)]
    return problems


def _address_problems(values: dict[str, Any]) -> list[str]:
    """Notify's letter address rules: address_line_1..7 only, at least 3 lines, the last a real UK postcode."""
    lines = [str(values.get(f"address_line_{n}") or "").strip() for n in range(1, 8)]
    given = [line for line in lines if line]
    if len(given) < 3:
        return ["Address must be at least 3 lines"]
    if not is_valid_postcode(given[-1]):
        return ["Last line of the address must be a real UK postcode"]
    if any(line[0] in "@()=[]\"\\/,<>" for line in given):
        return ["Address lines must not start with any of the following characters: @ ( ) = [ ] \" \\ / , < >"]
    return []


def _notify_time(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # as Notify writes its times


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    server: NotifyStandIn

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the page and received.json show what arrived

    def do_POST(self) -> None:
        if self.path == STATUS_PATH:
            self._set_status()
            return
        kind = PATHS.get(self.path)
        if kind is None:
            self._json(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "Not Found"}]})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._json(413, {"status_code": 413, "errors": [{"error": "RequestEntityTooLarge", "message": "Request too large"}]})
            return
        raw = self.rfile.read(length)
        service, refused = self.server.authenticate(self.headers.get("Authorization"))
        if refused is not None:
            status, name, message = refused
            self._json(status, {"status_code": status, "errors": [{"error": name, "message": message}]})
            return
        failure = self.server.take_failure()
        if failure is not None:
            name = "Exception" if failure >= 500 else "BadRequestError"
            message = "Internal server error" if failure >= 500 else "Failure a test asked for"
            self._json(failure, {"status_code": failure, "errors": [{"error": name, "message": message}]})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._json(400, {"status_code": 400, "errors": [{"error": "ValidationError", "message": "Invalid JSON supplied in POST data"}]})
            return
        self._json(*self.server.accept(service, kind, body))

    def _set_status(self) -> None:
        """POST /local/status {"id", "status"}: a delivery receipt, by hand (the stand-in's own path; not Notify's)."""
        try:
            body = json.loads(self.rfile.read(min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)))
            self.server.set_status(str(body["id"]), str(body["status"]))
        except StopIteration:
            self._json(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "No such notification"}]})
        except (ValueError, KeyError, TypeError) as error:
            self._json(400, {"status_code": 400, "errors": [{"error": "ValidationError", "message": str(error)}]})
        else:
            self._json(200, {"id": body["id"], "status": body["status"]})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/v2/notifications":
            service, refused = self.server.authenticate(self.headers.get("Authorization"))
            if refused is not None:
                status, name, message = refused
                self._json(status, {"status_code": status, "errors": [{"error": name, "message": message}]})
                return
            self._json(*self.server.listed(service, parse_qs(parts.query)))
        elif self.path == "/received.json":
            self._json(200, [asdict(item) for item in self.server.received()])
        elif self.path == "/":
            self._send(200, "text/html; charset=utf-8", _page(self.server).encode("utf-8"))
        else:
            self._json(404, {"status_code": 404, "errors": [{"error": "NotFound", "message": "Not Found"}]})

    def _json(self, status: int, payload: object) -> None:
        self._send(status, "application/json", json.dumps(payload).encode("utf-8"))

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _page(server: NotifyStandIn) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(item.received_at)}</td><td>{html.escape(item.council_code)}</td><td>{html.escape(item.type)}</td>"
        f"<td>{html.escape(item.reference or '')}</td><td>{html.escape(server.status_of(item.id))}</td>"
        f"<td><pre>{html.escape(json.dumps(item.personalisation, indent=2, ensure_ascii=False))}</pre></td></tr>"
        for item in reversed(server.received())
    ) or '<tr><td colspan="6">Nothing received yet.</td></tr>'
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Local GOV.UK Notify: notifications</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
        "padding:.4em;vertical-align:top;text-align:left}pre{margin:0;white-space:pre-wrap}</style></head><body>"
        f"<h1>Local GOV.UK Notify: notifications accepted</h1><p>Requests: {server.requests}. "
        "<a href=\"/received.json\">As JSON</a></p><table><thead><tr><th>Received (UTC)</th><th>Council</th><th>Type</th>"
        f"<th>Reference</th><th>Status</th><th>Personalisation</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
    )


def start_notify_stand_in(port: int = 0, *, host: str = "127.0.0.1") -> NotifyStandIn:
    """Start one in a background thread (port 0: a free one). Stop it with stop()."""
    server = NotifyStandIn(host, port)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-notify", daemon=True).start()
    return server


@dataclass
class LocalNotify:
    """What `./dev run` set up: the stand-in and the councils it serves."""

    server: NotifyStandIn
    councils: list[str] = field(default_factory=list)


def serve_for_local_run(council_codes: list[str], secretsmanager: Any) -> LocalNotify:
    """`./dev run`'s stand-in: each council named gets a Notify service here, its API key in Secrets Manager where the
    functions read it, and its channel set to NOTIFY (Env.NOTIFY_COUNCILS, which the CDK app builds from the councils'
    `notifications`; the demo config keeps SES, as it has no Notify account)."""
    import os

    from shared.resources import NOTIFY_ALLOW_LOOPBACK_HTTP, Env, notify_secret_name

    server = start_notify_stand_in()
    councils = {}
    for code in council_codes:
        settings, api_key = server.register(code)
        secretsmanager.create_secret(Name=notify_secret_name(code), SecretString=api_key)
        councils[code] = settings.model_dump(mode="json")
    os.environ[Env.NOTIFY_COUNCILS] = json.dumps(councils)
    os.environ[NOTIFY_ALLOW_LOOPBACK_HTTP] = "true"
    return LocalNotify(server, list(council_codes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.notify_api", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--council", default="LOCAL", help="the council code of the one service it serves")
    args = parser.parse_args(argv)
    server = start_notify_stand_in(args.port)
    settings, api_key = server.register(args.council)
    return serve_until_interrupted(
        server, f"Local GOV.UK Notify on {server.base_url}/ (Ctrl-C stops)\n  API key:  {api_key}\n"
                f"  settings: {settings.model_dump_json()}")


if __name__ == "__main__":
    raise SystemExit(main())
