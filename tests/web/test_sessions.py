"""Session lifetimes and drafts in the web session table (moto)."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from shared.core.domain.case import utcnow
from shared.resources import DEFAULT_REGION, WEB_SESSION_TABLE_NAME, Role
from shared.core.logic.tenancy import Caller
from web.sessions import (
    ACCOUNT_CHECK_EVERY,
    MAX_DRAFT_BYTES,
    SESSION_IDLE,
    SESSION_MAX,
    SESSION_TOUCH_AFTER,
    DraftStore,
    SearchStore,
    SessionStore,
)

CASEWORKER = Caller(user="cw@example.gov.uk", council_code="NORTHSHIRE", roles=frozenset({Role.CASEWORKER}))


@pytest.fixture
def sessions(stack) -> SessionStore:
    return SessionStore(boto3.client("dynamodb", region_name=DEFAULT_REGION), WEB_SESSION_TABLE_NAME)


@pytest.fixture
def searches(stack) -> SearchStore:
    return SearchStore(boto3.client("dynamodb", region_name=DEFAULT_REGION), WEB_SESSION_TABLE_NAME)


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


def test_the_account_is_due_for_a_check_every_interval_and_a_check_restarts_the_idle_timer(sessions):
    start = utcnow()
    session_id, session = sessions.start(CASEWORKER, start)
    assert not session.account_check_due(start + ACCOUNT_CHECK_EVERY - timedelta(seconds=1))
    assert session.account_check_due(start + ACCOUNT_CHECK_EVERY)
    checked = sessions.account_checked(session, start + ACCOUNT_CHECK_EVERY)
    assert sessions.find(session_id) == checked
    assert checked.idle_until == start + ACCOUNT_CHECK_EVERY + SESSION_IDLE
    assert not checked.account_check_due(start + ACCOUNT_CHECK_EVERY * 2 - timedelta(seconds=1))
    # A session kept from before checks existed is checked at once.
    assert session.model_copy(update={"account_checked_at": None}).account_check_due(start)


def test_a_search_is_kept_for_its_user_only_and_not_for_ever(searches):
    start = utcnow()
    fields = {"kind": ["NINO"], "nino": ["QQ123456C"]}
    search_id = searches.save("a@example.gov.uk", fields, start)
    assert "QQ123456C" not in search_id
    assert searches.load("a@example.gov.uk", search_id, start) == fields
    assert searches.load("b@example.gov.uk", search_id, start) is None
    assert searches.load("a@example.gov.uk", search_id, start + SearchStore.LIFETIME) is None
    assert searches.load("a@example.gov.uk", "unknown", start) is None
    assert searches.load("a@example.gov.uk", "x" * 101, start) is None
