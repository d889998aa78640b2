"""StaffAccounts asks Cognito for exactly what the web function's IAM grants (STAFF_ADMIN_ACTIONS, plus the reads the
web UI had already), and reads an account as the council's only when every group it is in is the council's."""

from __future__ import annotations

from typing import Any

import pytest

from shared.core.adapters.staff_accounts import STAFF_ADMIN_ACTIONS, StaffAccount, StaffAccounts
from shared.core.domain.council import load_councils
from shared.resources import NATIONAL_ADMIN_GROUP, Role, council_group, team_group

NORTHSHIRE = load_councils().get("NORTHSHIRE")
READS = {"AdminGetUser", "AdminListGroupsForUser", "ListUsersInGroup"}  # granted before, for sign-in re-checks and pickers


class RecordingCognito:
    """Answers as Cognito would for one account in `groups`, and records each operation asked for (by its API name)."""

    class exceptions:  # noqa: N801 (boto3's spelling)
        class UserNotFoundException(Exception): ...
        class InvalidParameterException(Exception): ...
        class UsernameExistsException(Exception): ...
        class ResourceNotFoundException(Exception): ...

    def __init__(self, groups: set[str]):
        self.groups = groups
        self.asked: list[str] = []

    def _record(self, name: str) -> None:
        self.asked.append("".join(part.capitalize() for part in name.split("_")).replace("Mfa", "MFA"))

    def __getattr__(self, name: str) -> Any:
        def call(**_: Any) -> dict[str, Any]:
            self._record(name)
            return {"User": {"Username": "someone"}} if name == "admin_create_user" else {}
        return call

    def admin_get_user(self, **_: Any) -> dict[str, Any]:
        self._record("admin_get_user")
        return {"Username": "someone", "UserAttributes": [{"Name": "email", "Value": "Someone@Northshire.example"}],
                "Enabled": True, "UserStatus": "CONFIRMED"}

    def get_paginator(self, name: str) -> Any:
        cognito = self

        class Pages:
            def paginate(self, **_: Any):
                cognito._record(name)
                if name == "admin_list_groups_for_user":
                    return [{"Groups": [{"GroupName": group} for group in sorted(cognito.groups)]}]
                return [{"Users": []}]
        return Pages()


def test_every_call_is_one_the_web_functions_iam_grants():
    cognito = RecordingCognito({council_group("NORTHSHIRE", Role.CASEWORKER)})
    accounts = StaffAccounts(cognito, "pool")
    account = accounts.find(NORTHSHIRE, "someone")
    accounts.of_council(NORTHSHIRE)
    accounts.invite("new@northshire.example", {council_group("NORTHSHIRE", Role.CASEWORKER)})
    accounts.set_groups(account, NORTHSHIRE, {council_group("NORTHSHIRE", Role.TEAM_LEADER)})
    accounts.disable(account)
    accounts.enable(account)
    accounts.reset_authenticator(account)
    assert set(cognito.asked) == READS | set(STAFF_ADMIN_ACTIONS)


def test_an_account_of_the_council_reads_with_its_roles_and_teams():
    cognito = RecordingCognito({council_group("NORTHSHIRE", Role.ASSESSOR), team_group("NORTHSHIRE", "community-ot")})
    assert StaffAccounts(cognito, "pool").find(NORTHSHIRE, "someone") == StaffAccount(
        username="someone", email="someone@northshire.example", enabled=True, status="CONFIRMED",
        roles=frozenset({Role.ASSESSOR}), teams=frozenset({"community-ot"}), authenticator=False)


@pytest.mark.parametrize("groups", [
    set(),
    {council_group("VALEWYE", Role.CASEWORKER)},
    {council_group("NORTHSHIRE", Role.CASEWORKER), council_group("VALEWYE", Role.CASEWORKER)},
    {council_group("NORTHSHIRE", Role.CASEWORKER), NATIONAL_ADMIN_GROUP},
    {NATIONAL_ADMIN_GROUP},
])
def test_an_account_with_any_group_not_the_councils_is_not_found(groups):
    assert StaffAccounts(RecordingCognito(groups), "pool").find(NORTHSHIRE, "someone") is None


def test_setting_groups_touches_only_the_councils_groups_that_change():
    cognito = RecordingCognito(set())
    account = StaffAccount(username="someone", email="someone@northshire.example", enabled=True, status="CONFIRMED",
                           roles=frozenset({Role.CASEWORKER}), teams=frozenset({"blue-badge"}))
    StaffAccounts(cognito, "pool").set_groups(account, NORTHSHIRE, {council_group("NORTHSHIRE", Role.CASEWORKER),
                                                                     council_group("NORTHSHIRE", Role.TEAM_LEADER)})
    assert cognito.asked == ["AdminAddUserToGroup", "AdminRemoveUserFromGroup"]
