"""The application as the national online service and the paper/phone forms carry it.

Schema errors (wrong types, unknown codes, impossible dates) make an application *malformed*: it
is parked with the reasons. Gaps in content (no photo, no NI number) make it *incomplete*: it
becomes a case and the completeness check lists what is missing.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.core.domain.council import COUNCIL_CODE_PATTERN
from shared.core.domain.formats import Email, LongText, OneLine, Text, normalise_nino, normalise_postcode
from shared.core.domain.uploads import FileFormat

BADGE_NUMBER_PATTERN = r"^[0-9A-HJK]{6}$"


class ApplicationType(StrEnum):
    NEW = "NEW"
    RENEW = "RENEW"
    REPLACE = "REPLACE"
    CANCEL = "CANCEL"


class Party(StrEnum):
    PERSON = "PERSON"
    ORG = "ORG"


class Channel(StrEnum):
    ONLINE = "ONLINE"
    PAPER = "PAPER"
    PHONE = "PHONE"
    INPERSON = "INPERSON"


class EligibilityCode(StrEnum):
    PIP = "PIP"
    DLA = "DLA"
    AFRFCS = "AFRFCS"
    WPMS = "WPMS"
    BLIND = "BLIND"
    WALKD = "WALKD"
    ARMS = "ARMS"
    CHILDBULK = "CHILDBULK"
    CHILDVEHIC = "CHILDVEHIC"
    COGNITIVE = "COGNITIVE"
    TRAF_RISK = "TRAF_RISK"

    @property
    def is_automatic(self) -> bool:
        return self in AUTOMATIC_ROUTES

    @property
    def is_benefit_route(self) -> bool:
        return self in BENEFIT_ROUTES

    @property
    def words(self) -> str:
        """The route as staff name it on pages (the code stays where they search by it)."""
        return ROUTE_NAMES[self]


AUTOMATIC_ROUTES = frozenset({EligibilityCode.PIP, EligibilityCode.DLA, EligibilityCode.AFRFCS, EligibilityCode.WPMS, EligibilityCode.BLIND})
# Routes proved by an award from DWP/MoD: these need an NI number and award dates.
BENEFIT_ROUTES = frozenset({EligibilityCode.PIP, EligibilityCode.DLA, EligibilityCode.AFRFCS, EligibilityCode.WPMS})
CHILD_ROUTES = frozenset({EligibilityCode.CHILDBULK, EligibilityCode.CHILDVEHIC})
ROUTE_NAMES = {
    EligibilityCode.PIP: "PIP", EligibilityCode.DLA: "DLA", EligibilityCode.AFRFCS: "Armed Forces Compensation Scheme",
    EligibilityCode.WPMS: "War Pensioners' Mobility Supplement", EligibilityCode.BLIND: "Blind or partially sighted",
    EligibilityCode.WALKD: "Walking difficulty", EligibilityCode.ARMS: "Severe disability in both arms",
    EligibilityCode.CHILDBULK: "Child under 3 with bulky medical equipment",
    EligibilityCode.CHILDVEHIC: "Child under 3 who must be kept near a vehicle", EligibilityCode.COGNITIVE: "Cognitive impairment",
    EligibilityCode.TRAF_RISK: "A risk to themselves or others in traffic",
}


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    UNSPECIFIED = "UNSPECIFIED"


class WalkingDifficulty(StrEnum):
    PAIN = "PAIN"
    BREATH = "BREATH"
    BALANCE = "BALANCE"
    DANGER = "DANGER"
    STRUGGLE = "STRUGGLE"
    SOMELSE = "SOMELSE"
    LONGTIME = "LONGTIME"


class WalkingSpeed(StrEnum):
    MSLOW = "MSLOW"
    SLOW = "SLOW"
    SAME = "SAME"
    FAST = "FAST"


class WalkingLength(StrEnum):
    CANTWALK = "CANTWALK"
    LESSMIN = "LESSMIN"
    FEWMIN = "FEWMIN"
    MORETEN = "MORETEN"
    ONEFIVE = "ONEFIVE"
    FIVETEN = "FIVETEN"


class AidProvider(StrEnum):
    PRESCRIBE = "PRESCRIBE"
    PRIVATE = "PRIVATE"
    SOCIAL = "SOCIAL"
    PERSON = "PERSON"


class Breathlessness(StrEnum):
    UPHILL = "UPHILL"
    KEEPUP = "KEEPUP"
    OWNPACE = "OWNPACE"
    DRESSED = "DRESSED"
    OTHER = "OTHER"


class BulkyEquipment(StrEnum):
    VENT = "VENT"
    SUCTION = "SUCTION"
    PUMP = "PUMP"
    PARENT = "PARENT"
    SYRINGE = "SYRINGE"
    OXYADMIN = "OXYADMIN"
    OXYSAT = "OXYSAT"
    CAST = "CAST"
    NONE = "NONE"
    OTHER = "OTHER"


class EvidenceType(StrEnum):
    PROOF_ELIG = "PROOF_ELIG"
    SUPPORT_DOCS = "SUPPORT_DOCS"
    PROOF_ADD = "PROOF_ADD"
    PROOF_ID = "PROOF_ID"
    PHOTO = "PHOTO"


class NationalFormat(StrEnum):
    """How an application in the national service's own format came (domain/national.py)."""

    SENT = "SENT"  # on the bus or the API
    PULLED = "PULLED"  # pulled from the council's national Applications API, which is told its status (INPROGRESS, COMPLETED)


class ReplaceReason(StrEnum):
    STOLE = "STOLE"
    LOST = "LOST"
    DAMAGED = "DAMAGED"
    UNDELIVER = "UNDELIVER"


class CancelReason(StrEnum):
    REVOKE = "REVOKE"
    DECEASE = "DECEASE"
    NOLONG = "NOLONG"
    UNDELIVER = "UNDELIVER"
    LOST = "LOST"
    STOLE = "STOLE"
    DAMAGED = "DAMAGED"


CrimeReference = Annotated[str, Field(max_length=30), OneLine]
PaymentMethod = Annotated[str, Field(max_length=30), OneLine]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(Model):
    line1: Text | None = None
    line2: Text | None = None
    town: Text | None = None
    # Format checked by the completeness check, so a mistyped postcode is a missing item, not a lost application.
    postcode: Annotated[str, Field(max_length=10), OneLine] | None = None

    @field_validator("postcode")
    @classmethod
    def tidy_postcode(cls, value: str | None) -> str | None:
        return normalise_postcode(value) if value else value


class Holder(Model):
    title: Annotated[str, Field(max_length=20), OneLine] | None = None
    forenames: Text | None = None
    surname: Text | None = None
    date_of_birth: date | None = None
    gender: Gender | None = None
    nino: Annotated[str, Field(max_length=13), OneLine] | None = Field(default=None, description="National Insurance number")
    address: Address | None = None

    @field_validator("nino")
    @classmethod
    def tidy_nino(cls, value: str | None) -> str | None:
        return normalise_nino(value) if value else value

    @field_validator("date_of_birth")
    @classmethod
    def born_in_the_past(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("date of birth is in the future")
        if value is not None and value.year < 1900:
            raise ValueError("date of birth is before 1900")
        return value


class Organisation(Model):
    name: Text
    charity_number: Annotated[str, Field(max_length=20), OneLine] | None = None
    number_of_badges: int = Field(ge=1, le=999)
    people_carried: int | None = Field(default=None, ge=0, le=100000, description="Eligible people the organisation transports")
    address: Address | None = None


class Contact(Model):
    full_name: Text | None = None
    email: Email | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{7,20}$")] | None = None
    relationship: Annotated[str, Field(max_length=50), OneLine] | None = Field(default=None, description="SELF, or the representative's relationship")
    by_post: bool = Field(default=False, description="The applicant asked to hear by letter, not email (letters go to the holder's or organisation's address)")


class JourneysDescriptor(StrEnum):
    """The descriptors of PIP's "planning and following journeys" activity; only E (overwhelming psychological
    distress, 10 points) gives a badge without further assessment (domain notes: Eligibility)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"

    @property
    def points(self) -> int:
        return JOURNEYS_DESCRIPTOR_POINTS[self]


# The descriptors as the PIP regulations word them (Schedule 1, Part 3, mobility activity 1), shortened for a form.
JOURNEYS_DESCRIPTOR_WORDS = {
    JourneysDescriptor.A: "can plan and follow the route of a journey unaided",
    JourneysDescriptor.B: "needs prompting to undertake any journey, to avoid overwhelming psychological distress",
    JourneysDescriptor.C: "cannot plan the route of a journey",
    JourneysDescriptor.D: "cannot follow the route of an unfamiliar journey without another person, an assistance dog or an orientation aid",
    JourneysDescriptor.E: "cannot undertake any journey because it would cause overwhelming psychological distress",
    JourneysDescriptor.F: "cannot follow the route of a familiar journey without another person, an assistance dog or an orientation aid",
}
JOURNEYS_DESCRIPTOR_POINTS = {JourneysDescriptor.A: 0, JourneysDescriptor.B: 4, JourneysDescriptor.C: 8,
                              JourneysDescriptor.D: 10, JourneysDescriptor.E: 10, JourneysDescriptor.F: 12}


class BenefitAward(Model):
    award_start: date | None = None
    award_end: date | None = None
    indefinite: bool = False
    award_letter_date: date | None = Field(
        default=None, description="The date of the award letter sent as proof (PIP: it must be less than 12 months old)")
    pip_moving_around_points: int | None = Field(default=None, ge=0, le=12)
    pip_planning_journeys_points: int | None = Field(default=None, ge=0, le=12)
    pip_planning_journeys_descriptor: JourneysDescriptor | None = Field(
        default=None, description="The descriptor of 'planning and following journeys' awarded (E: 10 points, overwhelming psychological distress)")

    @model_validator(mode="after")
    def ends_after_start(self) -> BenefitAward:
        if self.award_start and self.award_end and self.award_end < self.award_start:
            raise ValueError("award_end is before award_start")
        descriptor, points = self.pip_planning_journeys_descriptor, self.pip_planning_journeys_points
        if descriptor is not None and points is not None and descriptor.points != points:
            raise ValueError(f"pip_planning_journeys_points {points} do not match descriptor {descriptor.value} ({descriptor.points} points)")
        return self


class WalkingAid(Model):
    provided_by: AidProvider
    description: LongText | None = None
    usage: LongText | None = None


class Treatment(Model):
    description: LongText
    when: Text | None = None


class Medication(Model):
    name: Text
    prescribed: bool | None = None
    quantity: Text | None = None
    frequency: Text | None = None


class HealthcareProfessional(Model):
    name: Text
    location: Text | None = None


class WalkingDetails(Model):
    difficulties: list[WalkingDifficulty] = Field(default_factory=list, max_length=7)
    other_difficulty: LongText | None = None
    speed: WalkingSpeed | None = None
    length_of_time: WalkingLength | None = None
    aids: list[WalkingAid] = Field(default_factory=list, max_length=20)
    breathlessness: list[Breathlessness] = Field(default_factory=list, max_length=5)
    treatments: list[Treatment] = Field(default_factory=list, max_length=20)
    medications: list[Medication] = Field(default_factory=list, max_length=50)
    healthcare_professionals: list[HealthcareProfessional] = Field(default_factory=list, max_length=20)


class ArmsDetails(Model):
    drives_regularly: bool
    adapted_vehicle: bool | None = None
    parking_meter_difficulty: LongText | None = None


class ChildDetails(Model):
    bulky_equipment: list[BulkyEquipment] = Field(default_factory=list, max_length=10)
    other_equipment: LongText | None = None


class Eligibility(Model):
    code: EligibilityCode
    description: LongText | None = None
    benefit: BenefitAward | None = None
    walking: WalkingDetails | None = None
    arms: ArmsDetails | None = None
    child: ChildDetails | None = None
    conditions: LongText | None = Field(default=None, description="Conditions, in the applicant's words")


class EvidenceRef(Model):
    type: EvidenceType
    key: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[A-Za-z0-9!_.*'()/-]+$")] = Field(
        description="Object key in the evidence bucket"
    )
    filename: Text | None = None
    content_type: Annotated[str, Field(max_length=100), OneLine] | None = None


# Printed on the badge, so only a scanned file will do.
FILE_ONLY = frozenset({EvidenceType.PHOTO})


def upload_formats(kind: EvidenceType) -> tuple[FileFormat, ...]:
    """The formats a file of this kind may be, the usual first: the print supplier prints JPEG photos only
    (domain/print_extract.py); any other document may be a PDF, JPG or PNG."""
    return (FileFormat.JPEG,) if kind in FILE_ONLY else (FileFormat.PDF, FileFormat.JPEG, FileFormat.PNG)


class DocumentSeen(Model):
    """A paper document a caseworker saw and handed back: it counts as received, though no copy is kept."""

    type: EvidenceType
    seen_by: Annotated[str, Field(min_length=1, max_length=300), OneLine] = Field(description="Who saw it (the signed-in actor)")
    seen_on: date

    @field_validator("type")
    @classmethod
    def not_the_photo(cls, value: EvidenceType) -> EvidenceType:
        if value in FILE_ONLY:
            raise ValueError("a photo is printed on the badge, so it must be scanned and uploaded, not seen and returned")
        return value


class Payment(Model):
    amount_pence: int = Field(ge=0, le=2_000_000)  # up to 999 badges at the highest fee
    reference: Text | None = None
    paid: bool = False
    method: PaymentMethod | None = None


class Application(Model):
    """A Blue Badge application as submitted, from any channel."""

    application_id: Annotated[str, Field(min_length=6, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")] = Field(
        description="Unique id given by the channel (the national service's id, or one made at keying-in)"
    )
    application_type: ApplicationType
    party: Party
    channel: Channel
    council_code: Annotated[str, Field(pattern=COUNCIL_CODE_PATTERN)]
    submitted_at: datetime
    holder: Holder | None = None
    organisation: Organisation | None = None
    contact: Contact | None = None
    eligibility: Eligibility | None = None
    evidence: list[EvidenceRef] = Field(default_factory=list, max_length=50)
    documents_seen: list[DocumentSeen] = Field(default_factory=list, max_length=20, description="Paper documents seen and returned")
    payment: Payment | None = None
    existing_badge_number: Annotated[str, Field(pattern=BADGE_NUMBER_PATTERN)] | None = None
    replace_reason: ReplaceReason | None = None
    cancel_reason: CancelReason | None = None
    crime_reference: CrimeReference | None = None
    national_format: NationalFormat | None = Field(
        default=None, description="Taken in from the national service's own format (domain/national.py): the original "
        "record is kept with the case, and a replacement's reason, which that format lacks, is asked for as a missing item")
    pip_points_at_proof_check: bool = Field(
        default=False, description="PIP points not carried (the national format has none; its form offers PIP only to "
        "people who declare qualifying points): routes as automatic, the points read from the award letter at the proof check")

    @model_validator(mode="after")
    def consistent_shape(self) -> Application:
        if self.party is Party.ORG and self.organisation is None:
            raise ValueError("organisation is required when party is ORG")
        if self.party is Party.PERSON and self.organisation is not None:
            raise ValueError("organisation is only for party ORG")
        if self.application_type is ApplicationType.REPLACE and self.replace_reason is None and not self.national_format:
            raise ValueError("replace_reason is required when application_type is REPLACE")
        if self.application_type is ApplicationType.CANCEL and self.cancel_reason is None:
            raise ValueError("cancel_reason is required when application_type is CANCEL")
        if self.application_type in (ApplicationType.REPLACE, ApplicationType.CANCEL) and not self.existing_badge_number:
            raise ValueError(f"existing_badge_number is required when application_type is {self.application_type.value}")
        if self.submitted_at.tzinfo is None:
            raise ValueError("submitted_at must carry a time zone (e.g. 2026-11-23T10:00:00Z)")
        return self

    @property
    def badges_wanted(self) -> int:
        """An organisation orders the number of badges it asked for; a person, or a replacement, one."""
        if self.organisation is not None and self.application_type is not ApplicationType.REPLACE:
            return self.organisation.number_of_badges
        return 1

    def evidence_of(self, evidence_type: EvidenceType) -> list[EvidenceRef]:
        return [item for item in self.evidence if item.type is evidence_type]

    def has_document(self, evidence_type: EvidenceType) -> bool:
        """Received as a file, or seen on paper and handed back."""
        return bool(self.evidence_of(evidence_type)) or any(seen.type is evidence_type for seen in self.documents_seen)
