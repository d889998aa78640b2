"""Who may be a partner of a council's Family Front Door, who a signed-in partner is, and the admin's changes.

`admit` is the pre-sign-up trigger's rule and the sign-in's: the council must run the Family Front Door and the
email's domain must be on its allow-list; the domain's agency is the partner's (and its permissions theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from shared.core.domain.council import CouncilRegistry
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.adapters.partner_directory import PartnerDirectory
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
    """The partner user pool's disable and enable (adapters/partner_accounts.py)."""

    def disable(self, email: str) -> None: ...

    def enable(self, email: str) -> None: ...


def suspend(email: str, directory: PartnerDirectory, pool: AccountSwitch, actor: str, now: datetime) -> None:
    """Suspend a partner of this council: the account record first (audited; refused for another council's partner),
    then the user pool, which ends their sign-ins and, at the next account check, their session."""
    directory.set_suspended(email, True, actor, now)
    pool.disable(email)


def enable(email: str, directory: PartnerDirectory, pool: AccountSwitch, actor: str, now: datetime) -> None:
    directory.set_suspended(email, False, actor, now)
    pool.enable(email)
