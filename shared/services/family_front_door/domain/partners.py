"""A partner professional: who they are in the portal, and their account as the council admin sees it.

A partner belongs to one council (the one they registered with: the immutable `custom:council` attribute, checked at
sign-up against that council's allow-list) and to the agency their email domain admits them to. Their permissions are
the agency's, read from the allow-list at sign-in and at every account check, never from the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.services.family_front_door.domain.agencies import Agency, PartnerPermission
from shared.services.family_front_door.domain.submission import Submitter


@dataclass(frozen=True)
class Partner:
    """A signed-in partner professional."""

    user_id: str  # the user pool's `sub`: stable, whatever the email
    email: str
    name: str
    council_code: str
    agency: Agency

    def may(self, permission: PartnerPermission) -> bool:
        return self.agency.may(permission)

    @property
    def actor(self) -> str:
        """How the audit trail names a partner (staff are "user:<email>")."""
        return f"partner:{self.email}"

    def submitter(self, role: str | None = None, phone: str | None = None) -> Submitter:
        return Submitter(user_id=self.user_id, email=self.email, name=self.name, agency_id=self.agency.agency_id,
                         agency_name=self.agency.name, role=role, phone=phone)


class PartnerAccount(BaseModel):
    """A partner's account as the council keeps it (recorded at their first sign-in), for the admin's list."""

    model_config = ConfigDict(frozen=True)

    email: str
    name: str
    agency_id: str
    first_signed_in: datetime
    suspended: bool = False


class PartnerAdminAction(StrEnum):
    """What the audit trail of the allow-list and the partner accounts records."""

    AGENCY_SAVED = "PARTNER_AGENCY_SAVED"
    DOMAIN_ALLOWED = "PARTNER_DOMAIN_ALLOWED"
    DOMAIN_REMOVED = "PARTNER_DOMAIN_REMOVED"
    ACCOUNT_SUSPENDED = "PARTNER_ACCOUNT_SUSPENDED"
    ACCOUNT_ENABLED = "PARTNER_ACCOUNT_ENABLED"
