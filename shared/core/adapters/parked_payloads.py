"""Payloads of parked applications too large for their table item, kept as JSON objects in the evidence bucket.

A council's are under its own folder, `councils/<tenant>/parked/<parked id>/<version>.json`, reached with the council's
scoped credentials; those of unknown councils under `unrouted/parked/`, with the function's own credentials (the one
prefix its role may use). The bucket encrypts every object with the platform key by default.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.evidence import council_evidence_prefix

PARKED_FOLDER = "parked/"
UNROUTED_PARKED_FOLDER = f"unrouted/{PARKED_FOLDER}"


def parked_payload_folder(council_code: str | None) -> str:
    return UNROUTED_PARKED_FOLDER if council_code is None else f"{council_evidence_prefix(council_code)}{PARKED_FOLDER}"


class ParkedPayloads:
    def __init__(self, s3: Any, bucket: str, folder: str):
        self._s3, self._bucket, self._folder = s3, bucket, folder

    def put(self, parked_id: str, version: int, text: str) -> str:
        """Keep the JSON text of one version of a parked item's payload; returns its key. Each version is written once:
        a second write means another replay of the same version got there first."""
        key = f"{self._folder}{parked_id}/{version}.json"
        try:
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=text.encode(), ContentType="application/json", IfNoneMatch="*")
        except ClientError as error:
            if error.response["Error"]["Code"] == "PreconditionFailed":
                raise StaleVersion(f"parked application {parked_id} changed since version {version - 1}") from None
            raise
        return key

    def get(self, key: str) -> str:
        if not key.startswith(self._folder):  # a pointer is only ever to this folder; the credentials agree
            raise ValueError(f"parked payload {key} is not under {self._folder}")
        return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read().decode()
