"""A council's staff accounts in the staff user pool, as its council admin manages them: list, invite, set roles and
teams (the council's groups), disable, enable, reset the authenticator app.

An account is the council's when every group it is in is one of the council's own (role groups, team groups) and it is
in at least one: an account of another council, of several, or a national administrator is never one to manage here,
and reads as not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.core.domain.council import CouncilConfig
from shared.resources import Role, council_group, team_group


# The Cognito admin actions StaffAccounts makes beyond listing and reading accounts (which the web UI has anyway): the
# web function's IAM grants exactly these, on the staff pool only (infra/stack.py).
STAFF_ADMIN_ACTIONS = ("AdminCreateUser", "AdminAddUserToGroup", "AdminRemoveUserFromGroup", "AdminDisableUser", "AdminEnableUser",
                       "AdminSetUserMFAPreference")


class AccountExists(Exception):
    """The pool already has an account with this email address."""


@dataclass(frozen=True)
class StaffAccount:
    username: str  # the pool's user name (a UUID where people sign in with their email): the admin pages' id for it
    email: str
    enabled: bool
    status: str  # Cognito's: FORCE_CHANGE_PASSWORD until the invited person first signs in, then CONFIRMED
    roles: frozenset[Role]
    teams: frozenset[str]
    created_at: datetime | None = None
    authenticator: bool | None = None  # whether an authenticator app is set up (known only when the account is read alone)

    @property
    def invited(self) -> bool:
        return self.status == "FORCE_CHANGE_PASSWORD"


def _email(attributes: list[dict[str, str]]) -> str:
    return next((attribute["Value"].lower() for attribute in attributes if attribute["Name"] == "email"), "")


def council_groups_of(council: CouncilConfig) -> dict[str, tuple[str, Role | str]]:
    """Every group of the council: name -> ("role", Role) or ("team", team key)."""
    return {**{council_group(council.code, role): ("role", role) for role in Role},
            **{team_group(council.code, team): ("team", team) for team in council.team_keys}}


def groups_for(council: CouncilConfig, roles: Iterable[Role], teams: Iterable[str]) -> set[str]:
    return {council_group(council.code, role) for role in roles} | {team_group(council.code, team) for team in teams}


class StaffAccounts:
    def __init__(self, cognito: Any, user_pool_id: str):
        self._cognito = cognito
        self._pool = user_pool_id

    def of_council(self, council: CouncilConfig) -> list[StaffAccount]:
        """The council's staff (ListUsersInGroup on each of its groups), by email; disabled and invited accounts too."""
        found: dict[str, dict[str, Any]] = {}
        held: dict[str, set[str]] = {}
        for group in council_groups_of(council):
            for user in self._members(group):
                found[user["Username"]] = user
                held.setdefault(user["Username"], set()).add(group)
        accounts = [self._account(user, held[name], council) for name, user in found.items()]
        return sorted(accounts, key=lambda account: account.email)

    def find(self, council: CouncilConfig, username: str) -> StaffAccount | None:
        """The account, if it is the council's (AdminGetUser, AdminListGroupsForUser); None otherwise."""
        try:
            user = self._cognito.admin_get_user(UserPoolId=self._pool, Username=username)
        except (self._cognito.exceptions.UserNotFoundException, self._cognito.exceptions.InvalidParameterException):
            return None
        pages = self._cognito.get_paginator("admin_list_groups_for_user").paginate(UserPoolId=self._pool, Username=username)
        groups = {group["GroupName"] for page in pages for group in page["Groups"]}
        if not groups or not groups <= council_groups_of(council).keys():
            return None
        return StaffAccount(
            username=user["Username"], email=_email(user.get("UserAttributes", [])), enabled=user.get("Enabled", True),
            status=user.get("UserStatus", ""), **self._split(groups, council),
            created_at=user.get("UserCreateDate"), authenticator="SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", []),
        )

    def invite(self, email: str, groups: set[str]) -> str:
        """A new account for `email` in `groups`; Cognito makes a temporary password and emails it with the invitation
        (valid for the pool's temporary password days). Returns the account's user name."""
        try:
            created = self._cognito.admin_create_user(
                UserPoolId=self._pool, Username=email, DesiredDeliveryMediums=["EMAIL"],
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
            )
        except self._cognito.exceptions.UsernameExistsException:
            raise AccountExists(email) from None
        username = created["User"]["Username"]
        for group in sorted(groups):
            self._cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)
        return username

    def set_groups(self, account: StaffAccount, council: CouncilConfig, groups: set[str]) -> None:
        """Add and remove only the council's groups, so that the account is in exactly `groups` of them."""
        held = groups_for(council, account.roles, account.teams)
        for group in sorted(groups - held):
            self._cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=account.username, GroupName=group)
        for group in sorted(held - groups):
            self._cognito.admin_remove_user_from_group(UserPoolId=self._pool, Username=account.username, GroupName=group)

    def disable(self, account: StaffAccount) -> None:
        self._cognito.admin_disable_user(UserPoolId=self._pool, Username=account.username)

    def enable(self, account: StaffAccount) -> None:
        self._cognito.admin_enable_user(UserPoolId=self._pool, Username=account.username)

    def reset_authenticator(self, account: StaffAccount) -> None:
        """Turn off the account's authenticator app (AdminSetUserMFAPreference): the pool requires MFA, so Cognito asks
        the person to set up an app again at their next sign-in."""
        self._cognito.admin_set_user_mfa_preference(
            UserPoolId=self._pool, Username=account.username, SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False})

    def _members(self, group: str) -> list[dict[str, Any]]:
        pages = self._cognito.get_paginator("list_users_in_group").paginate(UserPoolId=self._pool, GroupName=group)
        try:
            return [user for page in pages for user in page["Users"]]
        except self._cognito.exceptions.ResourceNotFoundException:  # a group not made yet (a team added since the deploy)
            return []

    def _account(self, user: dict[str, Any], groups: set[str], council: CouncilConfig) -> StaffAccount:
        return StaffAccount(
            username=user["Username"], email=_email(user.get("Attributes", [])), enabled=user.get("Enabled", True),
            status=user.get("UserStatus", ""), **self._split(groups, council), created_at=user.get("UserCreateDate"),
        )

    @staticmethod
    def _split(groups: set[str], council: CouncilConfig) -> dict[str, Any]:
        """The roles and teams the council's groups among `groups` give."""
        known = council_groups_of(council)
        kinds = [known[group] for group in groups if group in known]
        return {"roles": frozenset(value for kind, value in kinds if kind == "role"),
                "teams": frozenset(value for kind, value in kinds if kind == "team")}
