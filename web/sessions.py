"""Server-side sessions and form drafts for the web UI, kept in the web session table (KMS-encrypted, TTL).

The browser holds only a random session id in an HttpOnly cookie; the table holds its SHA-256, so a copy
of the table gives no one a live session. Sessions end after SESSION_IDLE of inactivity or SESSION_MAX
after sign-in, whichever is first. An ended session's item stays until SESSION_ITEM_GRACE has passed, so
work posted after it ended can still be kept as a draft for the same user (see web/security.py). At least every
ACCOUNT_CHECK_EVERY the session is checked against the user pool, so a disabled account or changed groups end it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from shared.core.domain.case import utcnow
from shared.resources import Role, WEB_SESSION_TABLE_LAYOUT
from shared.core.logic.tenancy import Caller

SESSION_IDLE = timedelta(minutes=30)
SESSION_WARNING = timedelta(minutes=5)  # the timeout warning shows this long before the end
SESSION_MAX = timedelta(hours=10)  # a working day
SESSION_TOUCH_AFTER = timedelta(minutes=1)  # extend the idle timer at most once a minute (one write, not one per page)
ACCOUNT_CHECK_EVERY = timedelta(minutes=5)  # how long a disabled account or a removed role may go unnoticed
SESSION_ITEM_GRACE = timedelta(days=1)
DRAFT_LIFETIME = timedelta(days=30)
MAX_DRAFT_BYTES = 100 * 1024

_KEY = WEB_SESSION_TABLE_LAYOUT.partition_key
_TTL = WEB_SESSION_TABLE_LAYOUT.ttl_attribute


class WebSession(BaseModel):
    session_hash: str
    user: str
    council_code: str | None
    roles: frozenset[Role]
    teams: frozenset[str] = frozenset()  # the council's teams the person is in (kept, so the account check sees no change)
    national_admin: bool = False
    csrf_token: str
    signed_in_at: datetime
    idle_until: datetime
    # When the account was last found enabled with the same groups; None only in sessions started before this was kept.
    account_checked_at: datetime | None = None

    @property
    def ends_at(self) -> datetime:
        return min(self.idle_until, self.signed_in_at + SESSION_MAX)

    def active(self, now: datetime) -> bool:
        return now < self.ends_at

    def account_check_due(self, now: datetime) -> bool:
        return self.account_checked_at is None or now - self.account_checked_at >= ACCOUNT_CHECK_EVERY

    @property
    def caller(self) -> Caller:
        return Caller(user=self.user, council_code=self.council_code, roles=self.roles, teams=self.teams,
                      national_admin=self.national_admin)

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((self.ends_at - now).total_seconds()))


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class SessionStore:
    """Staff sessions. A kind of session with its own items (KEY_PREFIX) and model is a subclass: an id of one kind is
    never found by another kind's store (web/partner_session.py)."""

    KEY_PREFIX = "SESSION#"
    MODEL: type[WebSession] = WebSession

    def __init__(self, dynamodb: Any, table_name: str):
        self._dynamodb = dynamodb
        self._table = table_name

    def start(self, caller: Caller, now: datetime | None = None, **extra: Any) -> tuple[str, WebSession]:
        """A new session for a signed-in caller (and the MODEL's `extra` fields): (the id for the cookie, the session)."""
        now = now or utcnow()
        session_id = secrets.token_urlsafe(32)
        session = self.MODEL(
            session_hash=_hash(session_id),
            user=caller.user,
            council_code=caller.council_code,
            roles=caller.roles,
            teams=caller.teams,
            national_admin=caller.national_admin,
            csrf_token=secrets.token_urlsafe(32),
            signed_in_at=now,
            idle_until=now + SESSION_IDLE,
            account_checked_at=now,  # signing in has just checked it
            **extra,
        )
        self._dynamodb.put_item(
            TableName=self._table,
            Item=self._item(session),
            ConditionExpression=f"attribute_not_exists({_KEY})",
        )
        return session_id, session

    def find(self, session_id: str | None) -> WebSession | None:
        """The session with this id, ended or not (the caller decides); None for an unknown id."""
        if not session_id or len(session_id) > 100:
            return None
        item = self._dynamodb.get_item(TableName=self._table, Key={_KEY: {"S": f"{self.KEY_PREFIX}{_hash(session_id)}"}}, ConsistentRead=True).get("Item")
        return self.MODEL.model_validate_json(item["session"]["S"]) if item else None

    def touch(self, session: WebSession, now: datetime | None = None, force: bool = False) -> WebSession:
        """Restart the idle timer (at most once per SESSION_TOUCH_AFTER unless forced)."""
        now = now or utcnow()
        if not force and session.idle_until - now > SESSION_IDLE - SESSION_TOUCH_AFTER:
            return session
        return self._replace(session, {"idle_until": now + SESSION_IDLE})

    def account_checked(self, session: WebSession, now: datetime | None = None) -> WebSession:
        """Record that the account was found unchanged now (and restart the idle timer in the same write)."""
        now = now or utcnow()
        return self._replace(session, {"account_checked_at": now, "idle_until": now + SESSION_IDLE})

    def _replace(self, session: WebSession, changes: dict[str, Any]) -> WebSession:
        changed = session.model_copy(update=changes)
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=self._item(changed),
                ConditionExpression=f"attribute_exists({_KEY})",  # a signed-out session stays signed out
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            return session
        return changed

    def end(self, session_id: str | None) -> None:
        if session_id and len(session_id) <= 100:
            self._dynamodb.delete_item(TableName=self._table, Key={_KEY: {"S": f"{self.KEY_PREFIX}{_hash(session_id)}"}})

    def _item(self, session: WebSession) -> dict[str, Any]:
        return {
            _KEY: {"S": f"{self.KEY_PREFIX}{session.session_hash}"},
            "session": {"S": session.model_dump_json()},
            _TTL: {"N": str(_epoch(session.ends_at + SESSION_ITEM_GRACE))},
        }


class DraftStore:
    """Typed form fields kept per user and form (the form's path), so a timed-out session loses nothing."""

    def __init__(self, dynamodb: Any, table_name: str):
        self._dynamodb = dynamodb
        self._table = table_name

    def save(self, user: str, form: str, fields: dict[str, list[str]], now: datetime | None = None) -> bool:
        """False (nothing saved) when the draft is larger than MAX_DRAFT_BYTES."""
        now = now or utcnow()
        body = json.dumps({"fields": fields, "saved_at": now.isoformat()})
        if len(body.encode()) > MAX_DRAFT_BYTES:
            return False
        self._dynamodb.put_item(
            TableName=self._table,
            Item={_KEY: {"S": self._key(user, form)}, "draft": {"S": body}, _TTL: {"N": str(_epoch(now + DRAFT_LIFETIME))}},
        )
        return True

    def load(self, user: str, form: str) -> tuple[dict[str, list[str]], datetime] | None:
        item = self._dynamodb.get_item(TableName=self._table, Key={_KEY: {"S": self._key(user, form)}}).get("Item")
        if not item:
            return None
        draft = json.loads(item["draft"]["S"])
        return draft["fields"], datetime.fromisoformat(draft["saved_at"])

    def discard(self, user: str, form: str) -> None:
        self._dynamodb.delete_item(TableName=self._table, Key={_KEY: {"S": self._key(user, form)}})

    @staticmethod
    def _key(user: str, form: str) -> str:
        return f"DRAFT#{user}#{form}"


class PendingSignIn(BaseModel):
    """A sign-in between its password and its last challenge (new password, authenticator set-up or code)."""

    challenge_name: str
    username: str
    cognito_session: str
    secret_code: str | None = None
    next_path: str
    csrf_token: str
    started_at: datetime


class PendingSignIns:
    """Cognito's challenge session lives about 3 minutes; the item lives a little longer, then TTL clears it."""

    LIFETIME = timedelta(minutes=5)

    def __init__(self, dynamodb: Any, table_name: str):
        self._dynamodb = dynamodb
        self._table = table_name

    def save(self, pending_id: str, pending: PendingSignIn) -> None:
        self._dynamodb.put_item(
            TableName=self._table,
            Item={
                _KEY: {"S": f"SIGNIN#{_hash(pending_id)}"},
                "pending": {"S": pending.model_dump_json()},
                _TTL: {"N": str(_epoch(pending.started_at + self.LIFETIME))},
            },
        )

    def find(self, pending_id: str | None, now: datetime | None = None) -> PendingSignIn | None:
        if not pending_id or len(pending_id) > 100:
            return None
        item = self._dynamodb.get_item(TableName=self._table, Key={_KEY: {"S": f"SIGNIN#{_hash(pending_id)}"}}, ConsistentRead=True).get("Item")
        if not item:
            return None
        pending = PendingSignIn.model_validate_json(item["pending"]["S"])
        return pending if (now or utcnow()) < pending.started_at + self.LIFETIME else None

    def end(self, pending_id: str | None) -> None:
        if pending_id and len(pending_id) <= 100:
            self._dynamodb.delete_item(TableName=self._table, Key={_KEY: {"S": f"SIGNIN#{_hash(pending_id)}"}})


class SearchStore:
    """A search's fields kept server-side under a random id, so the results page's address names no one.

    The search form is posted (its NI number, name, date of birth or postcode never go into a URL, browser history
    or CloudFront's logs); the page then redirects to /search?results=<id>, which Back and reload show again
    without resubmitting. An id opens only for the user who searched, and only for LIFETIME.
    """

    LIFETIME = SESSION_MAX

    def __init__(self, dynamodb: Any, table_name: str):
        self._dynamodb = dynamodb
        self._table = table_name

    def save(self, user: str, fields: dict[str, list[str]], now: datetime | None = None) -> str:
        search_id = secrets.token_urlsafe(16)
        body = json.dumps({"user": user, "fields": fields})
        self._dynamodb.put_item(TableName=self._table, Item={
            _KEY: {"S": f"SEARCH#{_hash(search_id)}"}, "search": {"S": body},
            _TTL: {"N": str(_epoch((now or utcnow()) + self.LIFETIME))},
        })
        return search_id

    def load(self, user: str, search_id: str | None, now: datetime | None = None) -> dict[str, list[str]] | None:
        """The fields of this user's search; None for an unknown, expired or another user's id."""
        if not search_id or len(search_id) > 100:
            return None
        item = self._dynamodb.get_item(TableName=self._table, Key={_KEY: {"S": f"SEARCH#{_hash(search_id)}"}}).get("Item")
        if not item or int(item[_TTL]["N"]) <= _epoch(now or utcnow()):  # TTL deletes within days, not at once
            return None
        search = json.loads(item["search"]["S"])
        return search["fields"] if search["user"] == user else None
