"""Short-lived pre-signed GET links to evidence in the private evidence bucket, for staff to view a document.

The bucket is never public: each link is signed for one object, names the type the browser should render it as,
and stops working after EVIDENCE_LINK_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.core.domain.evidence import is_within

EVIDENCE_LINK_SECONDS = 300
# What the viewer shows inline; anything else is offered as a download (never rendered from S3 as HTML).
INLINE_TYPES = {"image/jpeg": "image", "image/png": "image", "image/gif": "image", "image/webp": "image", "application/pdf": "pdf"}
_BY_EXTENSION = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp", "pdf": "application/pdf"}


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    kind: str  # "image", "pdf" or "download"


def content_type_of(key: str, declared: str | None) -> str:
    """The declared type, else the one the key's extension implies."""
    if declared:
        return declared.lower()
    return _BY_EXTENSION.get(key.rsplit(".", 1)[-1].lower(), "application/octet-stream")


class EvidenceLinks:
    def __init__(self, s3: Any, bucket: str, seconds: int = EVIDENCE_LINK_SECONDS):
        self._s3, self._bucket, self._seconds = s3, bucket, seconds

    def link(self, folder: str, key: str, content_type: str | None, filename: str | None) -> EvidenceLink | None:
        """A link to `key` if it lies inside `folder` (the case's own), else None. Signing is local (no call to S3),
        so a page can carry a fresh link for each document it lists."""
        if not is_within(key, folder):
            return None
        media_type = content_type_of(key, content_type)
        kind = INLINE_TYPES.get(media_type, "download")
        name = (filename or key.rsplit("/", 1)[-1]).replace('"', "")
        disposition = "inline" if kind != "download" else "attachment"
        url = self._s3.generate_presigned_url("get_object", ExpiresIn=self._seconds, Params={
            "Bucket": self._bucket, "Key": key,
            "ResponseContentType": media_type if kind != "download" else "application/octet-stream",
            "ResponseContentDisposition": f'{disposition}; filename="{name}"',
        })
        return EvidenceLink(url=url, kind=kind)
