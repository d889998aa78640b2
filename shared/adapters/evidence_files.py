"""Copies of uploaded files into a case's own folder in the evidence bucket (intake never refers to a file in place)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.print_store import object_missing

MAX_INTAKE_FILE_BYTES = 20 * 1024 * 1024  # the largest document intake copies into a case (a scan of several pages)


class CopyOutcome(StrEnum):
    COPIED = "COPIED"
    MISSING = "MISSING"
    TOO_LARGE = "TOO_LARGE"


class EvidenceFiles:
    def __init__(self, s3: Any, bucket: str):
        self._s3, self._bucket = s3, bucket

    def copy(self, source: str, target: str, max_bytes: int = MAX_INTAKE_FILE_BYTES) -> CopyOutcome:
        """Copy `source` to `target` in the bucket (server side; a retry writes the same object again)."""
        try:
            size = self._s3.head_object(Bucket=self._bucket, Key=source)["ContentLength"]
        except ClientError as error:
            if object_missing(error):
                return CopyOutcome.MISSING
            raise
        if size > max_bytes:
            return CopyOutcome.TOO_LARGE
        self._s3.copy_object(Bucket=self._bucket, Key=target, CopySource={"Bucket": self._bucket, "Key": source})
        return CopyOutcome.COPIED
