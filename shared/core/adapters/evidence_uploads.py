"""The applicant's uploads to the evidence bucket: pre-signed POST forms straight to S3, and the checks after.

The POST policy makes S3 itself refuse a file of another key, another declared type, or outside the size range;
after the upload, HeadObject and the file's first bytes are checked again, because the declared type is only
what the browser said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from botocore.exceptions import ClientError

from shared.core.domain.uploads import SNIFF_BYTES, FileFormat


@dataclass(frozen=True)
class UploadForm:
    url: str  # where the browser posts the form
    fields: dict[str, str]  # hidden fields, in order, before the file


@dataclass(frozen=True)
class StoredUpload:
    size: int
    content_type: str
    head: bytes  # the first bytes, to see what the file really is


class EvidenceUploads:
    def __init__(self, s3: Any, bucket: str):
        self._s3 = s3
        self.bucket = bucket

    def form(self, key: str, fmt: FileFormat, max_bytes: int, redirect: str, expires_seconds: int,
             tags: Mapping[str, str] | None = None) -> UploadForm:
        """`tags`: set by S3 on the upload itself, so a file uploaded and never brought back to us still carries them."""
        fields = {"Content-Type": fmt.value, "success_action_redirect": redirect}
        conditions: list[Any] = [
            {"Content-Type": fmt.value},
            ["content-length-range", 1, max_bytes],
            {"success_action_redirect": redirect},
        ]
        if tags:
            tagging = "".join(f"<Tag><Key>{escape(name)}</Key><Value>{escape(value)}</Value></Tag>" for name, value in tags.items())
            fields["tagging"] = f"<Tagging><TagSet>{tagging}</TagSet></Tagging>"
            conditions.append({"tagging": fields["tagging"]})
        post = self._s3.generate_presigned_post(self.bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires_seconds)
        return UploadForm(url=post["url"], fields=post["fields"])

    def stored(self, key: str) -> StoredUpload | None:
        try:
            head = self._s3.head_object(Bucket=self.bucket, Key=key)
            # An empty object has no byte range to read (S3 answers InvalidRange).
            first = self._s3.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")["Body"].read() if head["ContentLength"] else b""
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredUpload(size=head["ContentLength"], content_type=head.get("ContentType", ""), head=first)

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=key)
