"""A council's national-style Blue Badge Applications API (domain/national.py: `findApplications`, `retrieveApplication`,
`updateApplication`), and the artifact files its records link to, over urllib3 (botocore's own HTTP library, so no
new dependency): an OAuth 2.0 client-credentials token, then JSON requests with the bearer token.

Errors are typed by what the caller should do: NationalApiUnavailable (5xx, 429, no answer) may pass and is retried here
with backoff, then raised for the run to be retried; NationalApiRefused (another 4xx, a refused token) needs a person.
Messages carry statuses and the path, never a record's contents.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import urllib3

from shared.services.blue_badge.domain.national import ApplicationSummaryResponse, ApplicationUpdate, NationalStatus
from shared.services.blue_badge.domain.settings import LOOPBACK_HOSTS, NationalPull

RETRY_BACKOFF_SECONDS = (0.5, 2.0)  # two more attempts after the first, for what may pass
TOKEN_RENEWAL_MARGIN_SECONDS = 60.0
MAX_ANSWER_BYTES = 5 * 1024 * 1024  # a page of 200 summaries, or one record with long free text
MAX_ARTIFACT_BYTES = 20 * 1024 * 1024  # as intake's largest document (shared.core.adapters.evidence_files)


class NationalApiError(Exception):
    retryable = False


class NationalApiUnavailable(NationalApiError):
    """No usable answer (5xx, 429, refused connection, timeout): a later attempt may succeed."""

    retryable = True


class NationalApiRefused(NationalApiError):
    """A 4xx answer (other than 429), or a refused token: retrying cannot help."""

    def __init__(self, status: int, what: str) -> None:
        super().__init__(f"HTTP {status} from {what}")
        self.status = status


class InsecureNationalApiUrl(NationalApiError):
    """Not https (plain http only to loopback, and only when the local run allows it)."""


@dataclass(frozen=True)
class Artifact:
    body: bytes
    content_type: str


def _checked_url(url: str, allow_loopback_http: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" or (allow_loopback_http and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url
    raise InsecureNationalApiUrl(f"{parts.scheme}://{parts.hostname}: the national API and its files are fetched over https only")


class NationalApiClient:
    """One council's national Applications API, signed in with its own client credentials."""

    def __init__(self, pull: NationalPull, client_secret: Callable[[], str], *, allow_loopback_http: bool = False,
                 http: urllib3.PoolManager | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pull = pull
        self._base = _checked_url(pull.api_url, allow_loopback_http)
        self._token_url = _checked_url(pull.token_url, allow_loopback_http)
        self._client_secret = client_secret
        self._allow_loopback_http = allow_loopback_http
        # No redirects: one would send the token, or a record's file, where the configuration does not say.
        self._http = http or urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(total=pull.timeout_seconds))
        self._sleep, self._clock = sleep, clock
        self._token: tuple[str, float] | None = None

    def find_applications(self, submitted_from: datetime, submitted_to: datetime, page: int) -> ApplicationSummaryResponse:
        """One page of the council's applications submitted between the two times (both inclusive)."""
        query = {"from": _instant(submitted_from), "to": _instant(submitted_to), "pageNum": str(page), "pageSize": str(self._pull.page_size)}
        answer = self._call("GET", "/applications", query=query)
        return ApplicationSummaryResponse.model_validate(answer)

    def retrieve_application(self, application_id: str) -> dict[str, Any]:
        """The application as the national service holds it (checked by intake, so a bad record parks naming its field)."""
        answer = self._call("GET", f"/applications/{quote(application_id, safe='')}")
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            raise NationalApiRefused(200, f"retrieveApplication {application_id}: the answer holds no application")
        return data

    def update_status(self, application_id: str, status: NationalStatus) -> None:
        body = ApplicationUpdate(applicationStatus=status.value).model_dump()
        self._call("PUT", f"/applications/{quote(application_id, safe='')}", body=body)

    def fetch_artifact(self, link: str) -> Artifact:
        """An artifact's file, from its link (a pre-signed address: no token is sent with it)."""
        url = _checked_url(link, self._allow_loopback_http)
        response = self._with_retries(lambda: self._request("GET", url, headers={}, max_bytes=MAX_ARTIFACT_BYTES), "an artifact")
        return Artifact(body=response.data, content_type=response.headers.get("Content-Type", "").split(";")[0].strip())

    # ------------------------------------------------------------ plumbing
    def _call(self, method: str, path: str, query: dict[str, str] | None = None, body: Any = None) -> Any:
        url = f"{self._base}{path}"
        what = f"{method} {path}"

        def attempt() -> _Read:
            headers = {"Authorization": f"Bearer {self._access_token()}", "Accept": "application/json"}
            encoded = None
            if body is not None:
                headers["Content-Type"] = "application/json"
                encoded = json.dumps(body).encode()
            response = self._request(method, url, headers=headers, fields=query, body=encoded, max_bytes=MAX_ANSWER_BYTES)
            if response.status == 401:
                self._token = None  # revoked or expired early: the retry asks for a new one
                raise NationalApiUnavailable(f"HTTP 401 from {what}")
            return response

        response = self._with_retries(attempt, what)
        if not response.data:
            return {}
        try:
            return json.loads(response.data)
        except ValueError:
            raise NationalApiRefused(response.status, f"{what}: the answer is not JSON") from None

    def _with_retries(self, attempt: Callable[[], _Read], what: str) -> _Read:
        last: NationalApiError | None = None
        for backoff in (0.0, *RETRY_BACKOFF_SECONDS):
            if backoff:
                self._sleep(backoff)
            try:
                response = attempt()
            except NationalApiUnavailable as error:
                last = error
                continue
            if response.status == 429 or response.status >= 500:
                last = NationalApiUnavailable(f"HTTP {response.status} from {what}")
                continue
            if response.status >= 300:
                raise NationalApiRefused(response.status, what)
            return response
        assert last is not None
        raise last

    def _request(self, method: str, url: str, *, headers: dict[str, str], fields: dict[str, str] | None = None,
                 body: bytes | None = None, max_bytes: int) -> _Read:
        try:
            if fields is not None:
                response = self._http.request(method, url, fields=fields, headers=headers, redirect=False, preload_content=False)
            else:
                response = self._http.request(method, url, body=body, headers=headers, redirect=False, preload_content=False)
            data = response.read(max_bytes + 1)
        except urllib3.exceptions.HTTPError as error:
            raise NationalApiUnavailable(f"no answer from {urlsplit(url).hostname}: {type(error).__name__}") from None
        if len(data) > max_bytes:
            raise NationalApiRefused(response.status, f"{urlsplit(url).path}: the answer is over {max_bytes} bytes")
        return _Read(response.status, response.headers, data)

    def _access_token(self) -> str:
        if self._token and self._clock() < self._token[1]:
            return self._token[0]
        fields = {"grant_type": "client_credentials", "client_id": self._pull.client_id, "client_secret": self._client_secret()}
        try:
            response = self._http.request_encode_body("POST", self._token_url, fields=fields, encode_multipart=False,
                                                      headers={"Accept": "application/json"}, redirect=False)
        except urllib3.exceptions.HTTPError as error:
            raise NationalApiUnavailable(f"no answer from the token endpoint: {type(error).__name__}") from None
        if response.status == 429 or response.status >= 500:
            raise NationalApiUnavailable(f"HTTP {response.status} from the token endpoint")
        if response.status != 200:
            raise NationalApiRefused(response.status, "the token endpoint (check the client id and secret)")
        try:
            answer = json.loads(response.data)
            token, expires_in = str(answer["access_token"]), float(answer.get("expires_in", 300))
        except (ValueError, KeyError, TypeError):
            raise NationalApiRefused(response.status, "the token endpoint: no access_token in its answer") from None
        self._token = (token, self._clock() + max(expires_in - TOKEN_RENEWAL_MARGIN_SECONDS, 0))
        return token


@dataclass(frozen=True)
class _Read:
    """An answer read in full (within its size limit)."""

    status: int
    headers: Any
    data: bytes


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
