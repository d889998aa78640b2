"""Putting a service's event on the deployment's event bus (e.g. an accepted case, which the connector's rule takes
from there)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.resources import EventSpec


class EventNotPublished(RuntimeError):
    """The bus refused the event (PutEvents answers 200 with a failed entry rather than raising)."""


class BusEvents:
    def __init__(self, client: Any, bus_name: str):
        self._client = client
        self._bus = bus_name

    def put(self, spec: EventSpec, detail: BaseModel, case_id: str) -> None:
        response = self._client.put_events(Entries=[{
            "EventBusName": self._bus, "Source": spec.source, "DetailType": spec.detail_type, "Detail": detail.model_dump_json(),
        }])
        if response.get("FailedEntryCount", 0):
            failed = response["Entries"][0]
            raise EventNotPublished(f"{spec.detail_type} event of case {case_id} was not put on {self._bus}: "
                                    f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}")
