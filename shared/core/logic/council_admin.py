"""What a council admin does: manage the council's staff accounts and change the council's settings, each action
audited in the council's table (who, when, what). A council admin reaches only their own council: the accounts are
looked up through the council (StaffAccounts.find), and the groups given are built from the council's own code."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from shared.core.adapters.council_admin_records import CouncilAdminRecords
from shared.core.adapters.staff_accounts import AccountExists, StaffAccount, StaffAccounts, groups_for
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.domain.council_settings import StoredSettings, changed_from, editable_values, overlay
from shared.core.domain.formats import Email
from shared.core.logic.tenancy import Caller
from shared.resources import ROLE_NAMES, Role

if TYPE_CHECKING:
    from shared.core.domain.services import ServiceRegistry

_EMAIL = TypeAdapter(Email)


class AdminRefused(ValueError):
    """Bad input for an admin action: `field` is the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def staff_subject(email: str) -> str:
    """How the audit names a staff account (AuditEntry.case_id): by the email the person signs in with."""
    return f"STAFF#{email.lower()}"


def chosen_access(council: CouncilConfig, roles: Iterable[str], teams: Iterable[str]) -> tuple[frozenset[Role], frozenset[str]]:
    """The roles and teams picked on a form, each one of this council's: anything else (another council's group, the
    national administrators', a made-up role) is refused, naming it."""
    roles, teams = list(roles), list(teams)
    for value in roles:
        if value not in Role._value2member_map_:
            raise AdminRefused("roles", f"{value!r} is not a role here (the roles are {', '.join(ROLE_NAMES.values())})")
    for value in teams:
        if value not in council.team_keys:
            raise AdminRefused("teams", f"{value!r} is not one of {council.name}'s teams")
    if not roles:
        raise AdminRefused("roles", "Select at least one role (to stop someone signing in, disable their account)")
    return frozenset(Role(value) for value in roles), frozenset(teams)


def _access(roles: Iterable[Role], teams: Iterable[str]) -> dict[str, Any]:
    return {"roles": sorted(role.value for role in roles), "teams": sorted(teams)}


class StaffAdmin:
    """One council admin acting on their council's staff accounts."""

    def __init__(self, council: CouncilConfig, accounts: StaffAccounts, records: CouncilAdminRecords, admin: Caller):
        if admin.council_code != council.code or not admin.has_any(Role.COUNCIL_ADMIN):
            raise PermissionError("only the council's own council admins manage its staff")
        self.council = council
        self._accounts = accounts
        self._records = records
        self._admin = admin

    def staff(self) -> list[StaffAccount]:
        return self._accounts.of_council(self.council)

    def account(self, username: str) -> StaffAccount | None:
        return self._accounts.find(self.council, username)

    def invite(self, email: str, roles: Iterable[str], teams: Iterable[str], now: datetime) -> str:
        email = email.strip().lower()
        if not email:
            raise AdminRefused("email", "Enter the email address of the person to invite")
        try:
            _EMAIL.validate_python(email)
        except ValidationError:
            raise AdminRefused("email", "Enter an email address in the correct format, like name@council.gov.uk") from None
        given_roles, given_teams = chosen_access(self.council, roles, teams)
        try:
            username = self._accounts.invite(email, groups_for(self.council, given_roles, given_teams))
        except AccountExists:
            raise AdminRefused("email", "There is already an account with this email address") from None
        self._audit(email, "STAFF_INVITED", now, after=_access(given_roles, given_teams))
        return username

    def set_access(self, account: StaffAccount, roles: Iterable[str], teams: Iterable[str], now: datetime) -> None:
        given_roles, given_teams = chosen_access(self.council, roles, teams)
        if account.email == self._admin.user.lower() and Role.COUNCIL_ADMIN not in given_roles:
            raise AdminRefused("roles", "You cannot remove your own council administrator role: ask another council administrator")
        before, after = _access(account.roles, account.teams), _access(given_roles, given_teams)
        if before == after:
            raise AdminRefused("roles", "Change at least one role or team before saving")
        self._accounts.set_groups(account, self.council, groups_for(self.council, given_roles, given_teams))
        self._audit(account.email, "STAFF_ACCESS_CHANGED", now, before=before, after=after)

    def disable(self, account: StaffAccount, now: datetime) -> None:
        if account.email == self._admin.user.lower():
            raise AdminRefused("account", "You cannot disable your own account: ask another council administrator")
        self._accounts.disable(account)
        self._audit(account.email, "STAFF_DISABLED", now, before={"enabled": account.enabled}, after={"enabled": False})

    def enable(self, account: StaffAccount, now: datetime) -> None:
        self._accounts.enable(account)
        self._audit(account.email, "STAFF_ENABLED", now, before={"enabled": account.enabled}, after={"enabled": True})

    def reset_authenticator(self, account: StaffAccount, now: datetime) -> None:
        self._accounts.reset_authenticator(account)
        self._audit(account.email, "STAFF_MFA_RESET", now, before={"authenticator": account.authenticator}, after={"authenticator": False})

    def _audit(self, email: str, action: str, now: datetime, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        self._records.audit(AuditEntry(case_id=staff_subject(email), at=now, actor=self._admin.actor, action=action,
                                       before=before, after=after))


# ---------------------------------------------------------------- the council's settings
def _flat(values: Any, prefix: str = "") -> dict[str, Any]:
    """Each value by its dotted path; a list of objects (a service's levels, its directory's entries) by position, so that
    the audit names the one value changed in it."""
    if isinstance(values, list) and values and all(isinstance(item, dict) for item in values):
        values = dict(enumerate(values))
    if isinstance(values, dict) and values:
        return {path: value for key, inner in values.items() for path, value in _flat(inner, f"{prefix}{key}.").items()}
    return {prefix.rstrip("."): values}


def save_settings(records: CouncilAdminRecords, deployed: CouncilConfig, current: CouncilConfig, edits: dict[str, Any],
                  expected_version: int, admin: Caller, now: datetime, services: ServiceRegistry) -> StoredSettings:
    """Store the council's settings with `edits` (some editable values, in the changes' shape) over `current`: only what
    differs from the deployment entry is kept, validated over it by the same models (CouncilSettingsInvalid naming the
    field), written only if the stored version is still `expected_version` (SettingsChangedMeanwhile), and audited
    with each changed value before and after."""
    if admin.council_code != deployed.code or not admin.has_any(Role.COUNCIL_ADMIN):
        raise PermissionError("only the council's own council admins change its settings")
    values = editable_values(current)
    proposed = {**values, **{key: value for key, value in edits.items() if key != "services"},
                "services": {key: {**fields, **edits.get("services", {}).get(key, {})} for key, fields in values["services"].items()}}
    changes = changed_from(deployed, proposed)
    overlay(deployed, changes, services)  # refuses what the deployment config could not hold
    before, after = _flat(values), _flat(proposed)
    # A removal too (e.g. of an email's own wording), but not an empty object becoming its first entry's path.
    changed = sorted(path for path in before.keys() | after.keys()
                     if after.get(path) != before.get(path) and not {_shape(before.get(path)), _shape(after.get(path))} <= {"none"})
    return records.save_settings(changes, expected_version, admin.actor, now,
                                 before={path: before.get(path) for path in changed}, after={path: after.get(path) for path in changed})


def _shape(value: Any) -> str:
    return "none" if value is None or value == {} else "value"


class LiveCouncils(CouncilRegistry):
    """The deployment's councils (which exist, which services they run), each read as it is now through `now`: its
    deployment entry with the settings its council admin stored over it. Every read of a council's settings goes
    through here (bootstrap.councils()), so a change is in effect from the next read."""

    def __init__(self, deployed: CouncilRegistry, now: Callable[[CouncilConfig], CouncilConfig]):
        super().__init__(list(deployed))
        self._now = now

    def deployed(self, code: str) -> CouncilConfig | None:
        """The council as the deployment configuration has it, without its admin's settings."""
        return super().get(code)

    def get(self, code: str) -> CouncilConfig | None:
        council = super().get(code)
        return self._now(council) if council is not None else None

    def __iter__(self) -> Iterator[CouncilConfig]:
        return (self._now(council) for council in super().__iter__())
