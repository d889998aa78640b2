"""Suspending and re-enabling a partner: the user pool and the audited record are changed in the order that leaves a
true state, and a clear message, whichever step fails (a fault at the Cognito call, a fault at the write)."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from shared.services.family_front_door.adapters.partner_accounts import PartnerPool, PoolRefused
from shared.services.family_front_door.adapters.partner_directory import AllowListRefused
from shared.services.family_front_door.domain.partners import PartnerAccount
from shared.services.family_front_door.logic.partners import SwitchIncomplete, enable, suspend

EMAIL = "jo@school.example"
NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)
THROTTLED = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}, "TransactWriteItems")


class Directory:
    """The record side: the account as the council keeps it, and each audited change."""

    def __init__(self, suspended: bool | None, write_fails: bool = False):
        self.suspended = suspended  # None: not this council's partner
        self.write_fails = write_fails
        self.audited: list[bool] = []

    def account(self, email: str) -> PartnerAccount | None:
        if self.suspended is None:
            return None
        return PartnerAccount(email=email, name="Jo", agency_id="school", first_signed_in=NOW, suspended=self.suspended)

    def set_suspended(self, email: str, suspended: bool, actor: str, now: datetime) -> None:
        if self.write_fails:
            raise THROTTLED
        self.suspended = suspended
        self.audited.append(suspended)


class Pool:
    def __init__(self, enabled: bool, fails: set[str] = frozenset()):
        self.enabled = enabled
        self.fails = set(fails)
        self.calls: list[str] = []

    def _switch(self, call: str, enabled: bool) -> None:
        self.calls.append(call)
        if call in self.fails:
            raise PoolRefused("Rate exceeded")
        self.enabled = enabled

    def disable(self, email: str) -> None:
        self._switch("disable", False)

    def enable(self, email: str) -> None:
        self._switch("enable", True)


def test_suspending_disables_the_account_then_records_it_audited():
    directory, pool = Directory(suspended=False), Pool(enabled=True)
    suspend(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended, directory.audited) == (False, True, [True])


def test_a_fault_at_the_cognito_call_changes_nothing_and_says_so():
    directory, pool = Directory(suspended=False), Pool(enabled=True, fails={"disable"})
    with pytest.raises(SwitchIncomplete, match="is not suspended: the user pool did not disable the account"):
        suspend(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended, directory.audited) == (True, False, [])


def test_a_fault_at_the_write_leaves_the_account_disabled_and_says_so_and_suspending_again_records_it():
    directory, pool = Directory(suspended=False, write_fails=True), Pool(enabled=True)
    with pytest.raises(SwitchIncomplete, match="disabled, so they cannot sign in, but the suspension could not be recorded"):
        suspend(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended) == (False, False)  # locked out: never "suspended" while they are not
    directory.write_fails = False
    suspend(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended, directory.audited) == (False, True, [True])


def test_another_councils_partner_or_one_suspended_already_is_refused_before_the_pool_is_touched():
    for directory in (Directory(suspended=None), Directory(suspended=True)):
        pool = Pool(enabled=True)
        with pytest.raises(AllowListRefused):
            suspend(EMAIL, directory, pool, "user:admin", NOW)
        assert pool.calls == []


def test_re_enabling_enables_the_account_then_records_it():
    directory, pool = Directory(suspended=True), Pool(enabled=False)
    enable(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended, directory.audited) == (True, False, [False])


def test_re_enabling_with_a_fault_at_the_cognito_call_leaves_them_suspended():
    directory, pool = Directory(suspended=True), Pool(enabled=False, fails={"enable"})
    with pytest.raises(SwitchIncomplete, match="is still suspended: the user pool did not enable the account"):
        enable(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended) == (False, True)


def test_re_enabling_with_a_fault_at_the_write_disables_the_account_again():
    directory, pool = Directory(suspended=True, write_fails=True), Pool(enabled=False)
    with pytest.raises(SwitchIncomplete, match="could not be recorded, so the account was disabled again"):
        enable(EMAIL, directory, pool, "user:admin", NOW)
    assert (pool.enabled, directory.suspended, pool.calls) == (False, True, ["enable", "disable"])


def test_re_enabling_when_neither_the_write_nor_the_undo_works_says_the_account_is_enabled():
    directory, pool = Directory(suspended=True, write_fails=True), Pool(enabled=False, fails={"disable"})
    with pytest.raises(SwitchIncomplete, match="enabled but the record still says suspended"):
        enable(EMAIL, directory, pool, "user:admin", NOW)


@pytest.fixture
def cognito():
    client = boto3.client("cognito-idp", region_name="eu-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber


def test_the_pool_turns_cognitos_errors_into_a_message_and_counts_a_missing_account_as_disabled(cognito):
    client, stubber = cognito
    pool = PartnerPool(client, "eu-west-2_pool")
    stubber.add_client_error("admin_disable_user", "TooManyRequestsException", "Too many requests")
    with pytest.raises(PoolRefused, match="Too many requests"):
        pool.disable(EMAIL)
    stubber.add_client_error("admin_disable_user", "UserNotFoundException", "User does not exist.")
    pool.disable(EMAIL)
    stubber.add_client_error("admin_enable_user", "UserNotFoundException", "User does not exist.")
    with pytest.raises(PoolRefused, match="no account with this email address"):
        pool.enable(EMAIL)
