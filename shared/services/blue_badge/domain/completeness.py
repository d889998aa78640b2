"""What an application still lacks before a decision can be made (domain notes: "A complete application")."""

from __future__ import annotations

from enum import StrEnum

from shared.services.blue_badge.domain.application import (
    Address,
    Application,
    ApplicationType,
    Channel,
    EligibilityCode,
    EvidenceType,
    Party,
    ReplaceReason,
)
from shared.core.domain.council import CouncilConfig
from shared.core.domain.case import MissingItem as CoreMissingItem
from shared.core.domain.formats import is_valid_nino, is_valid_postcode
from shared.services.blue_badge.domain.pip import application_pip_points
from shared.services.blue_badge.domain.settings import FeeTiming, badge_settings


class MissingCode(StrEnum):
    HOLDER_NAME = "HOLDER_NAME"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    ADDRESS = "ADDRESS"
    POSTCODE = "POSTCODE"
    NINO = "NINO"
    ELIGIBILITY_CODE = "ELIGIBILITY_CODE"
    AWARD_DATES = "AWARD_DATES"
    PROOF_OF_ELIGIBILITY = "PROOF_OF_ELIGIBILITY"
    WALKING_DETAILS = "WALKING_DETAILS"
    ARMS_DETAILS = "ARMS_DETAILS"
    CHILD_EQUIPMENT = "CHILD_EQUIPMENT"
    PROOF_OF_IDENTITY = "PROOF_OF_IDENTITY"
    PROOF_OF_ADDRESS = "PROOF_OF_ADDRESS"
    PHOTO = "PHOTO"
    FEE = "FEE"
    CONTACT = "CONTACT"
    ORGANISATION_ADDRESS = "ORGANISATION_ADDRESS"
    PIP_POINTS = "PIP_POINTS"
    CRIME_REFERENCE = "CRIME_REFERENCE"
    REPLACE_REASON = "REPLACE_REASON"
    RECENT_PIP_AWARD_LETTER = "RECENT_PIP_AWARD_LETTER"  # asked for at the proof check when the letter is too old


# Plain-English names, used in caseworker views and in the applicant's missing-information email.
DESCRIPTIONS: dict[MissingCode, str] = {
    MissingCode.HOLDER_NAME: "The badge holder's full name (forenames and surname)",
    MissingCode.DATE_OF_BIRTH: "The badge holder's date of birth",
    MissingCode.ADDRESS: "The badge holder's home address",
    MissingCode.POSTCODE: "A valid UK postcode for the home address",
    MissingCode.NINO: "A valid National Insurance number (needed for a benefit-based application)",
    MissingCode.ELIGIBILITY_CODE: "The reason for applying (which eligibility criterion applies)",
    MissingCode.AWARD_DATES: "The start and end dates of the benefit award",
    MissingCode.PROOF_OF_ELIGIBILITY: "Proof of eligibility, such as the benefit award letter",
    MissingCode.WALKING_DETAILS: "How the condition affects walking (difficulties, distance, aids)",
    MissingCode.ARMS_DETAILS: "Whether the holder drives regularly and how their arms are affected",
    MissingCode.CHILD_EQUIPMENT: "The medical equipment the child must always have with them",
    MissingCode.PROOF_OF_IDENTITY: "Proof of identity",
    MissingCode.PROOF_OF_ADDRESS: "Proof of address",
    MissingCode.PHOTO: "A recent passport-style photo of the badge holder",
    MissingCode.FEE: "Payment of the badge fee",
    MissingCode.CONTACT: "An email address or phone number to contact the applicant",
    MissingCode.ORGANISATION_ADDRESS: "The organisation's address with a valid UK postcode",
    MissingCode.PIP_POINTS: "The PIP points awarded for moving around, and for planning and following journeys (with the descriptor), as on the award letter",
    MissingCode.CRIME_REFERENCE: "The crime reference number the police gave when the stolen badge was reported",
    MissingCode.REPLACE_REASON: "Why the badge is being replaced: lost, stolen, damaged or never delivered",
    MissingCode.RECENT_PIP_AWARD_LETTER: "A PIP award letter dated within the last 12 months",
}


class MissingItem(CoreMissingItem):
    code: MissingCode

    @classmethod
    def of(cls, code: MissingCode) -> MissingItem:
        return cls(code=code, description=DESCRIPTIONS[code])


def missing_items(application: Application, council: CouncilConfig) -> list[MissingItem]:
    """List, in a stable order, everything needed before a decision can be made."""
    if application.application_type is ApplicationType.CANCEL:
        return []  # a cancellation needs only the badge number and reason, which the schema requires
    codes: list[MissingCode] = []
    if application.party is Party.PERSON:
        codes += _person_gaps(application)
    else:
        codes += _organisation_gaps(application)
    contact = application.contact
    if not (contact is not None and (contact.email or contact.phone)) and postal_address(application) is None:
        codes.append(MissingCode.CONTACT)  # a letter reaches an applicant with a postal address
    if application.application_type is not ApplicationType.REPLACE:
        codes += _eligibility_gaps(application)
    elif stolen_without_crime_reference(application):
        codes.append(MissingCode.CRIME_REFERENCE)
    if application.application_type is ApplicationType.REPLACE and application.replace_reason is None:
        codes.append(MissingCode.REPLACE_REASON)  # the national format carries none (domain/national.py)
    if badge_settings(council).charges_fee and badge_settings(council).fee_taken_on is FeeTiming.APPLICATION and not fee_paid(application, council):
        codes.append(MissingCode.FEE)
    return [MissingItem.of(code) for code in codes]


def postal_address(application: Application) -> Address | None:
    """Where a letter reaches the applicant: the organisation's address, or the badge holder's, when it has a first
    line and a valid UK postcode; None otherwise."""
    party = application.organisation if application.party is Party.ORG else application.holder
    address = party.address if party is not None else None
    if address is None or not address.line1 or not address.postcode or not is_valid_postcode(address.postcode):
        return None
    return address


def _person_gaps(application: Application) -> list[MissingCode]:
    holder = application.holder
    gaps: list[MissingCode] = []
    if holder is None or not (holder.forenames and holder.surname):
        gaps.append(MissingCode.HOLDER_NAME)
    if holder is None or holder.date_of_birth is None:
        gaps.append(MissingCode.DATE_OF_BIRTH)
    address = holder.address if holder else None
    if address is None or not (address.line1 and address.town):
        gaps.append(MissingCode.ADDRESS)
    if address is None or not address.postcode or not is_valid_postcode(address.postcode):
        gaps.append(MissingCode.POSTCODE)
    for evidence_type in documents_needed(application.application_type, application.party, None):
        if not application.has_document(evidence_type):
            gaps.append(DOCUMENT_CODES[evidence_type])
    return gaps


DOCUMENT_CODES = {
    EvidenceType.PROOF_ID: MissingCode.PROOF_OF_IDENTITY,
    EvidenceType.PROOF_ADD: MissingCode.PROOF_OF_ADDRESS,
    EvidenceType.PHOTO: MissingCode.PHOTO,
    EvidenceType.PROOF_ELIG: MissingCode.PROOF_OF_ELIGIBILITY,
}


def documents_needed(application_type: ApplicationType, party: Party, route: EligibilityCode | None) -> list[EvidenceType]:
    """The documents an application of this type, party and route must come with (route None: those every route needs)."""
    if application_type is ApplicationType.CANCEL or party is Party.ORG:
        return []
    needed = [] if application_type is ApplicationType.REPLACE else [EvidenceType.PROOF_ID, EvidenceType.PROOF_ADD]
    needed.append(EvidenceType.PHOTO)  # a new badge is printed for a replacement too
    if route is not None and route.is_automatic and application_type is not ApplicationType.REPLACE:
        needed.append(EvidenceType.PROOF_ELIG)
    return needed


def _organisation_gaps(application: Application) -> list[MissingCode]:
    organisation = application.organisation
    address = organisation.address if organisation else None
    if address is None or not address.line1 or not address.postcode or not is_valid_postcode(address.postcode):
        return [MissingCode.ORGANISATION_ADDRESS]
    return []


def _eligibility_gaps(application: Application) -> list[MissingCode]:
    eligibility = application.eligibility
    if application.party is Party.ORG:
        return []  # organisations are judged on the people they carry, not a personal criterion
    if eligibility is None:
        return [MissingCode.ELIGIBILITY_CODE]
    code = eligibility.code
    gaps: list[MissingCode] = []
    if code.is_benefit_route:
        holder = application.holder
        if holder is None or not holder.nino or not is_valid_nino(holder.nino):
            gaps.append(MissingCode.NINO)
        award = eligibility.benefit
        if award is None or award.award_start is None or (award.award_end is None and not award.indefinite):
            gaps.append(MissingCode.AWARD_DATES)
    if EvidenceType.PROOF_ELIG in documents_needed(application.application_type, application.party, code) \
            and not application.has_document(EvidenceType.PROOF_ELIG):
        gaps.append(MissingCode.PROOF_OF_ELIGIBILITY)
    pip_points = application_pip_points(application)
    # The national form offers PIP only to people who declare qualifying points (checked at the proof check); an
    # application keyed in by staff or sent by another channel must say the points, so it can be routed by them.
    if pip_points is not None and not pip_points.given and application.channel is not Channel.ONLINE:
        gaps.append(MissingCode.PIP_POINTS)
    if code is EligibilityCode.WALKD and (eligibility.walking is None or not eligibility.walking.difficulties):
        gaps.append(MissingCode.WALKING_DETAILS)
    if code is EligibilityCode.ARMS and eligibility.arms is None:
        gaps.append(MissingCode.ARMS_DETAILS)
    if code is EligibilityCode.CHILDBULK and (eligibility.child is None or not eligibility.child.bulky_equipment):
        gaps.append(MissingCode.CHILD_EQUIPMENT)
    return gaps


def stolen_without_crime_reference(application: Application) -> bool:
    """A stolen badge is replaced only with the crime reference, whichever way the request came in."""
    return (application.application_type is ApplicationType.REPLACE and application.replace_reason is ReplaceReason.STOLE
            and not application.crime_reference)


def fee_applies(application_type: ApplicationType, council: CouncilConfig) -> bool:
    """Whether the council's fee applies to this type of application: to a replacement only where the council charges
    again for one (its replacement_fee)."""
    return application_type != ApplicationType.REPLACE or badge_settings(council).replacement_fee


def fee_for(application: Application, council: CouncilConfig) -> int:
    """The council's fee is per badge: an organisation ordering several pays for each (fee_applies: which types pay)."""
    if not fee_applies(application.application_type, council):
        return 0
    return badge_settings(council).badge_fee_pence * application.badges_wanted


def fee_paid(application: Application, council: CouncilConfig) -> bool:
    """Paid in full, or nothing is due."""
    due = fee_for(application, council)
    payment = application.payment
    return due == 0 or (payment is not None and payment.paid and payment.amount_pence >= due)
