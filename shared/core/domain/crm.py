"""Handing an accepted case to the council's record system (a CRM, a social care record system) over its REST API: where
each council's system takes it, the id it answers with, and what a service declares to use the one connector
(functions/crm_connector) that every service's accepted cases go through. Pure: no AWS, no HTTP.

A service publishes an event when a case is accepted (ServiceSpec.hand_over names it); the connector takes it from the
bus, sends the service's record to the council's endpoint for that service, and has the service keep the system's id
on the case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from shared.core.domain.council import COUNCIL_CODE_PATTERN, CouncilCode
from shared.core.domain.formats import Text
from shared.core.domain.metrics import Metric
from shared.resources import PREFIX, EventSpec

# Each council's client secret lives under this prefix; the connector may read nothing else in Secrets Manager.
CRM_SECRET_PREFIX = f"{PREFIX}/crm/"
# Plain http is for the local stand-in only: these hosts never leave the machine (or the Lambda sandbox).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# The alternate key every record carries: the system refuses a second record for one case, so a retried or repeated
# delivery cannot duplicate (and answers with the record it holds).
CASE_ID_FIELD = "cw_casereference"


def _https_or_loopback_http(url: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password or parts.fragment:
        raise PydanticCustomError("crm_url", "must be an absolute URL with a host, no credentials and no fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url
    raise PydanticCustomError("crm_url", "must use https (plain http only to a loopback host, for local runs)")


CrmUrl = Annotated[str, Field(max_length=500), AfterValidator(_https_or_loopback_http)]


class CrmEndpoint(BaseModel):
    """Where one council's system takes a service's accepted cases, and how the connector signs in (OAuth 2.0 client
    credentials). Deployment configuration: it names the secret, never holds it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: CrmUrl = Field(description="The entity set, e.g. https://org.crm11.dynamics.com/api/data/v9.2/cw_referrals")
    token_url: CrmUrl = Field(description="e.g. https://login.microsoftonline.com/<tenant id>/oauth2/v2.0/token")
    client_id: Text
    scope: Text = Field(description="e.g. https://org.crm11.dynamics.com/.default")
    secret_name: str = Field(pattern=rf"^{re.escape(CRM_SECRET_PREFIX)}[A-Za-z0-9/_+=.@-]{{1,200}}$",
                             description=f"The Secrets Manager secret holding the client secret, under {CRM_SECRET_PREFIX}")
    timeout_seconds: float = Field(default=10, gt=0, le=30, description="For each request, token or record")
    id_field: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$",
                                 description="The record's key column (e.g. cw_referralid), for a CRM that answers with the "
                                             "record in the body rather than an OData-EntityId header")


@dataclass(frozen=True)
class CrmRecordId:
    """The system's id of the record it holds for a case."""

    id: str
    already_existed: bool  # the system held it before this delivery (a repeated delivery, answered as a duplicate)


@dataclass(frozen=True)
class CaseHandOver:
    """What a service declares (ServiceSpec.hand_over) for its accepted cases to go through the connector.

    `event`: the bus event it puts when a case is accepted; `detail_model`: that event's detail (it has event_id,
    council_code and case_id); `record`: the record the council's system is sent, by column (it carries the case id as
    the system's alternate key, so a repeated delivery cannot open a second record); `record_external_id`: keeps the
    system's id on the case, given (store, case_id, external_id, clock), raising AlreadyDelivered
    (shared.core.logic.crm_delivery) when the case holds one already."""

    event: EventSpec
    detail_model: type[BaseModel]
    record: Callable[[Any], dict[str, str]]
    record_external_id: Callable[..., None]
    delivered_metric: Metric  # counted per council for each case the system took
    failure_metric: Metric  # counted per council for each delivery attempt that failed
    # Its endpoints are keyed by council code alone in Env.CRM_ENDPOINTS (adult social care triage, the first service to
    # hand cases over); every later service's sit under its service key.
    endpoints_keyed_by_council: bool = False


# Deployment configuration (Env.CRM_ENDPOINTS), JSON: the first service to hand cases over (adult social care triage)
# keyed its endpoints by council code alone, and still does; every other service's sit under its service key:
# {"NORTHSHIRE": {...}, "family-front-door": {"NORTHSHIRE": {...}}}.
_SERVICE_KEY = re.compile(r"^[a-z][a-z0-9-]{2,29}$")
_COUNCIL_CODE = re.compile(COUNCIL_CODE_PATTERN)
_BY_COUNCIL = TypeAdapter(dict[CouncilCode, CrmEndpoint])


@dataclass(frozen=True)
class CrmEndpoints:
    """Each council's endpoint for each service, as configured for the deployment."""

    first_service: dict[str, CrmEndpoint]  # the council-keyed entries: adult social care triage's
    by_service: dict[str, dict[str, CrmEndpoint]]

    def for_service(self, service_key: str, hand_over: CaseHandOver, council_code: str) -> CrmEndpoint | None:
        """None: that council hands that service's cases to no system (they are not sent)."""
        if hand_over.endpoints_keyed_by_council:
            return self.first_service.get(council_code)
        return self.by_service.get(service_key, {}).get(council_code)


def crm_endpoints_by_service(text: str) -> CrmEndpoints:
    """The deployment's endpoints from Env.CRM_ENDPOINTS; empty text: none."""
    raw = TypeAdapter(dict[str, Any]).validate_json(text) if text.strip() else {}
    unknown = [key for key in raw if not (_SERVICE_KEY.match(key) or _COUNCIL_CODE.match(key))]
    if unknown:
        raise ValueError(f"CRM endpoints: {unknown[0]!r} is neither a council code nor a service key")
    return CrmEndpoints(
        first_service=_BY_COUNCIL.validate_python({key: value for key, value in raw.items() if _COUNCIL_CODE.match(key)}),
        by_service={key: _BY_COUNCIL.validate_python(value) for key, value in raw.items() if _SERVICE_KEY.match(key)},
    )


def crm_endpoints_from_json(text: str) -> dict[str, CrmEndpoint]:
    """Council code -> its endpoint for the first service to hand cases over (adult social care triage)."""
    return crm_endpoints_by_service(text).first_service


def dynamics_time(moment: datetime) -> str:
    """Dynamics' Edm.DateTimeOffset, in UTC with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_json_schema(model: type[BaseModel], event: EventSpec) -> dict:
    """A hand-over event's published schema: its detail's, with the envelope fields EventBridge routes it by."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **model.model_json_schema(),
        "x-eventbridge": {"source": event.source, "detail-type": event.detail_type},
    }


def write_event_schema(model: type[BaseModel], event: EventSpec, schema_file: Path) -> None:
    schema_file.parent.mkdir(parents=True, exist_ok=True)
    schema_file.write_text(json.dumps(event_json_schema(model, event), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {schema_file}")
