"""The national Blue Badge service's own application format, and how it maps, field by field, onto ours.

Reference: the DfT Blue Badge "Applications Service" API document, `api-schema/api-schema.json` (OpenAPI 3.0.0,
version 1.0.8) in the public repository `uk-gov-dft/bluebadge-applications-service`, read with that service's own
validators (`service/.../service/validation/`: ApplicationValidator, EligibilityValidator, WalkingValidator,
ArmsValidator, BenefitValidator) wherever the schema slips:
- `Breathlessness` lists a required `typeCode` that does not exist; the field is `typeCodes` (required here, at least one);
- the NI number pattern accepts upper case only; any case is accepted here and normalised (upper case, no spaces);
- the postcode pattern `^$|^(GIR 0AA)|(…)$` anchors only its outer alternatives (and reads `[AZa-z]` for
  `[A-Za-z]`), so it accepts text around a postcode; here the whole value must be a UK postcode, in any case, normalised.
The validators' cross-field rules are followed (a person has `person` and `eligibility`, an organisation neither
`eligibility` nor `artifacts`; the objects a route does not use are refused; a walking difficulty lists at least one
code, `otherDescription` only with SOMELSE, no speed for CANTWALK; a charity number only for a charity; an adapted
vehicle description only for an adapted vehicle; no benefit expiry date with an indefinite award). The one rule not
taken is "benefit expiry date not in the past": it holds at submission, and a record read later must not park for it.

Pure: no AWS. `read_national` checks a record; `to_application` maps it onto our `Application`; MAPPING declares what
becomes of every national field (the README's table is generated from it, and tests hold the two together). The
original record is kept with the case as delivered, so a field kept "in the original only" is not lost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.core.domain.case import ParkReason
from shared.core.domain.records import CaseRecord
from shared.core.domain.formats import Lines, OneLine, is_valid_postcode, normalise_nino, normalise_postcode
from shared.services.blue_badge.domain.application import Application, NationalFormat

DOCUMENT = "DfT Blue Badge Applications Service API, api-schema/api-schema.json, OpenAPI 3.0.0, version 1.0.8"
# Where a national record came from, at the start of every intake source (bus, API, pull): parking and replay read a
# parked payload in the national format when its source says so.
NATIONAL_SOURCE_PREFIX = "national:"
# The channel the national online service is on our side.
NATIONAL_PAYMENT_METHOD = "national online service"
UNKNOWN_PAYMENT = "Unknown"  # the national service's paymentReference when it could not tell whether payment was taken


def is_national_source(source: str) -> bool:
    return source.startswith(NATIONAL_SOURCE_PREFIX)


# ---------------------------------------------------------------- code lists (the document's enums)
PARTY_TYPES = ("PERSON", "ORG")
APPLICATION_TYPES = ("NEW", "RENEW", "CANCEL", "REPLACE")
ELIGIBILITY_CODES = ("PIP", "DLA", "AFRFCS", "WPMS", "BLIND", "WALKD", "ARMS", "CHILDBULK", "CHILDVEHIC")
GENDER_CODES = ("FEMALE", "MALE", "UNSPECIFIE")
VEHICLE_TYPES = ("CAR", "PEOPLECAR", "MINIBUS", "OTHERVEH")
BULKY_EQUIPMENT_CODES = ("CAST", "OXYSAT", "OXYADMIN", "SYRINGE", "PARENT", "PUMP", "SUCTION", "VENT", "OTHER", "NONE")
WALKING_DIFFICULTY_CODES = ("PAIN", "BREATH", "BALANCE", "DANGER", "STRUGGLE", "SOMELSE", "LONGTIME")
WALKING_LENGTH_CODES = ("CANTWALK", "LESSMIN", "FEWMIN", "MORETEN", "ONEFIVE", "FIVETEN")
WALKING_SPEED_CODES = ("MSLOW", "SLOW", "SAME", "FAST")
HOW_PROVIDED_CODES = ("PRESCRIBE", "PRIVATE", "SOCIAL", "PERSON")
BREATHLESSNESS_CODES = ("UPHILL", "KEEPUP", "OWNPACE", "DRESSED", "OTHER")
ARTIFACT_TYPES = ("PROOF_ELIG", "SUPPORT_DOCS", "PROOF_ADD", "PROOF_ID", "PHOTO")
APPLICATION_STATUSES = ("TODO", "INPROGRESS", "COMPLETED")
# The national gender code is cut to ten characters; ours is the whole word.
GENDER_TO_OURS = {"FEMALE": "FEMALE", "MALE": "MALE", "UNSPECIFIE": "UNSPECIFIED"}


class NationalStatus(StrEnum):
    TODO = "TODO"
    INPROGRESS = "INPROGRESS"
    COMPLETED = "COMPLETED"


def _code(codes: tuple[str, ...], what: str):
    def check(value: str) -> str:
        if value not in codes:
            raise ValueError(f"{value!r} is not a national {what} code")
        return value
    return AfterValidator(check)


def _coded(codes: tuple[str, ...], what: str) -> Any:
    return Annotated[str, OneLine, _code(codes, what)]


def _tidy_nino(value: str) -> str:
    tidy = normalise_nino(value)
    if not _NATIONAL_NINO.match(tidy):
        raise ValueError(f"{value!r} is not a National Insurance number")
    return tidy


def _tidy_postcode(value: str) -> str:
    if value.strip() == "":
        return ""  # the document allows an empty postcode: a missing item on our side
    if not is_valid_postcode(value):
        raise ValueError(f"{value!r} is not a UK postcode")
    return normalise_postcode(value)


# The document's NI number rule (suffix letter optional), on the normalised value.
_NATIONAL_NINO = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]?$")

# Every string is checked for control and bidirectional-override characters (OneLine, Lines), as ours are.
PartyType = _coded(PARTY_TYPES, "party type")
ApplicationTypeCode = _coded(APPLICATION_TYPES, "application type")
EligibilityTypeCode = _coded(ELIGIBILITY_CODES, "eligibility type")
GenderCode = _coded(GENDER_CODES, "gender")
VehicleTypeCode = _coded(VEHICLE_TYPES, "vehicle type")
BulkyEquipmentCode = _coded(BULKY_EQUIPMENT_CODES, "bulky medical equipment")
WalkingDifficultyCode = _coded(WALKING_DIFFICULTY_CODES, "walking difficulty")
WalkingLengthCode = _coded(WALKING_LENGTH_CODES, "walking length of time")
WalkingSpeedCode = _coded(WALKING_SPEED_CODES, "walking speed")
HowProvidedCode = _coded(HOW_PROVIDED_CODES, "walking aid provider")
BreathlessnessCode = _coded(BREATHLESSNESS_CODES, "breathlessness")
ArtifactType = _coded(ARTIFACT_TYPES, "artifact type")
StatusCode = _coded(APPLICATION_STATUSES, "application status")
Nino = Annotated[str, OneLine, AfterValidator(_tidy_nino)]
Postcode = Annotated[str, OneLine, AfterValidator(_tidy_postcode)]
Short = Annotated[str, Field(max_length=100), OneLine]
Medium = Annotated[str, Field(max_length=255), Lines]
Phone = Annotated[str, Field(max_length=20), OneLine]


class _National(BaseModel):
    # A field the document does not have parks the record naming it: nothing is ignored unseen. The validators are
    # built when the first national record is read, not on every cold start that imports the module (most never read one).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class NationalContact(_National):
    fullName: Short | None = None
    buildingStreet: Short
    line2: Short | None = None
    townCity: Short
    postCode: Postcode
    primaryPhoneNumber: Phone
    secondaryPhoneNumber: Phone | None = None
    emailAddress: Annotated[str, Field(max_length=100, pattern=r"^\S+@\S+")] | None = None


class NationalPerson(_National):
    badgeHolderName: Short
    nino: Nino | None = None
    dob: date
    nameAtBirth: Short | None = None
    genderCode: GenderCode


class NationalVehicle(_National):
    registrationNumber: Annotated[str, Field(max_length=7), OneLine] | None = None
    typeCode: VehicleTypeCode | None = None
    usageFrequency: Short | None = None


class NationalOrganisation(_National):
    badgeHolderName: Short
    isCharity: bool
    charityNumber: Short | None = None
    vehicles: list[NationalVehicle] | None = None
    numberOfBadges: int = Field(ge=1)

    @model_validator(mode="after")
    def charity_number_only_for_a_charity(self) -> NationalOrganisation:
        if self.charityNumber is not None and not self.isCharity:
            raise ValueError("charityNumber can only be present if the organisation is a charity")
        return self


class NationalParty(_National):
    typeCode: PartyType
    contact: NationalContact
    person: NationalPerson | None = None
    organisation: NationalOrganisation | None = None


class NationalBenefit(_National):
    isIndefinite: bool
    expiryDate: date | None = None

    @model_validator(mode="after")
    def no_expiry_when_indefinite(self) -> NationalBenefit:
        if self.isIndefinite and self.expiryDate is not None:
            raise ValueError("expiryDate cannot be entered if the benefit is indefinite")
        return self


class NationalHealthcareProfessional(_National):
    name: Short | None = None
    location: Short | None = None


class NationalDisabilityArms(_National):
    drivingFrequency: Short | None = None
    isAdaptedVehicle: bool
    adaptedVehicleDescription: Medium | None = None

    @model_validator(mode="after")
    def description_only_when_adapted(self) -> NationalDisabilityArms:
        if self.adaptedVehicleDescription and not self.isAdaptedVehicle:
            raise ValueError("adaptedVehicleDescription cannot be entered if isAdaptedVehicle is not true")
        return self


class NationalBreathlessness(_National):
    typeCodes: list[BreathlessnessCode] = Field(min_length=1)  # the schema's "required: typeCode" names no field
    otherDescription: Medium | None = None


class NationalMedication(_National):
    name: Short | None = None
    isPrescribed: bool | None = None
    frequency: Short | None = None
    quantity: Short | None = None


class NationalTreatment(_National):
    description: Short | None = None
    time: Short | None = None


class NationalWalkingAid(_National):
    description: Short | None = None
    usage: Short | None = None
    howProvidedCode: HowProvidedCode


class NationalWalkingDifficulty(_National):
    typeCodes: list[WalkingDifficultyCode] = Field(min_length=1)
    otherDescription: Medium | None = None
    walkingAids: list[NationalWalkingAid] | None = None
    walkingLengthOfTimeCode: WalkingLengthCode
    walkingSpeedCode: WalkingSpeedCode | None = None
    treatments: list[NationalTreatment] | None = None
    medications: list[NationalMedication] | None = None
    breathlessness: NationalBreathlessness | None = None

    @model_validator(mode="after")
    def walking_rules(self) -> NationalWalkingDifficulty:
        if self.otherDescription and "SOMELSE" not in self.typeCodes:
            raise ValueError("otherDescription can only be present if SOMELSE is one of the typeCodes")
        if self.walkingLengthOfTimeCode == "CANTWALK" and self.walkingSpeedCode is not None:
            raise ValueError("walkingSpeedCode can only be present if walkingLengthOfTimeCode is not CANTWALK")
        return self


class NationalBlind(_National):
    registeredAtLaId: Short | None = None


class NationalChildUnder3(_National):
    bulkyMedicalEquipmentTypeCode: BulkyEquipmentCode | None = None  # deprecated: one of the array's codes
    bulkyMedicalEquipmentTypeCodes: list[BulkyEquipmentCode]
    otherMedicalEquipment: Short | None = None


# Which eligibility objects each route carries (EligibilityValidator: required ones, and "can't have objects relating to
# other types"); blind is allowed, not required, for BLIND.
_ROUTE_OBJECTS = {"benefit": ("PIP", "DLA", "WPMS"), "disabilityArms": ("ARMS",), "walkingDifficulty": ("WALKD",),
                  "childUnder3": ("CHILDBULK",), "blind": ("BLIND",)}
_ROUTE_REQUIRES = {"PIP": "benefit", "DLA": "benefit", "WPMS": "benefit", "ARMS": "disabilityArms",
                   "WALKD": "walkingDifficulty", "CHILDBULK": "childUnder3"}
_DISCRETIONARY = ("WALKD", "ARMS", "CHILDVEHIC", "CHILDBULK")
_WITH_HEALTHCARE_PROFESSIONALS = ("WALKD", "CHILDBULK", "CHILDVEHIC")


class NationalEligibility(_National):
    typeCode: EligibilityTypeCode
    descriptionOfConditions: Annotated[str, Field(max_length=10000), Lines] | None = None
    benefit: NationalBenefit | None = None
    walkingDifficulty: NationalWalkingDifficulty | None = None
    disabilityArms: NationalDisabilityArms | None = None
    healthcareProfessionals: list[NationalHealthcareProfessional] | None = None
    blind: NationalBlind | None = None
    childUnder3: NationalChildUnder3 | None = None

    @model_validator(mode="after")
    def objects_of_the_route(self) -> NationalEligibility:
        code = self.typeCode
        if (required := _ROUTE_REQUIRES.get(code)) and getattr(self, required) is None:
            raise ValueError(f"{required} is required for eligibility type {code}")
        for name, routes in _ROUTE_OBJECTS.items():
            if getattr(self, name) is not None and code not in routes:
                raise ValueError(f"{name} must be absent for eligibility type {code}")
        if self.descriptionOfConditions and code not in _DISCRETIONARY:
            raise ValueError("descriptionOfConditions is only valid for discretionary eligibility types")
        if self.healthcareProfessionals and code not in _WITH_HEALTHCARE_PROFESSIONALS:
            raise ValueError("healthcareProfessionals can only be entered if eligibility is WALKD, CHILDBULK or CHILDVEHIC")
        return self


class NationalArtifact(_National):
    type: ArtifactType
    link: Annotated[str, Field(min_length=1, max_length=2000), OneLine]


class NationalApplication(_National):
    """A national `Application` (OpenAPI 1.0.8 `#/components/schemas/Application`)."""

    applicationId: Annotated[str, Field(max_length=64), OneLine] | None = None
    applicationTypeCode: ApplicationTypeCode
    localAuthorityCode: Annotated[str, Field(min_length=1, max_length=20), OneLine]
    paymentTaken: bool
    paymentReference: Short | None = None
    submissionDate: datetime | None = None
    existingBadgeNumber: Annotated[str, Field(max_length=20), OneLine] | None = None
    party: NationalParty
    eligibility: NationalEligibility | None = None
    artifacts: list[NationalArtifact] | None = None
    applicationStatus: StatusCode | None = None

    @model_validator(mode="after")
    def party_shape(self) -> NationalApplication:
        party = self.party
        if party.typeCode == "PERSON":
            if party.person is None:
                raise ValueError("party.person is required when party.typeCode is PERSON")
            if self.eligibility is None:
                raise ValueError("eligibility is required when party.typeCode is PERSON")
            if party.organisation is not None:
                raise ValueError("party.organisation must be absent when party.typeCode is PERSON")
        else:
            if party.organisation is None:
                raise ValueError("party.organisation is required when party.typeCode is ORG")
            for name, value in (("party.person", party.person), ("eligibility", self.eligibility), ("artifacts", self.artifacts)):
                if value is not None:
                    raise ValueError(f"{name} must be absent when party.typeCode is ORG")
        return self


# ---------------------------------------------------------------- the national API's envelopes
class PagingInfo(BaseModel):
    total: int | None = None
    count: int | None = None
    pageSize: int | None = None
    pageNum: int | None = None
    pages: int | None = None


class ApplicationSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applicationId: str
    partyTypeCode: PartyType | None = None
    applicationTypeCode: ApplicationTypeCode | None = None
    nino: str | None = None
    dob: date | None = None
    name: Short | None = None
    submissionDate: datetime | None = None
    eligibilityCode: EligibilityTypeCode | None = None
    applicationStatus: StatusCode | None = None


class ApplicationSummaryResponse(BaseModel):
    apiVersion: str | None = None
    data: list[ApplicationSummary] = Field(default_factory=list)
    pagingInfo: PagingInfo | None = None


class ApplicationResponse(BaseModel):
    apiVersion: str | None = None
    data: dict[str, Any]  # checked on its own by read_national, so a bad record parks naming its field


class ApplicationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applicationStatus: StatusCode


# ---------------------------------------------------------------- the mapping, declared
class Treatment(StrEnum):
    MAPPED = "mapped"
    KEPT = "kept in the original only"


@dataclass(frozen=True)
class FieldMapping:
    national: str  # dotted path, `[]` for each list item
    treatment: Treatment
    ours: str | None = None  # our field (MAPPED), or why it is not (KEPT)
    note: str = ""


M, K = Treatment.MAPPED, Treatment.KEPT
MAPPING: tuple[FieldMapping, ...] = (
    FieldMapping("applicationId", M, "application_id", "required here: a record without one parks"),
    FieldMapping("applicationTypeCode", M, "application_type"),
    FieldMapping("localAuthorityCode", M, "council_code", "the council whose Blue Badge settings name this national code "
                 "(`national.local_authority_code`), else the council with this code; unknown: parks as unrouted"),
    FieldMapping("paymentTaken", M, "payment.paid", "with the council's fee per badge as `payment.amount_pence` (the "
                 "national format has no amount) and method \"national online service\""),
    FieldMapping("paymentReference", M, "payment.reference", "\"Unknown\" (payment not known) maps to an unpaid payment"),
    FieldMapping("submissionDate", M, "submitted_at", "required here, with a time zone"),
    FieldMapping("existingBadgeNumber", M, "existing_badge_number", "upper case; not a badge number: parks"),
    FieldMapping("party.typeCode", M, "party"),
    FieldMapping("party.contact.fullName", M, "contact.full_name"),
    FieldMapping("party.contact.buildingStreet", M, "holder.address.line1", "an organisation's: organisation.address.line1"),
    FieldMapping("party.contact.line2", M, "holder.address.line2", "an organisation's: organisation.address.line2"),
    FieldMapping("party.contact.townCity", M, "holder.address.town", "an organisation's: organisation.address.town"),
    FieldMapping("party.contact.postCode", M, "holder.address.postcode", "an organisation's: organisation.address.postcode"),
    FieldMapping("party.contact.primaryPhoneNumber", M, "contact.phone", "not a phone number: parks"),
    FieldMapping("party.contact.secondaryPhoneNumber", K, "we hold one phone number"),
    FieldMapping("party.contact.emailAddress", M, "contact.email", "not an email address: parks"),
    FieldMapping("party.person.badgeHolderName", M, "holder.forenames, holder.surname", "split at the last space; one word: the surname"),
    FieldMapping("party.person.nino", M, "holder.nino", "any case, normalised"),
    FieldMapping("party.person.dob", M, "holder.date_of_birth"),
    FieldMapping("party.person.nameAtBirth", K, "no such field of ours"),
    FieldMapping("party.person.genderCode", M, "holder.gender", "UNSPECIFIE -> UNSPECIFIED"),
    FieldMapping("party.organisation.badgeHolderName", M, "organisation.name"),
    FieldMapping("party.organisation.isCharity", K, "implied by a charity number"),
    FieldMapping("party.organisation.charityNumber", M, "organisation.charity_number"),
    FieldMapping("party.organisation.vehicles[].registrationNumber", K, "no vehicles in our model"),
    FieldMapping("party.organisation.vehicles[].typeCode", K, "no vehicles in our model"),
    FieldMapping("party.organisation.vehicles[].usageFrequency", K, "no vehicles in our model"),
    FieldMapping("party.organisation.numberOfBadges", M, "organisation.number_of_badges", "more than 999: parks"),
    FieldMapping("eligibility.typeCode", M, "eligibility.code"),
    FieldMapping("eligibility.descriptionOfConditions", M, "eligibility.conditions", "over 4,000 characters: parks"),
    FieldMapping("eligibility.benefit.isIndefinite", M, "eligibility.benefit.indefinite",
                 "PIP: `pip_points_at_proof_check` set (no points in the national format)"),
    FieldMapping("eligibility.benefit.expiryDate", M, "eligibility.benefit.award_end", "no award start: asked for as a missing item"),
    FieldMapping("eligibility.walkingDifficulty.typeCodes[]", M, "eligibility.walking.difficulties[]"),
    FieldMapping("eligibility.walkingDifficulty.otherDescription", M, "eligibility.walking.other_difficulty"),
    FieldMapping("eligibility.walkingDifficulty.walkingAids[].description", M, "eligibility.walking.aids[].description"),
    FieldMapping("eligibility.walkingDifficulty.walkingAids[].usage", M, "eligibility.walking.aids[].usage"),
    FieldMapping("eligibility.walkingDifficulty.walkingAids[].howProvidedCode", M, "eligibility.walking.aids[].provided_by"),
    FieldMapping("eligibility.walkingDifficulty.walkingLengthOfTimeCode", M, "eligibility.walking.length_of_time"),
    FieldMapping("eligibility.walkingDifficulty.walkingSpeedCode", M, "eligibility.walking.speed"),
    FieldMapping("eligibility.walkingDifficulty.treatments[].description", M, "eligibility.walking.treatments[].description",
                 "a treatment without a description is kept in the original only"),
    FieldMapping("eligibility.walkingDifficulty.treatments[].time", M, "eligibility.walking.treatments[].when"),
    FieldMapping("eligibility.walkingDifficulty.medications[].name", M, "eligibility.walking.medications[].name",
                 "a medication without a name is kept in the original only"),
    FieldMapping("eligibility.walkingDifficulty.medications[].isPrescribed", M, "eligibility.walking.medications[].prescribed"),
    FieldMapping("eligibility.walkingDifficulty.medications[].frequency", M, "eligibility.walking.medications[].frequency"),
    FieldMapping("eligibility.walkingDifficulty.medications[].quantity", M, "eligibility.walking.medications[].quantity"),
    FieldMapping("eligibility.walkingDifficulty.breathlessness.typeCodes[]", M, "eligibility.walking.breathlessness[]"),
    FieldMapping("eligibility.walkingDifficulty.breathlessness.otherDescription", K, "no such field of ours"),
    FieldMapping("eligibility.disabilityArms.drivingFrequency", M, "eligibility.arms.drives_regularly",
                 "true when a frequency is given; its words are kept in the original only"),
    FieldMapping("eligibility.disabilityArms.isAdaptedVehicle", M, "eligibility.arms.adapted_vehicle"),
    FieldMapping("eligibility.disabilityArms.adaptedVehicleDescription", K, "no such field of ours"),
    FieldMapping("eligibility.healthcareProfessionals[].name", M, "eligibility.walking.healthcare_professionals[].name",
                 "WALKD only; a child route's are kept in the original only (our child details have none)"),
    FieldMapping("eligibility.healthcareProfessionals[].location", M, "eligibility.walking.healthcare_professionals[].location",
                 "WALKD only, as the name"),
    FieldMapping("eligibility.blind.registeredAtLaId", K, "no such field of ours"),
    FieldMapping("eligibility.childUnder3.bulkyMedicalEquipmentTypeCode", K, "deprecated: repeats one of the array's codes"),
    FieldMapping("eligibility.childUnder3.bulkyMedicalEquipmentTypeCodes[]", M, "eligibility.child.bulky_equipment[]"),
    FieldMapping("eligibility.childUnder3.otherMedicalEquipment", M, "eligibility.child.other_equipment"),
    FieldMapping("artifacts[].type", M, "evidence[].type"),
    FieldMapping("artifacts[].link", M, "evidence[].key", "pulled: the file fetched into the application's intake folder; "
                 "on the bus and API: must name a file already uploaded there, else parks"),
    FieldMapping("applicationStatus", K, "the national service's own status (we set it: INPROGRESS, COMPLETED)"),
)
# Codes no national field carries but our model needs: how the mapping fills them.
FILLED_IN = (
    ("channel", "ONLINE (the national online service)"),
    ("national_format", "SENT (bus, API) or PULLED: the original is kept with the case; a replacement's reason is asked for"),
    ("pip_points_at_proof_check", "true on the PIP route: routes as automatic, the points read from the award letter at the proof check"),
    ("replace_reason, crime_reference", "not in the national format: a REPLACE asks for the reason (and, if stolen, "
     "the crime reference) as missing items"),
)
# A value that no code list of ours holds (the document's enums are ours, with UNSPECIFIE renamed): TERMILL, which the
# national validators still name, is not in the document's EligibilityCodeField and parks as any unknown code does.


def mapping_table() -> str:
    """The README's table of the mapping, from MAPPING (tests/unit/test_national_mapping.py keeps them equal)."""
    lines = ["| national field | becomes | our field (or why not) | note (a value that cannot be mapped parks, naming the field) |",
             "| --- | --- | --- | --- |"]
    for row in MAPPING:
        lines.append(f"| `{row.national}` | {row.treatment.value} | {_cell(row)} | {row.note} |")
    for ours, how in FILLED_IN:
        lines.append(f"| (none) | filled in | `{ours}` | {how} |")
    return "\n".join(lines)


def _cell(row: FieldMapping) -> str:
    if row.treatment is Treatment.MAPPED:
        return ", ".join(f"`{part.strip()}`" for part in (row.ours or "").split(","))
    return row.ours or ""


def coverage() -> dict[Treatment, int]:
    return {treatment: sum(row.treatment is treatment for row in MAPPING) for treatment in Treatment}


# ---------------------------------------------------------------- reading and mapping
class Unmappable(ValueError):
    """A national record we cannot take in as it is: one reason per national field."""

    def __init__(self, reasons: list[ParkReason]):
        super().__init__("; ".join(f"{reason.field}: {reason.message}" for reason in reasons))
        self.reasons = reasons


def national_path(loc: Sequence[str | int]) -> str:
    """A pydantic location as the national document names the field, e.g. eligibility.walkingDifficulty.typeCodes[1]."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(application)"


def _reasons(error: ValidationError, translate: bool = False) -> list[ParkReason]:
    reasons = []
    for problem in error.errors(include_url=False):
        loc = problem["loc"]
        field = _to_national(loc) if translate else national_path(loc)
        message = problem["msg"].removeprefix("Value error, ")
        reasons.append(ParkReason(field=field, message=message))
    return reasons


def read_national(payload: Any) -> NationalApplication:
    """The record checked against the document (as its validators mean it); Unmappable names each national field."""
    if not isinstance(payload, dict):
        raise Unmappable([ParkReason(field="(application)", message="a national application must be a JSON object")])
    try:
        return NationalApplication.model_validate(payload)
    except ValidationError as error:
        raise Unmappable(_reasons(error)) from None


def claimed_local_authority(payload: Any) -> str | None:
    """The council code a payload names, if any (parking files it under that council when it is one of ours)."""
    code = payload.get("localAuthorityCode") if isinstance(payload, dict) else None
    return code if isinstance(code, str) else None


def to_application(record: NationalApplication, council_code: str, fee_pence: int,
                   artifact_keys: Sequence[str | None] | None = None) -> Application:
    """Our Application from a checked national record, for the council (its code and fee per badge). `artifact_keys`:
    where the pull fetched each artifact's file (None for one it could not: left out, so a document the application
    needs becomes a missing item); None: each link is taken as the key of a file already uploaded to the application's
    intake folder (bus and API). Unmappable names the national field of each value we cannot map."""
    reasons = []
    if record.applicationId is None:
        reasons.append(ParkReason(field="applicationId", message="required: it makes one case per national application"))
    if record.submissionDate is None:
        reasons.append(ParkReason(field="submissionDate", message="required: the date and time the application was submitted"))
    if reasons:
        raise Unmappable(reasons)
    party, contact = record.party, record.party.contact
    address = {"line1": contact.buildingStreet, "line2": contact.line2, "town": contact.townCity, "postcode": contact.postCode or None}
    ours: dict[str, Any] = {
        "application_id": record.applicationId,
        "application_type": record.applicationTypeCode,
        "party": party.typeCode,
        "channel": "ONLINE",
        "council_code": council_code,
        "submitted_at": record.submissionDate,
        "contact": {"full_name": contact.fullName, "email": contact.emailAddress, "phone": contact.primaryPhoneNumber},
        "existing_badge_number": record.existingBadgeNumber.upper() if record.existingBadgeNumber else None,
        "national_format": NationalFormat.PULLED if artifact_keys is not None else NationalFormat.SENT,
    }
    if party.person is not None:
        person = party.person
        forenames, _, surname = person.badgeHolderName.rpartition(" ")
        ours["holder"] = {"forenames": forenames.strip() or None, "surname": surname, "date_of_birth": person.dob,
                          "gender": GENDER_TO_OURS[person.genderCode], "nino": person.nino, "address": address}
    if party.organisation is not None:
        organisation = party.organisation
        ours["organisation"] = {"name": organisation.badgeHolderName, "charity_number": organisation.charityNumber,
                                "number_of_badges": organisation.numberOfBadges, "address": address}
    if record.paymentTaken or record.paymentReference:
        paid = record.paymentTaken and record.paymentReference != UNKNOWN_PAYMENT
        badges = party.organisation.numberOfBadges if party.organisation and record.applicationTypeCode != "REPLACE" else 1
        ours["payment"] = {"amount_pence": fee_pence * badges, "reference": record.paymentReference, "paid": paid,
                           "method": NATIONAL_PAYMENT_METHOD}
    if record.eligibility is not None:
        ours["eligibility"] = _eligibility(record.eligibility)
        ours["pip_points_at_proof_check"] = record.eligibility.typeCode == "PIP"
    artifacts = record.artifacts or []
    keys = list(artifact_keys) if artifact_keys is not None else [artifact.link for artifact in artifacts]
    ours["evidence"] = [{"type": artifact.type, "key": key} for artifact, key in zip(artifacts, keys, strict=True) if key is not None]
    try:
        return Application.model_validate(ours)
    except ValidationError as error:
        raise Unmappable(_reasons(error, translate=True)) from None


def _eligibility(eligibility: NationalEligibility) -> dict[str, Any]:
    ours: dict[str, Any] = {"code": eligibility.typeCode, "conditions": eligibility.descriptionOfConditions or None}
    if (benefit := eligibility.benefit) is not None:
        ours["benefit"] = {"indefinite": benefit.isIndefinite, "award_end": benefit.expiryDate}
    if (walking := eligibility.walkingDifficulty) is not None:
        breathless = walking.breathlessness
        ours["walking"] = {
            "difficulties": walking.typeCodes,
            "other_difficulty": walking.otherDescription or None,
            "speed": walking.walkingSpeedCode,
            "length_of_time": walking.walkingLengthOfTimeCode,
            "aids": [{"provided_by": aid.howProvidedCode, "description": aid.description or None, "usage": aid.usage or None}
                     for aid in walking.walkingAids or []],
            "breathlessness": breathless.typeCodes if breathless else [],
            "treatments": [{"description": item.description, "when": item.time or None}
                           for item in walking.treatments or [] if item.description],
            "medications": [{"name": item.name, "prescribed": item.isPrescribed, "quantity": item.quantity or None,
                             "frequency": item.frequency or None} for item in walking.medications or [] if item.name],
            "healthcare_professionals": [{"name": item.name, "location": item.location or None}
                                         for item in eligibility.healthcareProfessionals or [] if item.name],
        }
    if (arms := eligibility.disabilityArms) is not None:
        ours["arms"] = {"drives_regularly": bool(arms.drivingFrequency), "adapted_vehicle": arms.isAdaptedVehicle}
    if (child := eligibility.childUnder3) is not None:
        ours["child"] = {"bulky_equipment": child.bulkyMedicalEquipmentTypeCodes, "other_equipment": child.otherMedicalEquipment or None}
    return ours


# Our field -> the national one it came from (list items as `[]`), for naming the national field when our model
# refuses a mapped value. Person and organisation addresses both come from the contact.
_OURS_TO_NATIONAL = {
    **{part.strip(): row.national for row in MAPPING if row.treatment is Treatment.MAPPED for part in (row.ours or "").split(",")},
    "organisation.address.line1": "party.contact.buildingStreet", "organisation.address.line2": "party.contact.line2",
    "organisation.address.town": "party.contact.townCity", "organisation.address.postcode": "party.contact.postCode",
    "payment.amount_pence": "paymentTaken", "payment.method": "paymentTaken",
}


def _to_national(loc: Sequence[str | int]) -> str:
    pattern = _with_list_marks(loc)
    national = _OURS_TO_NATIONAL.get(pattern) or _nearest(pattern)
    for index in (part for part in loc if isinstance(part, int)):
        national = national.replace("[]", f"[{index}]", 1)
    return national


def _nearest(pattern: str) -> str:
    """A whole object, or a rule across its fields (e.g. `holder`): the national object its mapped fields come from."""
    while pattern:
        child = next((national for ours, national in _OURS_TO_NATIONAL.items() if ours.startswith((f"{pattern}.", f"{pattern}["))), None)
        if child is not None:
            return child.rsplit(".", 1)[0] if "." in child else child
        pattern = pattern.rpartition(".")[0]
    return "(application)"


def _with_list_marks(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += "[]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def local_authority_codes(councils: Sequence[tuple[str, str | None]]) -> dict[str, str]:
    """National local authority code -> our council code, from (council code, its configured national code) pairs:
    a council answers to its configured code, and to its own code when none is configured."""
    return {(national or code): code for code, national in councils}


# ---------------------------------------------------------------- the pull's files and the original record
PULL_SOURCE = f"{NATIONAL_SOURCE_PREFIX}pull"
ORIGINAL_FILENAME = "national-application.json"
_ARTIFACT_FILE = re.compile(r"^artifact-(\d{2})\.[a-z]{3,4}$")


def original_key(case_prefix: str) -> str:
    """Where the original national record is kept, in the case's own folder (erased with it)."""
    return f"{case_prefix}{ORIGINAL_FILENAME}"


# The original record's field names in words, for staff reading it (every name the document uses: a test holds MAPPING to it).
FIELD_WORDS = {
    "applicationId": "national application reference", "applicationTypeCode": "application type",
    "localAuthorityCode": "council's national code", "paymentTaken": "payment taken", "paymentReference": "payment reference",
    "submissionDate": "submitted", "existingBadgeNumber": "existing badge number", "applicationStatus": "national status",
    "party": "applicant", "typeCode": "type", "contact": "contact", "fullName": "full name",
    "buildingStreet": "building and street", "line2": "address line 2", "townCity": "town or city", "postCode": "postcode",
    "primaryPhoneNumber": "phone number", "secondaryPhoneNumber": "second phone number", "emailAddress": "email address",
    "person": "badge holder", "badgeHolderName": "name on the badge", "nino": "National Insurance number",
    "dob": "date of birth", "nameAtBirth": "name at birth", "genderCode": "gender", "organisation": "organisation",
    "isCharity": "a charity", "charityNumber": "charity number", "vehicles": "vehicle", "registrationNumber": "registration number",
    "usageFrequency": "how often used", "numberOfBadges": "number of badges", "eligibility": "eligibility",
    "descriptionOfConditions": "description of conditions", "benefit": "benefit", "isIndefinite": "award with no end date",
    "expiryDate": "award ends", "walkingDifficulty": "walking difficulty", "typeCodes": "types",
    "otherDescription": "other, described", "walkingAids": "walking aid", "description": "description", "usage": "how used",
    "howProvidedCode": "how provided", "walkingLengthOfTimeCode": "how long they can walk", "walkingSpeedCode": "walking speed",
    "treatments": "treatment", "time": "when", "medications": "medication", "name": "name", "isPrescribed": "prescribed",
    "frequency": "how often", "quantity": "quantity", "breathlessness": "breathlessness", "disabilityArms": "disability in both arms",
    "drivingFrequency": "how often they drive", "isAdaptedVehicle": "adapted vehicle",
    "adaptedVehicleDescription": "adapted vehicle, described", "healthcareProfessionals": "healthcare professional",
    "location": "where", "blind": "blind", "registeredAtLaId": "registered with council (national id)",
    "childUnder3": "child under 3", "bulkyMedicalEquipmentTypeCode": "bulky medical equipment (old single field)",
    "bulkyMedicalEquipmentTypeCodes": "bulky medical equipment", "otherMedicalEquipment": "other medical equipment",
    "artifacts": "document", "type": "type", "link": "link",
}
# Its parts, in the order a caseworker reads an application.
RECORD_SECTIONS = (("application", "Application"), ("party", "Applicant"), ("eligibility", "Eligibility"), ("artifacts", "Documents"))


def field_words(name: str) -> str:
    """A national field's name in words; one the document did not have when this was written is split at its capitals."""
    return FIELD_WORDS.get(name) or re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def record_in_words(record: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """The original record as staff read it: its sections, each a list of (field in words, value as written), every
    value kept (nothing the record says is left out: unknown fields are named from their own names)."""
    sections: dict[str, list[tuple[str, str]]] = {key: [] for key, _ in RECORD_SECTIONS}
    if not isinstance(record, dict):
        return [("Application", [("record", json.dumps(record))])]

    def walk(value: Any, label: list[str], rows: list[tuple[str, str]]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, [*label, field_words(key)], rows)
        elif isinstance(value, list) and value and any(isinstance(item, (dict, list)) for item in value):
            for number, item in enumerate(value, start=1):
                walk(item, [*label[:-1], f"{label[-1]} {number}"] if label else [str(number)], rows)
        else:
            rows.append((", ".join(label)[:1].upper() + ", ".join(label)[1:], _value_in_words(value)))

    for key, value in record.items():
        if key in ("party", "eligibility"):
            walk(value, [], sections[key])
        elif key == "artifacts":
            walk(value, ["document"], sections[key])
        else:
            walk(value, [field_words(key)], sections["application"])
    return [(title, sections[key]) for key, title in RECORD_SECTIONS if sections[key]]


def _value_in_words(value: Any) -> str:
    if value is None or value == []:
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def artifact_key(intake_prefix: str, index: int, extension: str) -> str:
    """Where the pull keeps artifact number `index` fetched for an application (the same name on every pull)."""
    return f"{intake_prefix}artifact-{index + 1:02d}.{extension}"


def fetched_artifact_keys(keys_in_folder: Sequence[str], intake_prefix: str, count: int) -> list[str | None]:
    """The key of each of `count` artifacts the pull fetched into the application's intake folder (None: not fetched)."""
    found: list[str | None] = [None] * count
    for key in keys_in_folder:
        match = _ARTIFACT_FILE.match(key.removeprefix(intake_prefix))
        if match and 0 < (number := int(match.group(1))) <= count:
            found[number - 1] = key
    return found


def named_nationally(reasons: Sequence[ParkReason]) -> list[ParkReason]:
    """Reasons about our fields (e.g. evidence.0.key from intake's file checks) naming the national field instead."""
    return [reason.model_copy(update={"field": _to_national([int(part) if part.isdigit() else part for part in reason.field.split(".")])})
            for reason in reasons]


# ---------------------------------------------------------------- statuses owed to the national API (an outbox)
NATIONAL_STATUS_QUEUE = "NATIONALSTATUS#OWED"


class NationalStatusReport(CaseRecord):
    """A status a pulled application's national Applications API is owed (COMPLETED once decided): written in the same
    transaction as the step that owes it, sent by the next pull of the council, then kept as sent."""

    KIND: ClassVar[str] = "NATIONALSTATUS"

    case_id: str
    version: int = 1
    application_id: str
    status: NationalStatus
    owed_since: datetime
    sent_at: datetime | None = None

    @property
    def record_id(self) -> str:
        """One per step that owes it (a case decided again after a review owes COMPLETED again: sent twice, harmlessly)."""
        return f"{self.application_id}#{self.status.value}#{self.owed_since.strftime('%Y%m%dT%H%M%S%f')}"

    def queue_position(self) -> tuple[str, str] | None:
        return None if self.sent_at else (NATIONAL_STATUS_QUEUE, f"{self.owed_since.isoformat()}#{self.record_id}")


def status_owed(application: Application, case_id: str, status: NationalStatus, now: datetime) -> list[NationalStatusReport]:
    """`status` owed to the national API, for an application pulled from it (else nothing)."""
    if application.national_format is not NationalFormat.PULLED:
        return []
    return [NationalStatusReport(case_id=case_id, application_id=application.application_id, status=status, owed_since=now)]


def completion_owed(application: Application, case_id: str, now: datetime) -> list[NationalStatusReport]:
    """What the council's work on an application ending owes the national API: COMPLETED, at every step that ends it
    (a decision, a review's outcome, a withdrawal by staff or for want of information), for a pulled application."""
    return status_owed(application, case_id, NationalStatus.COMPLETED, now)


def progress_owed(application: Application, case_id: str, now: datetime) -> list[NationalStatusReport]:
    """What a pulled application becoming a case other than by the pull itself (a parked one replayed) owes: INPROGRESS,
    written with the case and sent by the next pull (the pull tells the national service itself for the cases it opens)."""
    return status_owed(application, case_id, NationalStatus.INPROGRESS, now)
