"""Stand-in handlers for the local-runtime tests, imported by dotted path exactly like the real handlers."""

from __future__ import annotations

import json
from typing import Any

received: list[Any] = []  # what the recording stand-ins were given; tests clear it


class StandInError(Exception):
    pass


def double(event: dict, context: Any) -> dict:
    """A workflow task: doubles `value`; raises StandInError (caught by the test ASL) or ValueError (not caught)."""
    if event.get("fail"):
        raise StandInError(f"asked to fail: {event['fail']}")
    if event.get("crash"):
        raise ValueError("crashed")
    return {"value": event["value"] * 2, "function_name": context.function_name, "remaining_ms": context.get_remaining_time_in_millis()}


def partial_batch(event: dict, context: Any) -> dict:
    """An SQS consumer reporting every message whose body contains "fail" as a batch item failure."""
    received.append(event)
    return {"batchItemFailures": [{"itemIdentifier": record["messageId"]} for record in event["Records"] if "fail" in record["body"]]}


def broken_batch(event: dict, context: Any) -> dict:
    raise RuntimeError("ingest is down")


def unknown_identifier(event: dict, context: Any) -> dict:
    return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}


def collect_applications(event: dict, context: Any) -> dict:
    """A stand-in ingest: records each delivered event's detail."""
    for record in event["Records"]:
        received.append(json.loads(record["body"])["detail"])
    return {"batchItemFailures": []}


def api_echo(event: dict, context: Any) -> dict:
    """A stand-in API: answers with the proxy event it was given."""
    if event["path"] == "/boom":
        raise RuntimeError("boom")
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"X-Multi": ["a", "b"]},
        "body": json.dumps({"event": event, "function_name": context.function_name}),
    }
