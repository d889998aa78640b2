"""An accepted contact on its way to the council's social care record system: the `Contact Accepted` event, and the
contact and referral episode the system is asked to open (its REST API, through the one connector:
shared.core.domain.crm). Pure: no AWS, no HTTP.

The event carries what the system needs to find or open the child's record and the episode, nothing more: the concern
itself stays on the contact, behind the council's sign-in. `python -m shared.services.family_front_door.domain.accepted`
writes the event's published JSON Schema.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.core.domain.council import CouncilCode
from shared.core.domain.crm import CASE_ID_FIELD, dynamics_time, write_event_schema
from shared.core.domain.formats import OneLine, Text
from shared.resources import PROJECT_ROOT, EventSpec
from shared.services.family_front_door.domain.case import ACCEPTING_OUTCOMES, ContactCase, ContactOutcome
from shared.services.family_front_door.domain.submission import CauseForConcern, Channel, ConcernCategory, Postcode

CONTACT_ACCEPTED = EventSpec(source="casework.family-front-door", detail_type="Contact Accepted")
SCHEMA_FILE = PROJECT_ROOT / "schemas" / "events" / "contact-accepted.schema.json"
EPISODE_TYPE = "CONTACT_AND_REFERRAL"

Name = Annotated[str, Field(min_length=1, max_length=100), OneLine]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AcceptedChild(_Strict):
    """The child: enough for the system to match or open their record."""

    given_name: Name
    family_name: Name
    date_of_birth: date | None = Field(default=None, description="Absent for an unborn child")
    expected_date_of_birth: date | None = Field(default=None, description="An unborn child's")
    postcode: Postcode


class ContactSource(_Strict):
    """Who made the contact: their agency and how it arrived, never the professional's own name."""

    agency_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    agency_name: Text
    channel: Channel


class ContactAccepted(_Strict):
    """Detail of the `Contact Accepted` event (source casework.family-front-door): a contact the front-door team
    referred to children's social care or early help, for the council's social care record system."""

    model_config = ConfigDict(title="Contact Accepted")

    event_id: str = Field(pattern=r"^[A-Za-z0-9-]{8,64}$", description="Unique per event; deliveries are idempotent on it")
    council_code: CouncilCode
    case_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$")
    reference: Text = Field(description="The contact's reference as the team and the partner know it")
    received_at: AwareDatetime
    accepted_at: AwareDatetime
    outcome: ContactOutcome = Field(description="REFER_TO_CSC or EARLY_HELP")
    level: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,19}$")] = Field(description="The level of need decided")
    categories: list[ConcernCategory] = Field(min_length=1, max_length=len(ConcernCategory))
    child: AcceptedChild
    source: ContactSource


def accepted_event(case: ContactCase) -> ContactAccepted:
    """The Contact Accepted event of a contact the team accepted. Its id is the case's, so a repeated put (a retried
    step) is one delivery."""
    outcome, child, form = case.outcome, case.application.child, case.application.form
    if outcome is None or outcome.outcome not in ACCEPTING_OUTCOMES or not isinstance(form, CauseForConcern):
        raise ValueError(f"contact {case.case_id} is not an accepted cause for concern")
    submitter = case.application.submitter
    return ContactAccepted(
        event_id=f"{case.case_id}-accepted", council_code=case.council_code, case_id=case.case_id, reference=case.reference,
        received_at=case.received_at, accepted_at=outcome.at, outcome=outcome.outcome, level=case.level,
        categories=form.categories,
        child=AcceptedChild(given_name=child.given_name, family_name=child.family_name,
                            date_of_birth=None if child.unborn else child.date_of_birth,
                            expected_date_of_birth=child.expected_date_of_birth if child.unborn else None,
                            postcode=child.address.postcode),
        source=ContactSource(agency_id=submitter.agency_id, agency_name=submitter.agency_name, channel=case.application.channel),
    )


def episode_record(event: ContactAccepted) -> dict[str, str]:
    """The contact and referral episode the system is sent, by column (a Dynamics-style custom table, prefix cw_)."""
    child = event.child
    record = {
        CASE_ID_FIELD: event.case_id,
        "cw_contactreference": event.reference,
        "cw_episodetype": EPISODE_TYPE,
        "cw_outcome": event.outcome.value,
        "cw_levelofneed": event.level,
        "cw_categories": ",".join(category.value for category in event.categories),
        "cw_contacton": dynamics_time(event.received_at),
        "cw_acceptedon": dynamics_time(event.accepted_at),
        "cw_firstname": child.given_name,
        "cw_lastname": child.family_name,
        "cw_postcode": child.postcode,
        "cw_sourceagency": event.source.agency_name,
        "cw_sourceagencyid": event.source.agency_id,
        "cw_channel": event.source.channel.value,
    }
    # Absent rather than null: null would clear a value the system already holds for the child.
    if child.date_of_birth is not None:
        record["cw_birthdate"] = child.date_of_birth.isoformat()
    if child.expected_date_of_birth is not None:
        record["cw_expecteddate"] = child.expected_date_of_birth.isoformat()
    return record


def main() -> None:
    write_event_schema(ContactAccepted, CONTACT_ACCEPTED, SCHEMA_FILE)


if __name__ == "__main__":
    main()
