"""Who may be a partner of a council's Family Front Door, who a signed-in partner is, and the admin's changes.

`admit` is the pre-sign-up trigger's rule and the sign-in's: the council must run the Family Front Door and the
email's domain must be on its allow-list; the domain's agency is the partner's (and its permissions theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from shared.core.domain.council import CouncilRegistry
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.adapters.partner_accounts import PoolRefused
from shared.services.family_front_door.adapters.partner_directory import AllowListRefused, PartnerDirectory
from shared.services.family_front_door.domain.agencies import Agency, email_domain
from shared.services.family_front_door.domain.partners import Partner, PartnerAccount


class PartnerRefused(Exception):
    """The message is safe to show to the person registering or signing in."""


def admit(email: str, council_code: str | None, councils: CouncilRegistry,
          directory_for: Callable[[str], PartnerDirectory]) -> Agency:
    """The agency whose staff this email admits to the council's portal; PartnerRefused saying why not."""
    council = councils.get(council_code) if council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise PartnerRefused("Choose the council you work with: this one does not take partner registrations")
    domain = email_domain(email)
    if domain is None:
        raise PartnerRefused("Enter your work email address, like name@school.example.sch.uk")
    agency = directory_for(council.code).agency_for_domain(domain)
    if agency is None:
        raise PartnerRefused(
            f"{council.name} has not approved email addresses ending @{domain}. Register with your work email address "
            "at an approved agency, or ask the council's Family Front Door to approve your agency")
    return agency


def signed_in_partner(claims: dict, councils: CouncilRegistry, directory_for: Callable[[str], PartnerDirectory]) -> Partner:
    """The partner an ID token of the partner pool names, with the agency the allow-list gives them now."""
    # A partner may change their own email in the pool (UpdateUserAttributes): until they prove the new address it is
    # unverified, and its domain must not admit them to another agency. (The session's account check passes no such
    # claim: it re-checks the address this check admitted at sign-in.)
    if claims.get("email_verified") in (False, "false"):
        raise PartnerRefused("Your email address is not confirmed: ask the council's Family Front Door to check your account")
    email = str(claims.get("email") or "").lower()
    council_code = str(claims.get("custom:council") or "")
    agency = admit(email, council_code, councils, directory_for)
    return Partner(user_id=str(claims.get("sub") or email), email=email, name=str(claims.get("name") or email),
                   council_code=council_code, agency=agency)


def first_sign_in(partner: Partner, directory: PartnerDirectory, now: datetime) -> None:
    """The council keeps each partner's account from their first sign-in, for its admins' list."""
    directory.record_account(PartnerAccount(email=partner.email, name=partner.name, agency_id=partner.agency.agency_id,
                                            first_signed_in=now))


class AccountSwitch(Protocol):
    """The partner user pool's disable and enable (adapters/partner_accounts.py); PoolRefused when a call fails.
    Both are idempotent: disabling a disabled account changes nothing."""

    def disable(self, email: str) -> None: ...

    def enable(self, email: str) -> None: ...


class SwitchIncomplete(Exception):
    """A suspension or re-enabling stopped part-way: the message says what is true now, for the admin."""


# The user pool decides whether a partner can sign in (the portal's account check asks it); the record is the
# council's audited account of the decision. Each change is ordered so that a failure at either step leaves the
# partner locked out rather than the record saying so while they are not ("fail closed").


def suspend(email: str, directory: PartnerDirectory, pool: AccountSwitch, actor: str, now: datetime) -> None:
    """Suspend a partner of this council (AllowListRefused for another council's partner or one suspended already):
    the user pool first, which ends their sign-ins and, at the next account check, their session; then the audited
    record. If the record cannot be written the account stays disabled and the message says so: suspending again
    records it (the disable is idempotent)."""
    _account_of_this_council(email, directory, suspended=False)
    try:
        pool.disable(email)
    except PoolRefused as refused:
        raise SwitchIncomplete(f"{email} is not suspended: the user pool did not disable the account ({refused}). Nothing "
                               "was changed: try again") from refused
    try:
        directory.set_suspended(email, True, actor, now)
    except AllowListRefused:
        raise  # suspended meanwhile by someone else: disabled and recorded, which is what was asked
    except (ClientError, BotoCoreError) as error:  # throttled, denied, timed out: the same true state to report
        raise SwitchIncomplete(f"{email}'s account is disabled, so they cannot sign in, but the suspension could not be "
                               "recorded: select Suspend again to record it") from error


def enable(email: str, directory: PartnerDirectory, pool: AccountSwitch, actor: str, now: datetime) -> None:
    """Re-enable a suspended partner of this council: the user pool, then the audited record. If the record cannot be
    written the account is disabled again, so it never signs in while the record says suspended."""
    _account_of_this_council(email, directory, suspended=True)
    try:
        pool.enable(email)
    except PoolRefused as refused:
        raise SwitchIncomplete(f"{email} is still suspended: the user pool did not enable the account ({refused}). "
                               "Try again") from refused
    try:
        directory.set_suspended(email, False, actor, now)
    except AllowListRefused:
        raise  # re-enabled meanwhile by someone else: enabled and recorded
    except (ClientError, BotoCoreError) as error:  # undo the enable, then say what is true
        try:
            pool.disable(email)
        except PoolRefused:
            raise SwitchIncomplete(f"{email}'s account is enabled but the record still says suspended, and it could not "
                                   "be disabled again: select Re-enable again, or Suspend if they should not sign in") from error
        raise SwitchIncomplete(f"{email} is still suspended: the change could not be recorded, so the account was "
                               "disabled again. Try again") from error


def _account_of_this_council(email: str, directory: PartnerDirectory, suspended: bool) -> None:
    """Only a partner whose account this council keeps is switched (checked before the user pool is touched)."""
    account = directory.account(email)
    if account is None:
        raise AllowListRefused(f"{email} is not a partner of this council")
    if account.suspended is not suspended:
        raise AllowListRefused(f"{email} was {'suspended' if account.suspended else 'enabled'} already: reload the page")
