"""The files a person may upload to a case (evidence, a reply's documents), and how their first bytes are checked."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class FileFormat(StrEnum):
    """The formats an applicant may upload, by the Content-Type S3 stores."""

    JPEG = "image/jpeg"
    PNG = "image/png"
    PDF = "application/pdf"

    @property
    def label(self) -> str:
        return {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}[self.value]

    @property
    def extension(self) -> str:
        return self.label.lower()

    @property
    def accept(self) -> str:
        """The file input's accept attribute: the browser offers only files of this format."""
        extensions = ".jpg,.jpeg" if self is FileFormat.JPEG else f".{self.extension}"
        return f"{extensions},{self.value}"

    @classmethod
    def named(cls, name: str | None) -> FileFormat | None:
        """From the short name in a page's address (jpg, png, pdf)."""
        return next((fmt for fmt in cls if fmt.extension == (name or "").lower()), None)


_MAGIC = ((b"\xff\xd8\xff", FileFormat.JPEG), (b"\x89PNG\r\n\x1a\n", FileFormat.PNG), (b"%PDF-", FileFormat.PDF))
SNIFF_BYTES = 8


def sniff(head: bytes) -> FileFormat | None:
    """The format a file's first bytes show, whatever its name or declared type claims."""
    return next((fmt for magic, fmt in _MAGIC if head.startswith(magic)), None)


class UploadProblem(StrEnum):
    MISSING = "missing"
    EMPTY = "empty"
    TOO_LARGE = "too-large"
    WRONG_TYPE = "wrong-type"
    TOO_MANY_TRIES = "too-many-tries"


def upload_problem(size: int, content_type: str, head: bytes, formats: Collection[FileFormat] = tuple(FileFormat)) -> UploadProblem | None:
    """What is wrong with a stored upload (None when it may count): empty, too large, or not what its first bytes and
    declared type both say it is, one of `formats` (a badge photo is printed, and the printer takes JPEG only)."""
    found = sniff(head)
    if size == 0:
        return UploadProblem.EMPTY
    if size > MAX_UPLOAD_BYTES:
        return UploadProblem.TOO_LARGE
    if found is None or found.value != content_type or found not in formats:
        return UploadProblem.WRONG_TYPE
    return None
