"""Session lifetimes and drafts in the web session table (moto)."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from shared.domain.case import utcnow
from shared.resources import DEFAULT_REGION, WEB_SESSION_TABLE_NAME, Role
from shared.service.tenancy import Caller
from web.sessions import MAX_DRAFT_BYTES, SESSION_IDLE, SESSION_MAX, SESSION_TOUCH_AFTER, DraftStore, SessionStore

CASEWORKER = Caller(user="cw@example.gov.uk", council_code="NORTHSHIRE", roles=frozenset({Role.CASEWORKER}))


@pytest.fixture
def sessions(stack) -> SessionStore:
    return SessionStore(boto3.client("dynamodb", region_name=DEFAULT_REGION), WEB_SESSION_TABLE_NAME)


@pytest.fixture
def drafts(stack) -> DraftStore:
    return DraftStore(boto3.client("dynamodb", region_name=DEFAULT_REGION), WEB_SESSION_TABLE_NAME)


def test_only_the_hash_of_the_session_id_is_stored(sessions):
    session_id, session = sessions.start(CASEWORKER)
    item = boto3.client("dynamodb", region_name=DEFAULT_REGION).get_item(
        TableName=WEB_SESSION_TABLE_NAME, Key={"pk": {"S": f"SESSION#{session.session_hash}"}})["Item"]
    assert session_id not in str(item)
    assert sessions.find(session_id).caller == CASEWORKER


def test_a_session_ends_after_idle_time_or_the_working_day_whichever_is_first(sessions):
    start = utcnow()
    session_id, session = sessions.start(CASEWORKER, start)
    assert session.active(start + SESSION_IDLE - timedelta(seconds=1))
    assert not session.active(start + SESSION_IDLE)
    # Kept busy all day, it still ends SESSION_MAX after sign-in.
    moment = start
    while moment < start + SESSION_MAX - SESSION_IDLE:
        moment += SESSION_IDLE - timedelta(minutes=1)
        session = sessions.touch(session, moment)
    assert session.idle_until > start + SESSION_MAX
    assert not session.active(start + SESSION_MAX)


def test_the_idle_timer_is_written_at_most_once_a_minute(sessions):
    start = utcnow()
    _, session = sessions.start(CASEWORKER, start)
    assert sessions.touch(session, start + SESSION_TOUCH_AFTER / 2) is session  # no write
    assert sessions.touch(session, start + SESSION_TOUCH_AFTER * 2).idle_until == start + SESSION_TOUCH_AFTER * 2 + SESSION_IDLE


def test_a_signed_out_session_cannot_be_brought_back_by_a_late_touch(sessions):
    session_id, session = sessions.start(CASEWORKER)
    sessions.end(session_id)
    sessions.touch(session, force=True)
    assert sessions.find(session_id) is None


def test_drafts_are_per_user_and_form_and_bounded(drafts):
    assert drafts.save("a@example.gov.uk", "/applications/new", {"surname": ["Kept"]})
    assert drafts.load("a@example.gov.uk", "/applications/new")[0] == {"surname": ["Kept"]}
    assert drafts.load("b@example.gov.uk", "/applications/new") is None
    assert not drafts.save("a@example.gov.uk", "/big", {"x": ["y" * MAX_DRAFT_BYTES]})
    drafts.discard("a@example.gov.uk", "/applications/new")
    assert drafts.load("a@example.gov.uk", "/applications/new") is None
