"""What S3 answers about an object that is not there, asked the same way by every adapter."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def object_missing(error: ClientError) -> bool:
    """S3 answers a missing key with NoSuchKey (GetObject) or a bare 404 (HeadObject)."""
    return error.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound")


def object_exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if object_missing(error):
            return False
        raise
    return True
