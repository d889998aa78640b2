"""What a partner professional sends the Family Front Door through the portal: a cause for concern about a child, or a
request for information about a child known to the council, and who sent it.

The forms are saved part-completed (drafts), so every answer is optional in the model: a value given is checked as it
is typed (a wrong postcode, a date in the future), and `missing_information` names what must still be given before the
form can be sent, in GOV.UK error-message style. Only the sections relevant to a concern's categories are asked, and
only they are required: `relevant_only` drops the answers to sections the categories do not ask.

Publish the JSON Schema with `python -m shared.services.family_front_door.domain.submission`.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.core.domain.case import MissingItem
from shared.core.domain.council import CouncilCode
from shared.core.domain.formats import Email, LongText, OneLine, Text, is_valid_postcode, normalise_postcode

SCHEMA_FILE = Path(__file__).resolve().parents[4] / "schemas" / "ffd-submission.schema.json"
CHILD_AGE_LIMIT = 18  # a child is under 18 (Children Act 1989 s.105)
LONGEST_PREGNANCY_DAYS = 300  # an expected date of birth further ahead than this is a typing error


def _postcode(value: str) -> str:
    if not is_valid_postcode(value):
        raise PydanticCustomError("postcode", "Enter a real postcode, like AA1 1AA")
    return normalise_postcode(value)


Postcode = Annotated[str, Field(max_length=10), OneLine, AfterValidator(_postcode)]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{7,20}$")]


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ConcernCategory(StrEnum):
    PHYSICAL_ABUSE = "PHYSICAL_ABUSE"
    EMOTIONAL_ABUSE = "EMOTIONAL_ABUSE"
    SEXUAL_ABUSE = "SEXUAL_ABUSE"
    NEGLECT = "NEGLECT"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE"
    CHILD_CRIMINAL_EXPLOITATION = "CHILD_CRIMINAL_EXPLOITATION"
    CHILD_SEXUAL_EXPLOITATION = "CHILD_SEXUAL_EXPLOITATION"
    MISSING_CHILD = "MISSING_CHILD"
    ONLINE_HARM = "ONLINE_HARM"
    OTHER = "OTHER"


CATEGORY_NAMES = {
    ConcernCategory.PHYSICAL_ABUSE: "Physical abuse", ConcernCategory.EMOTIONAL_ABUSE: "Emotional abuse",
    ConcernCategory.SEXUAL_ABUSE: "Sexual abuse", ConcernCategory.NEGLECT: "Neglect",
    ConcernCategory.DOMESTIC_ABUSE: "Domestic abuse", ConcernCategory.CHILD_CRIMINAL_EXPLOITATION: "Child criminal exploitation",
    ConcernCategory.CHILD_SEXUAL_EXPLOITATION: "Child sexual exploitation", ConcernCategory.MISSING_CHILD: "Missing child",
    ConcernCategory.ONLINE_HARM: "Online harm", ConcernCategory.OTHER: "Other",
}


class Urgency(StrEnum):
    """The referrer's view of how soon the child needs a response (the council maps it to its own levels of need)."""

    TODAY = "TODAY"  # the child is at risk of significant harm now (a child in immediate danger: call 999)
    WITHIN_DAYS = "WITHIN_DAYS"
    ROUTINE = "ROUTINE"


class SubmissionKind(StrEnum):
    CAUSE_FOR_CONCERN = "CAUSE_FOR_CONCERN"
    INFORMATION_REQUEST = "INFORMATION_REQUEST"


class Channel(StrEnum):
    """How a contact reached the front door (the dashboards count contacts by channel)."""

    PORTAL = "PORTAL"
    PHONE = "PHONE"
    EMAIL = "EMAIL"


class Submitter(_Form):
    """The partner professional who sent it, and their agency (their permissions follow it)."""

    user_id: Annotated[str, Field(min_length=1, max_length=128), OneLine]
    email: Email
    name: Text
    agency_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    agency_name: Text
    role: Text | None = Field(default=None, description="e.g. Designated safeguarding lead")
    phone: Phone | None = None


class ChildAddress(_Form):
    line1: Text | None = None
    line2: Text | None = None
    town: Text | None = None
    postcode: Postcode | None = None


class Child(_Form):
    """The child the form is about. An unborn child has an expected date of birth instead of a date of birth."""

    given_name: Text | None = None
    family_name: Text | None = None
    unborn: bool = False
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    address: ChildAddress = Field(default_factory=ChildAddress)

    @field_validator("date_of_birth")
    @classmethod
    def _a_child(cls, value: date | None) -> date | None:
        if value is None:
            return value
        today = date.today()
        if value > today:
            raise PydanticCustomError("date_of_birth", "Date of birth must be today or in the past")
        if today.year - value.year - ((today.month, today.day) < (value.month, value.day)) >= CHILD_AGE_LIMIT:
            raise PydanticCustomError("date_of_birth", "The child must be under 18: for an adult, contact adult social care")
        return value

    @field_validator("expected_date_of_birth")
    @classmethod
    def _expected(cls, value: date | None) -> date | None:
        if value is not None and (value - date.today()).days > LONGEST_PREGNANCY_DAYS:
            raise PydanticCustomError("expected_date_of_birth", "Expected date of birth must be within the next 10 months")
        return value

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part) or "Unnamed child"

    @property
    def born_or_due(self) -> date | None:
        return self.expected_date_of_birth if self.unborn else self.date_of_birth


# ------------------------------------------------------------------ sections asked for some categories only
class Injuries(_Form):
    """Physical abuse: what was seen, and whether the child has had medical attention."""

    description: LongText | None = None
    medical_attention: bool | None = None


class Disclosure(_Form):
    """Sexual abuse: whether the child told someone, and whether the alleged abuser still has contact with the child."""

    child_disclosed: bool | None = None
    disclosure_words: LongText | None = Field(default=None, description="What the child said, in their words")
    alleged_abuser_has_contact: bool | None = None


class NeglectArea(StrEnum):
    FOOD = "FOOD"
    HYGIENE = "HYGIENE"
    CLOTHING = "CLOTHING"
    SUPERVISION = "SUPERVISION"
    HEALTH = "HEALTH"
    HOME_CONDITIONS = "HOME_CONDITIONS"
    EDUCATION = "EDUCATION"


class Neglect(_Form):
    areas: list[NeglectArea] = Field(default_factory=list, max_length=len(NeglectArea))
    how_long: Text | None = Field(default=None, description="How long the referrer has seen it")


class DomesticAbuse(_Form):
    perpetrator_in_household: bool | None = None
    child_present: bool | None = Field(default=None, description="Whether the child saw or heard the abuse")
    police_involved: bool | None = None
    police_reference: Text | None = None


class Exploitation(_Form):
    """Child criminal or sexual exploitation: what is known of where and with whom, and episodes of going missing."""

    indicators: LongText | None = Field(default=None, description="What was seen: places, older associates, money, phones")
    missing_episodes: bool | None = None
    police_informed: bool | None = None


class MissingDetails(_Form):
    missing_since: AwareDatetime | None = None
    last_seen: Text | None = Field(default=None, description="Where the child was last seen")
    police_reference: Text | None = None


class OnlineHarm(_Form):
    platforms: Text | None = Field(default=None, description="The apps, sites or games involved")
    images_shared: bool | None = None
    police_informed: bool | None = None


# Which section each category asks (categories not listed ask none beyond the common questions).
SECTION_FOR_CATEGORY: dict[ConcernCategory, str] = {
    ConcernCategory.PHYSICAL_ABUSE: "injuries",
    ConcernCategory.SEXUAL_ABUSE: "disclosure",
    ConcernCategory.NEGLECT: "neglect",
    ConcernCategory.DOMESTIC_ABUSE: "domestic_abuse",
    ConcernCategory.CHILD_CRIMINAL_EXPLOITATION: "exploitation",
    ConcernCategory.CHILD_SEXUAL_EXPLOITATION: "exploitation",
    ConcernCategory.MISSING_CHILD: "missing",
    ConcernCategory.ONLINE_HARM: "online_harm",
}
SECTIONS = tuple(dict.fromkeys(SECTION_FOR_CATEGORY.values()))


class Consent(_Form):
    """Whether the family's consent was sought (and given). Safeguarding goes ahead without consent: where it was not
    sought, the referrer says why (for example, asking would put the child at greater risk)."""

    sought: bool | None = None
    given: bool | None = None
    not_sought_reason: LongText | None = None


class CauseForConcern(_Form):
    kind: Literal[SubmissionKind.CAUSE_FOR_CONCERN] = SubmissionKind.CAUSE_FOR_CONCERN
    categories: list[ConcernCategory] = Field(default_factory=list, max_length=len(ConcernCategory))
    other_category: Text | None = Field(default=None, description="With OTHER: what kind of concern it is")
    child: Child = Field(default_factory=Child)
    concern: LongText | None = Field(default=None, description="What the referrer is worried about, and what happened")
    actions_taken: LongText | None = Field(default=None, description="What the referrer has done so far")
    household: LongText | None = Field(default=None, description="Who lives with the child, if known")
    consent: Consent = Field(default_factory=Consent)
    urgency: Urgency | None = None
    injuries: Injuries | None = None
    disclosure: Disclosure | None = None
    neglect: Neglect | None = None
    domestic_abuse: DomesticAbuse | None = None
    exploitation: Exploitation | None = None
    missing: MissingDetails | None = None
    online_harm: OnlineHarm | None = None

    @field_validator("categories")
    @classmethod
    def _each_once(cls, value: list[ConcernCategory]) -> list[ConcernCategory]:
        return [category for category in ConcernCategory if category in value]  # in the form's order, once each

    def sections_asked(self) -> list[str]:
        """The sections its categories ask, in the form's order."""
        wanted = {SECTION_FOR_CATEGORY[category] for category in self.categories if category in SECTION_FOR_CATEGORY}
        return [section for section in SECTIONS if section in wanted]

    def relevant_only(self) -> Self:
        """The form without the answers to sections its categories do not ask (e.g. after the referrer changed the
        category), and without the other category's description unless OTHER is chosen."""
        asked = set(self.sections_asked())
        cleared: dict[str, object] = {section: None for section in SECTIONS if section not in asked}
        if ConcernCategory.OTHER not in self.categories:
            cleared["other_category"] = None
        return self.model_copy(update=cleared)


class InformationRequest(_Form):
    """A partner asks what the council knows about a child known to it, and why they need it."""

    kind: Literal[SubmissionKind.INFORMATION_REQUEST] = SubmissionKind.INFORMATION_REQUEST
    child: Child = Field(default_factory=Child)
    information_wanted: LongText | None = None
    reason: LongText | None = Field(default=None, description="Why the partner needs it (the lawful basis for sharing)")
    urgency: Urgency | None = None


Form = Annotated[CauseForConcern | InformationRequest, Field(discriminator="kind")]


class Submission(_Form):
    """A complete form as sent: what the Family Front Door takes in (its published JSON Schema)."""

    submission_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,64}$", description="Chosen by the portal; a repeat is the same submission")]
    council_code: CouncilCode
    submitted_at: AwareDatetime
    channel: Channel = Channel.PORTAL
    submitter: Submitter
    form: Form

    @property
    def kind(self) -> SubmissionKind:
        return self.form.kind

    @property
    def child(self) -> Child:
        return self.form.child


# ------------------------------------------------------------------ what is still missing
def _missing(code: str, description: str) -> MissingItem:
    return MissingItem(code=code, description=description)


def _child_missing(child: Child) -> list[MissingItem]:
    found: list[MissingItem] = []
    if not child.given_name:
        found.append(_missing("child.given_name", "Enter the child's first name"))
    if not child.family_name:
        found.append(_missing("child.family_name", "Enter the child's last name"))
    if child.unborn and child.expected_date_of_birth is None:
        found.append(_missing("child.expected_date_of_birth", "Enter the baby's expected date of birth"))
    if not child.unborn and child.date_of_birth is None:
        found.append(_missing("child.date_of_birth", "Enter the child's date of birth"))
    if not child.address.line1:
        found.append(_missing("child.address.line1", "Enter the first line of the child's address"))
    if not child.address.postcode:
        found.append(_missing("child.address.postcode", "Enter the postcode of the child's address"))
    return found


def _yes_no(found: list[MissingItem], value: bool | None, code: str, question: str) -> None:
    if value is None:
        found.append(_missing(code, f"Select yes if {question}"))


def _section_missing(form: CauseForConcern, section: str) -> list[MissingItem]:
    found: list[MissingItem] = []
    match section:
        case "injuries":
            injuries = form.injuries or Injuries()
            if not injuries.description:
                found.append(_missing("injuries.description", "Describe the injuries or marks you saw"))
            _yes_no(found, injuries.medical_attention, "injuries.medical_attention", "the child has had medical attention")
        case "disclosure":
            disclosure = form.disclosure or Disclosure()
            _yes_no(found, disclosure.child_disclosed, "disclosure.child_disclosed", "the child told someone about the abuse")
            if disclosure.child_disclosed and not disclosure.disclosure_words:
                found.append(_missing("disclosure.disclosure_words", "Enter what the child said, in their own words"))
            _yes_no(found, disclosure.alleged_abuser_has_contact, "disclosure.alleged_abuser_has_contact",
                    "the person alleged to have abused the child still has contact with them")
        case "neglect":
            neglect = form.neglect or Neglect()
            if not neglect.areas:
                found.append(_missing("neglect.areas", "Select the areas of the child's care that are neglected"))
            if not neglect.how_long:
                found.append(_missing("neglect.how_long", "Enter how long you have been concerned"))
        case "domestic_abuse":
            abuse = form.domestic_abuse or DomesticAbuse()
            _yes_no(found, abuse.perpetrator_in_household, "domestic_abuse.perpetrator_in_household",
                    "the person causing the abuse lives with the child")
            _yes_no(found, abuse.child_present, "domestic_abuse.child_present", "the child saw or heard the abuse")
            _yes_no(found, abuse.police_involved, "domestic_abuse.police_involved", "the police are involved")
        case "exploitation":
            exploitation = form.exploitation or Exploitation()
            if not exploitation.indicators:
                found.append(_missing("exploitation.indicators", "Describe what makes you think the child is being exploited"))
            _yes_no(found, exploitation.missing_episodes, "exploitation.missing_episodes", "the child has gone missing")
            _yes_no(found, exploitation.police_informed, "exploitation.police_informed", "the police have been told")
        case "missing":
            missing = form.missing or MissingDetails()
            if missing.missing_since is None:
                found.append(_missing("missing.missing_since", "Enter when the child went missing"))
            if not missing.last_seen:
                found.append(_missing("missing.last_seen", "Enter where the child was last seen"))
            if not missing.police_reference:
                found.append(_missing("missing.police_reference",
                                      "Enter the police reference: report a missing child to the police first"))
        case "online_harm":
            online = form.online_harm or OnlineHarm()
            if not online.platforms:
                found.append(_missing("online_harm.platforms", "Enter the apps, sites or games involved"))
            _yes_no(found, online.images_shared, "online_harm.images_shared", "images of the child have been shared")
            _yes_no(found, online.police_informed, "online_harm.police_informed", "the police have been told")
    return found


def missing_information(form: CauseForConcern | InformationRequest) -> list[MissingItem]:
    """What must still be given before the form can be sent, in the order the form asks it: each item's code is the
    field's dotted path (the page's field id), its description the GOV.UK error message. Empty: it can be sent."""
    if isinstance(form, InformationRequest):
        found = _child_missing(form.child)
        if not form.information_wanted:
            found.append(_missing("information_wanted", "Enter the information you need about the child"))
        if not form.reason:
            found.append(_missing("reason", "Enter why you need the information"))
        if form.urgency is None:
            found.append(_missing("urgency", "Select how soon you need the information"))
        return found
    found = []
    if not form.categories:
        found.append(_missing("categories", "Select what the concern is about"))
    if ConcernCategory.OTHER in form.categories and not form.other_category:
        found.append(_missing("other_category", "Enter what kind of concern it is"))
    found += _child_missing(form.child)
    if not form.concern:
        found.append(_missing("concern", "Describe your concern about the child"))
    for section in form.sections_asked():
        found += _section_missing(form, section)
    if not form.actions_taken:
        found.append(_missing("actions_taken", "Enter what you have done about the concern so far"))
    consent = form.consent
    if consent.sought is None:
        found.append(_missing("consent.sought", "Select yes if you asked the family for consent to this referral"))
    elif consent.sought and consent.given is None:
        found.append(_missing("consent.given", "Select yes if the family gave consent"))
    elif not consent.sought and not consent.not_sought_reason:
        found.append(_missing("consent.not_sought_reason", "Enter why you did not ask the family for consent"))
    if form.urgency is None:
        found.append(_missing("urgency", "Select how urgently you think the child needs a response"))
    return found


def submission_json_schema() -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **Submission.model_json_schema()}


def main() -> None:
    SCHEMA_FILE.write_text(json.dumps(submission_json_schema(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.name}")


if __name__ == "__main__":
    main()
