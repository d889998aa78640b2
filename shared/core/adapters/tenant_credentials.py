"""AWS clients that can reach one council's data only.

A function that acts for a council assumes the tenant role (TENANT_ROLE_NAME) with the session tag
`council=<tenant id>`; the role's policy names the council's table, its evidence folder and the key's use through
${aws:PrincipalTag/council}, so a session made for one council is refused by AWS on another council's table or
objects, whatever the handler code asks for. The function's own role has no grant on council data at all.

Sessions are cached per council for the life of the container and refreshed by botocore shortly before they expire,
so a warm request makes no STS call; a cold one makes one AssumeRole per council it touches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import AssumeRoleCredentialFetcher, CredentialProvider, DeferredRefreshableCredentials

from shared.resources import COUNCIL_TAG, tenant_id

SESSION_SECONDS = 3600  # botocore refreshes 15 minutes before the end (advisory) or 10 minutes (mandatory)


class _TaggedAssumeRole(CredentialProvider):
    """A credential provider that assumes `role_arn` with the council's session tag, fetched on first use."""

    METHOD = "assume-role-council"

    def __init__(self, fetcher: AssumeRoleCredentialFetcher):
        super().__init__()
        self._fetcher = fetcher

    def load(self) -> DeferredRefreshableCredentials:
        return DeferredRefreshableCredentials(refresh_using=self._fetcher.fetch_credentials, method=self.METHOD)


class TenantSessions:
    """boto3 clients per (council, service), each signed with credentials scoped to that council."""

    def __init__(self, role_arn: str, session_name: str, base: boto3.session.Session | None = None,
                 on_assume: Callable[[str], None] | None = None):
        self._role_arn, self._session_name = role_arn, session_name[:64]
        self._base = base or boto3.session.Session()
        self._on_assume = on_assume  # called with the tenant id on every AssumeRole (counted by tests and metrics)
        self._sessions: dict[str, boto3.session.Session] = {}
        self._clients: dict[tuple[str, str, Config | None], Any] = {}
        self._lock = threading.Lock()  # the print dispatch fetches photos from a thread pool

    def client(self, service: str, council_code: str, config: Config | None = None) -> Any:
        """A client for `service` whose every request is authorised as the council's scoped session. One per service,
        council and `config` (the same object each time: a module constant) for the life of the container."""
        tenant = tenant_id(council_code)
        key = (service, tenant, config)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session(tenant).client(service, config=config)
            return self._clients[key]

    def _session(self, tenant: str) -> boto3.session.Session:
        if tenant not in self._sessions:
            core = botocore.session.Session()
            # The service models and endpoint data are read once per container, not once per council (~0.15 s each).
            core.register_component("data_loader", self._base._session.get_component("data_loader"))
            fetcher = AssumeRoleCredentialFetcher(
                client_creator=self._counted_sts(tenant),
                source_credentials=self._base.get_credentials(),
                role_arn=self._role_arn,
                extra_args={
                    "RoleSessionName": self._session_name,
                    "DurationSeconds": SESSION_SECONDS,
                    "Tags": [{"Key": COUNCIL_TAG, "Value": tenant}],
                },
            )
            core.get_component("credential_provider").insert_before("env", _TaggedAssumeRole(fetcher))
            self._sessions[tenant] = boto3.session.Session(botocore_session=core, region_name=self._base.region_name)
        return self._sessions[tenant]

    def _counted_sts(self, tenant: str) -> Callable[..., Any]:
        """The STS client the fetcher uses, made from the function's own credentials; each AssumeRole is reported."""

        def create(service_name: str, **kwargs: Any) -> Any:
            client = self._base.client(service_name, **{key: value for key, value in kwargs.items()
                                                        if key not in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")})
            if self._on_assume is not None:
                client.meta.events.register("before-call.sts.AssumeRole", lambda **_: self._on_assume(tenant))
            return client

        return create
