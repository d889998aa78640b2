"""Putting the `Referral Accepted` event on the deployment's event bus (the CRM connector's rule takes it from there)."""

from __future__ import annotations

from typing import Any

from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED, ReferralAccepted


class EventNotPublished(RuntimeError):
    """The bus refused the event (PutEvents answers 200 with a failed entry rather than raising)."""


class ReferralEvents:
    def __init__(self, client: Any, bus_name: str):
        self._client = client
        self._bus = bus_name

    def accepted(self, event: ReferralAccepted) -> None:
        response = self._client.put_events(Entries=[{
            "EventBusName": self._bus, "Source": REFERRAL_ACCEPTED.source, "DetailType": REFERRAL_ACCEPTED.detail_type,
            "Detail": event.model_dump_json(),
        }])
        if response.get("FailedEntryCount", 0):
            failed = response["Entries"][0]
            raise EventNotPublished(f"event {event.event_id} of case {event.case_id} was not put on {self._bus}: "
                                    f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}")
