"""The council's approved partner agencies and the email domains that admit their staff to the portal.

A partner professional's email domain decides their agency, and the agency their permissions: a council admin keeps
the allow-list (a domain -> an agency) and each agency's permissions, and the portal reads them afresh at sign-up,
sign-in and every account check, so a removed domain or a changed permission takes effect within minutes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.core.domain.formats import Text

AGENCY_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"  # as the Submitter's agency_id
# A registrable domain name: labels of letters, digits and hyphens, at least one dot, no leading or trailing hyphen.
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Public webmail: never one agency's, so never on an allow-list (anyone can have an address there).
PUBLIC_EMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com", "live.co.uk",
    "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "protonmail.com", "proton.me", "btinternet.com",
})


class DomainRefused(ValueError):
    """The message says what is wrong with the domain, in words for the page."""


def normalise_domain(value: str) -> str:
    """A domain as the allow-list keeps it: lower case, without a leading "@" or a trailing dot."""
    domain = value.strip().lower().removeprefix("@").rstrip(".")
    if not _DOMAIN.match(domain):
        raise DomainRefused("Enter a domain like school.example.sch.uk, without the part before the @")
    if domain in PUBLIC_EMAIL_DOMAINS:
        raise DomainRefused(f"{domain} is a public email service: anyone can have an address there, so it cannot admit an agency")
    return domain


def email_domain(email: str) -> str | None:
    """The domain of an email address, as the allow-list keeps it; None when it is not an email address."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local:
        return None
    try:
        return normalise_domain(domain)
    except DomainRefused:
        return None


Domain = Annotated[str, AfterValidator(normalise_domain)]


class AgencyKind(StrEnum):
    SCHOOL = "SCHOOL"
    EARLY_YEARS = "EARLY_YEARS"
    GP_PRACTICE = "GP_PRACTICE"
    HOSPITAL = "HOSPITAL"
    HEALTH_VISITING = "HEALTH_VISITING"
    POLICE = "POLICE"
    PROBATION = "PROBATION"
    HOUSING = "HOUSING"
    CHARITY = "CHARITY"
    OTHER = "OTHER"


class PartnerPermission(StrEnum):
    """Which forms an agency's staff may send. (Whether colleagues see each other's submissions is the council's policy:
    FamilyFrontDoorSettings.colleagues_see_agency_submissions.)"""

    CAUSE_FOR_CONCERN = "CAUSE_FOR_CONCERN"  # raise a cause for concern
    INFORMATION_REQUEST = "INFORMATION_REQUEST"  # ask for information about a child known to the council


PERMISSION_NAMES = {
    PartnerPermission.CAUSE_FOR_CONCERN: "Raise a cause for concern",
    PartnerPermission.INFORMATION_REQUEST: "Request information about a child",
}
DEFAULT_PERMISSIONS = frozenset(PartnerPermission)


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    agency_id: Annotated[str, Field(pattern=AGENCY_ID_PATTERN)]
    name: Text
    kind: AgencyKind
    permissions: frozenset[PartnerPermission] = DEFAULT_PERMISSIONS

    def may(self, permission: PartnerPermission) -> bool:
        return permission in self.permissions


class AllowedDomain(BaseModel):
    """One entry of the allow-list: an email domain and the agency it admits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: Domain
    agency_id: Annotated[str, Field(pattern=AGENCY_ID_PATTERN)]


class AllowList(BaseModel):
    """A council's agencies and the domains that admit each (the admin page shows them together)."""

    model_config = ConfigDict(frozen=True)

    agencies: tuple[Agency, ...] = ()
    domains: tuple[AllowedDomain, ...] = ()

    def agency(self, agency_id: str) -> Agency | None:
        return next((agency for agency in self.agencies if agency.agency_id == agency_id), None)

    def domains_of(self, agency_id: str) -> list[str]:
        return sorted(entry.domain for entry in self.domains if entry.agency_id == agency_id)
