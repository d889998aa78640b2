"""The token of a single-use reply link, whatever the service: the case it is for, then a random secret. Only its hash
is stored; the case id in it names the council whose table holds the link."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from shared.resources import REPLY_PATH_PREFIX

_CASE_ID = re.compile(r"^([A-Z][A-Z0-9]{2,9})-[0-9]{6}-[2-9A-HJ-NP-Z]{6}$")
SECRET_BYTES = 24  # 192 bits


@dataclass(frozen=True)
class TokenParts:
    council_code: str
    case_id: str


def new_token(case_id: str) -> str:
    """The case it is for, then a random secret; only its hash is stored."""
    return f"{case_id}.{secrets.token_urlsafe(SECRET_BYTES)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_token(token: str) -> TokenParts | None:
    """Where to look the token up; None when it cannot be one of ours."""
    case_id, _, secret = token.rpartition(".")
    match = _CASE_ID.match(case_id)
    if match is None or len(secret) != len(secrets.token_urlsafe(SECRET_BYTES)) or not re.fullmatch(r"[A-Za-z0-9_-]+", secret):
        return None
    return TokenParts(council_code=match.group(1), case_id=case_id)


MAX_ATTEMPTS = 30  # sends and uploads per link: enough for any real sender, a ceiling for anything else


def reply_path(token: str) -> str:
    return f"{REPLY_PATH_PREFIX}{token}"
