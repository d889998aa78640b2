"""A council's files in the evidence bucket: copies of uploaded files into a case's own folder (intake never refers to a
file in place), and listing, reading, writing and deleting a folder (subject access exports and erasure)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError

from shared.core.adapters.s3_objects import object_missing

MAX_INTAKE_FILE_BYTES = 20 * 1024 * 1024  # the largest document intake copies into a case (a scan of several pages)
DELETE_PER_REQUEST = 1000  # S3 DeleteObjects' limit


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

    def keys(self, folder: str) -> list[str]:
        """Every file under `folder` (ListObjectsV2, a page of 1,000 at a time)."""
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=folder)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()

    def read_if_there(self, key: str) -> bytes | None:
        """The file, or None when there is none (never written, or erased)."""
        try:
            return self.read(key)
        except ClientError as error:
            if object_missing(error):
                return None
            raise

    def write(self, key: str, body: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)

    def delete_folder(self, folder: str) -> int:
        """Delete every file under `folder`; how many there were. (The bucket is versioned: the versions left behind
        expire with its noncurrent-version rule, infra/constructs/storage.py.)"""
        return self._delete(folder, self.keys(folder))

    def delete_older_than(self, folder: str, cutoff: datetime) -> int:
        """Delete the files under `folder` last written before `cutoff`; how many."""
        pages = self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=folder)
        return self._delete(folder, [item["Key"] for page in pages for item in page.get("Contents", []) if item["LastModified"] < cutoff])

    def _delete(self, folder: str, keys: list[str]) -> int:
        for start in range(0, len(keys), DELETE_PER_REQUEST):
            batch = keys[start:start + DELETE_PER_REQUEST]
            response = self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True})
            if response.get("Errors"):
                raise RuntimeError(f"could not delete {len(response['Errors'])} files under {folder}: {response['Errors'][0]['Code']}")
        return len(keys)
