"""Print batches (platform table) and the print drop bucket: streamed extract uploads and evidence photos."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

from botocore.exceptions import ClientError

from shared.core.adapters.case_store import StaleVersion
from shared.services.blue_badge.domain.printing import BatchStatus, PrintBatch
from shared.resources import PRINT_BATCH_TABLE_LAYOUT, UNFINISHED_BATCH_INDEX
from shared.core.adapters.s3_objects import object_missing

KEY = PRINT_BATCH_TABLE_LAYOUT.partition_key
UNFINISHED = "UNFINISHED"


class PrintBatches:
    def __init__(self, client: Any, table_name: str):
        self._client = client
        self._table_name = table_name

    def get(self, batch_id: str) -> PrintBatch | None:
        item = self._client.get_item(TableName=self._table_name, Key={KEY: {"S": batch_id}}, ConsistentRead=True).get("Item")
        return PrintBatch.model_validate_json(item["body"]["S"]) if item else None

    def create(self, batch: PrintBatch) -> tuple[PrintBatch, bool]:
        """The new batch and True, or the one a previous attempt of the same run created and False."""
        try:
            self._client.put_item(TableName=self._table_name, Item=self._item(batch),
                                  ConditionExpression="attribute_not_exists(#key)", ExpressionAttributeNames={"#key": KEY})
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return self.get(batch.batch_id), False  # type: ignore[return-value]
        return batch, True

    def reserve_filename(self, filename: str, batch_id: str) -> bool:
        """Take a file name for one batch: False if another batch has it (names carry only the second)."""
        try:
            self._client.put_item(TableName=self._table_name, Item={KEY: {"S": f"FILE#{filename}"}, "reserved_by": {"S": batch_id}},
                                  ConditionExpression="attribute_not_exists(#key)", ExpressionAttributeNames={"#key": KEY})
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def save(self, batch: PrintBatch, expected_version: int) -> None:
        try:
            self._client.put_item(TableName=self._table_name, Item=self._item(batch), ConditionExpression="version = :expected",
                                  ExpressionAttributeValues={":expected": {"N": str(expected_version)}})
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleVersion(f"print batch {batch.batch_id} changed since version {expected_version}") from None
            raise

    def unfinished(self, updated_before: datetime) -> Iterator[PrintBatch]:
        """Batches not COMPLETE, last changed before the given time: a Query of the sparse index, which holds only those."""
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table_name, IndexName=UNFINISHED_BATCH_INDEX.name,
            KeyConditionExpression="#open = :open AND #at < :before",
            ExpressionAttributeNames={"#open": UNFINISHED_BATCH_INDEX.partition_key, "#at": UNFINISHED_BATCH_INDEX.sort_key},
            ExpressionAttributeValues={":open": {"S": UNFINISHED}, ":before": {"S": _sortable(updated_before)}},
        )
        for page in pages:
            for item in page["Items"]:
                yield PrintBatch.model_validate_json(item["body"]["S"])

    @staticmethod
    def _item(batch: PrintBatch) -> dict[str, Any]:
        item = {KEY: {"S": batch.batch_id}, "body": {"S": batch.model_dump_json()}, "version": {"N": str(batch.version)},
                "status": {"S": batch.status.value}}
        if batch.status is not BatchStatus.COMPLETE:  # in the unfinished index until complete
            item |= {UNFINISHED_BATCH_INDEX.partition_key: {"S": UNFINISHED}, UNFINISHED_BATCH_INDEX.sort_key: {"S": _sortable(batch.updated_at)}}
        return item


def _sortable(at: datetime) -> str:
    """UTC, fixed width: index keys sort as the times do."""
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"


class S3Upload(io.RawIOBase):
    """A write-only stream into one S3 object by multipart upload: memory holds one part at a time.

    Nothing is visible under the key until close() completes the upload; abort() (or an error inside a
    `with` block) leaves nothing behind.
    """

    PART_SIZE = 8 * 1024 * 1024  # S3 parts are at least 5 MiB, except the last

    def __init__(self, s3: Any, bucket: str, key: str, content_type: str = "application/xml"):
        super().__init__()
        self._s3, self._bucket, self._key = s3, bucket, key
        # Encrypted by the bucket's default (the platform CMK).
        self._upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType=content_type)["UploadId"]
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self.bytes_written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._buffer += data
        self.bytes_written += len(data)
        if len(self._buffer) >= self.PART_SIZE:
            self._send_part()
        return len(data)

    def _send_part(self) -> None:
        number = len(self._parts) + 1
        response = self._s3.upload_part(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
                                        PartNumber=number, Body=bytes(self._buffer))
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})
        self._buffer.clear()

    def close(self) -> None:
        if self.closed:
            return
        if self._buffer or not self._parts:
            self._send_part()
        self._s3.complete_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id,
                                           MultipartUpload={"Parts": self._parts})
        super().close()

    def abort(self) -> None:
        if not self.closed:
            self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)
            super().close()

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


class ExtractFiles:
    """Extracts in the print drop bucket, read as streams (for the push to the supplier's own server)."""

    def __init__(self, s3: Any, bucket: str):
        self._s3, self._bucket = s3, bucket

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[tuple[BinaryIO, int]]:
        """The object's body, read as it is sent (memory holds one read), and its size."""
        response = self._s3.get_object(Bucket=self._bucket, Key=key)
        with contextlib.closing(response["Body"]) as body:
            yield body, response["ContentLength"]


class Photos:
    """Badge photos from the evidence bucket (the key the application's PHOTO evidence names)."""

    def __init__(self, s3: Any, bucket: str):
        self._s3, self._bucket = s3, bucket

    def get(self, key: str) -> bytes | None:
        try:
            return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as error:
            if object_missing(error):
                return None
            raise


class ResultFiles:
    """The supplier's result files in the print drop bucket: read one, and move it out of the inbox when done."""

    def __init__(self, s3: Any, bucket: str):
        self._s3, self.bucket = s3, bucket

    def read(self, key: str, max_bytes: int) -> bytes | None:
        """The file's bytes (at most `max_bytes` + 1, enough to tell it is too large); None if it is gone (an earlier
        delivery of the same event moved it already)."""
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as error:
            if object_missing(error):
                return None
            raise
        with body:
            return body.read(max_bytes + 1)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def move(self, source: str, target: str, metadata: dict[str, str] | None = None) -> None:
        """Copy within the bucket (with new user metadata if given), then delete the original. Repeating it after a
        failure is harmless: the copy is written again (the bucket is versioned) and the delete of a gone key succeeds."""
        extra = {"Metadata": metadata, "MetadataDirective": "REPLACE"} if metadata is not None else {}
        self._s3.copy_object(Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": source}, **extra)
        self._s3.delete_object(Bucket=self.bucket, Key=source)
