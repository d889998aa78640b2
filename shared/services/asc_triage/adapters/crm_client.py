"""A council's CRM over its Web API (Dynamics 365 style), with the standard library only: an OAuth 2.0
client-credentials token, then one POST of the record to the entity set.

The record carries our case id as an alternate key, so a POST that timed out after the CRM committed it is safe to
repeat: the CRM answers the repeat as a duplicate (409 or 412) naming the record it holds, and that counts as delivered.

Errors are typed by what the caller should do: CrmUnavailable may succeed on a retry; CrmTokenRefused, CrmRejected and
InsecureCrmUrl need a person. Their messages hold statuses, OAuth error codes and redacted excerpts, never the record.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message

from shared.services.asc_triage.domain.crm import LOOPBACK_HOSTS, CrmEndpoint, CrmRecordId

# Two more attempts after the first, for errors that may pass (5xx, 429, no answer).
RETRY_BACKOFF_SECONDS = (0.5, 2.0)
# Kept back at the end of the invocation: recording the CRM's id and returning must still fit.
TIME_KEPT_SECONDS = 2.0
# A token is renewed this long before the token endpoint said it expires (clock skew, a slow request).
TOKEN_RENEWAL_MARGIN_SECONDS = 60.0
MAX_ANSWER_BYTES = 64 * 1024
EXCERPT_CHARACTERS = 200

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ENTITY_ID = re.compile(rf"\(({_GUID})\)\s*$")  # .../cw_referrals(<guid>)
_OAUTH_ERROR_CODE = re.compile(r"^[a-z_]{1,50}$")


class CrmError(Exception):
    retryable = False


class CrmUnavailable(CrmError):
    """No usable answer (5xx, 429, refused connection, timeout): a later attempt may succeed."""

    retryable = True


class CrmTokenRefused(CrmError):
    """The token endpoint refused our client credentials or scope: wrong or expired secret, or a changed app
    registration. Retrying cannot help."""


class CrmRejected(CrmError):
    """The CRM refused the record itself (4xx), or answered without naming it."""

    def __init__(self, status: int, excerpt: str) -> None:
        super().__init__(f"HTTP {status}: {excerpt}" if excerpt else f"HTTP {status}")
        self.status = status
        self.excerpt = excerpt


class InsecureCrmUrl(CrmError):
    """A CRM or token URL that is not https (plain http only to loopback, and only when allowed)."""


class TokenCache:
    """Access tokens by (token URL, client id, scope), kept across the invocations of a warm function."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}

    def get(self, key: tuple[str, str, str]) -> str | None:
        token, renew_at = self._tokens.get(key, ("", 0.0))
        return token if token and self._clock() < renew_at else None

    def put(self, key: tuple[str, str, str], token: str, expires_in: float) -> None:
        if expires_in > TOKEN_RENEWAL_MARGIN_SECONDS:
            self._tokens[key] = (token, self._clock() + expires_in - TOKEN_RENEWAL_MARGIN_SECONDS)

    def forget(self, key: tuple[str, str, str]) -> None:
        self._tokens.pop(key, None)


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Message
    body: bytes


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would resend credentials, or the record, to where the configuration does not say: answer 3xx as is."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # certificate and host name verified against the system's CAs
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


# Direct connections: Lambda has no proxy, and on a developer machine a proxy variable would capture loopback requests.
_OPENER = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=_tls_context()), _NoRedirects()
)


class CrmClient:
    """Creates records in one council's CRM. `seconds_left` gives the time left in this invocation: requests and
    retries stop in time for the caller to finish."""

    def __init__(
        self,
        endpoint: CrmEndpoint,
        client_secret: Callable[[], str],
        *,
        seconds_left: Callable[[], float],
        tokens: TokenCache | None = None,
        allow_loopback_http: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._api_url = _https_url(endpoint.api_url, allow_loopback_http)
        self._token_url = _https_url(endpoint.token_url, allow_loopback_http)
        self._endpoint = endpoint
        self._client_secret = client_secret
        self._seconds_left = seconds_left
        self._tokens = tokens or TokenCache()
        self._token_key = (endpoint.token_url, endpoint.client_id, endpoint.scope)
        self._sleep = sleep

    def create_record(self, record: dict[str, str]) -> CrmRecordId:
        """POST the record, retrying what may pass while the invocation has time for a whole attempt."""
        body = json.dumps(record, ensure_ascii=False).encode("utf-8")
        for backoff in (0.0, *RETRY_BACKOFF_SECONDS):
            if backoff:
                if self._seconds_left() - backoff - TIME_KEPT_SECONDS < self._endpoint.timeout_seconds:
                    break
                self._sleep(backoff)
            try:
                return self._create_once(body, record.values())
            except CrmUnavailable as error:
                last_error = error
        raise last_error

    def _create_once(self, body: bytes, sent_values: Iterable[str]) -> CrmRecordId:
        answer = self._post(body, self._token())
        if answer.status == 401:  # the token expired or was revoked before we expected: one fresh token
            self._tokens.forget(self._token_key)
            answer = self._post(body, self._token())
        if 200 <= answer.status < 300:
            if record_id := self._record_id(answer):
                return CrmRecordId(record_id, already_existed=False)
            raise CrmRejected(answer.status, "the CRM created the record but its answer named no record id")
        if answer.status in (409, 412) and (record_id := self._record_id(answer)):
            return CrmRecordId(record_id, already_existed=True)
        if answer.status == 429 or answer.status >= 500:
            raise CrmUnavailable(f"record: HTTP {answer.status}")
        raise CrmRejected(answer.status, _excerpt(answer.body, sent_values))

    def _post(self, body: bytes, token: str) -> _Answer:
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0",
        }
        return self._send(self._api_url, body, headers, "record")

    def _token(self) -> str:
        if cached := self._tokens.get(self._token_key):
            return cached
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials",
            "client_id": self._endpoint.client_id,
            "client_secret": self._client_secret(),
            "scope": self._endpoint.scope,
        }).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        answer = self._send(self._token_url, form, headers, "token")
        if answer.status == 429 or answer.status >= 500:
            raise CrmUnavailable(f"token: HTTP {answer.status}")
        payload = _json_object(answer.body)
        if answer.status != 200:
            code = payload.get("error")  # OAuth's error code, e.g. invalid_client: never personal, and says what to fix
            known = f" {code}" if isinstance(code, str) and _OAUTH_ERROR_CODE.match(code) else ""
            raise CrmTokenRefused(f"token: HTTP {answer.status}{known}")
        token, token_type = payload.get("access_token"), str(payload.get("token_type", "Bearer"))
        if not isinstance(token, str) or not token or token_type.lower() != "bearer":
            raise CrmTokenRefused("token: HTTP 200 without a bearer access token")
        try:
            expires_in = float(payload.get("expires_in", 0))
        except (TypeError, ValueError):
            expires_in = 0.0  # used for this request only
        self._tokens.put(self._token_key, token, expires_in)
        return token

    def _send(self, url: str, body: bytes, headers: dict[str, str], what: str) -> _Answer:
        timeout = min(self._endpoint.timeout_seconds, self._seconds_left() - TIME_KEPT_SECONDS)
        if timeout <= 0:
            raise CrmUnavailable(f"{what}: no time left in this invocation")
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            try:
                response = _OPENER.open(request, timeout=timeout)
            except urllib.error.HTTPError as error:  # any non-2xx status: an answer to classify, not a failure here
                with error:
                    return _Answer(error.code, error.headers, error.read(MAX_ANSWER_BYTES))
            with response:
                return _Answer(response.status, response.headers, response.read(MAX_ANSWER_BYTES))
        except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, refused or dropped connections
            raise CrmUnavailable(f"{what}: no answer ({_reason(error)})") from None

    def _record_id(self, answer: _Answer) -> str | None:
        if found := _ENTITY_ID.search(answer.headers.get("OData-EntityId", "")):
            return found.group(1).lower()
        if self._endpoint.id_field:
            value = _json_object(answer.body).get(self._endpoint.id_field)
            if isinstance(value, str) and re.fullmatch(_GUID, value):
                return value.lower()
        return None


def _https_url(url: str, allow_loopback_http: bool) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (allow_loopback_http and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url
    raise InsecureCrmUrl(f"refused {parts.scheme}://{parts.hostname}: the CRM is reached over https only")


def _json_object(body: bytes) -> dict:
    try:
        payload = json.loads(body)
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    return "timed out" if isinstance(error, TimeoutError) else type(error).__name__


def _excerpt(body: bytes, sent_values: Iterable[str]) -> str:
    """The CRM's explanation, short, with anything that may be personal taken out: CRMs quote the values they refuse.
    An OData error's code and message when there is one, else the start of the body."""
    payload = _json_object(body)
    error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
    text = f"{error.get('code', '')}: {error.get('message', '')}" if error else body.decode("utf-8", "replace")
    for value in sorted({value for value in sent_values if len(value) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(value), "[sent value]", text, flags=re.IGNORECASE)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "[quoted]", text)
    text = re.sub(r"(?<![xX\d])\d{4,}", "[number]", text)  # dates, NHS numbers; not hex error codes such as 0x80040237
    return " ".join(text.split())[:EXCERPT_CHARACTERS]
