"""Demo Family Front Door contacts for the local stack: for each council that runs it, a handful of contacts from its
demo partners (seed_partners), sent through `contacts.submit` as the portal sends them (the same checks, level of need
and workflow start), then worked by the council's demo caseworker through the team's own functions, so the holding
area and the partners' "My submissions" show a contact at every stage:

- new in the holding area, nobody responsible yet (neglect, from the school);
- a screening officer responsible and the level of need raised, with the reason (physical abuse, from the GP);
- waiting for the partner's answer to the team's question (online harm, from the school);
- closed with information and advice (a request for information, from the GP);
- accepted, referred to children's social care (domestic abuse, from the police): its workflow publishes Contact
  Accepted, which the one CRM connector delivers when its queue is pumped (at once in `./dev run`). The first council's
  record system (the loopback receiver) opens an episode, whose id is stored on the contact; the other's refuses the
  connector's sign-in (demo_record_system_endpoints), so that delivery fails, as the adult social care demo's does.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from infra.local.crm_receiver import CrmReceiver
from infra.local.provision import ClientFactory, LocalResources, client_factory
from infra.local.seed import demo_users, wait_for_workflows
from infra.local.seed_asc import demo_crm_endpoints
from infra.local.seed_partners import DemoAgency, PartnerSeedReport
from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Workflows
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.core.domain.crm import CrmEndpoint
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.agencies import AgencyKind
from shared.services.family_front_door.domain.case import ContactCase, ContactOutcome, ContactStage
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.domain.submission import (
    CauseForConcern,
    Child,
    ChildAddress,
    ConcernCategory,
    Consent,
    DomesticAbuse,
    Injuries,
    InformationRequest,
    Neglect,
    NeglectArea,
    OnlineHarm,
    Submitter,
    Urgency,
)
from shared.services.family_front_door.logic import contacts

log = logging.getLogger(__name__)

RECORD_SYSTEM_ENTITY_SET = "cw_contactepisodes"  # the stand-in's table of contact and referral episodes


class DemoStage(StrEnum):
    """Where the demo leaves a contact (the banner's words)."""

    NEW = "new in the holding area"
    LEVEL_RAISED = "level of need raised by the team"
    AWAITING_PARTNER = "waiting for the partner's answer"
    CLOSED = "closed with information and advice"
    ACCEPTED = "referred to children's social care"


@dataclass(frozen=True)
class DemoContact:
    agency: AgencyKind  # which demo agency's partner sends it
    build: Callable[[date], CauseForConcern | InformationRequest]  # (today) -> the complete form
    leave_at: DemoStage


@dataclass(frozen=True)
class SeededContact:
    case_id: str
    agency_name: str
    leave_at: DemoStage
    stage: ContactStage
    level: str


@dataclass(frozen=True)
class FfdSeedReport:
    contacts: dict[str, list[SeededContact]]  # council code -> its demo contacts, in DEMO_CONTACTS order
    workflows_settled: bool


def _born(today: date, years: int) -> date:
    return date(today.year - years, 3, 14)


def _child(given: str, family: str, born: date, line1: str, town: str, postcode: str) -> Child:
    return Child(given_name=given, family_name=family, date_of_birth=born,
                 address=ChildAddress(line1=line1, town=town, postcode=postcode))


def _neglect(today: date) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.NEGLECT],
        child=_child("Maisie", "Rowe", _born(today, 7), "8 Willow Walk", "Northby", "NE1 4XF"),
        concern="Maisie often arrives hungry and in the same clothes all week; she has missed three dental appointments.",
        neglect=Neglect(areas=[NeglectArea.FOOD, NeglectArea.HYGIENE, NeglectArea.HEALTH], how_long="Since the start of term"),
        actions_taken="Breakfast club place offered; spoke to mum, who said money is tight.",
        household="Maisie, her mum and a brother aged 2.",
        consent=Consent(sought=True, given=True),
        urgency=Urgency.ROUTINE,
    )


def _physical_abuse(today: date) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.PHYSICAL_ABUSE],
        child=_child("Theo", "Grant", _born(today, 4), "21 Mill Lane", "Northby", "NE2 7QT"),
        concern="Bruising on both upper arms in the shape of fingers, seen at a check-up; the explanation kept changing.",
        injuries=Injuries(description="Oval bruises on both upper arms, about a week old", medical_attention=True),
        actions_taken="Photographs in the notes; the practice safeguarding lead informed.",
        consent=Consent(sought=False, not_sought_reason="Asking the parents could put Theo at greater risk."),
        urgency=Urgency.WITHIN_DAYS,
    )


def _online_harm(today: date) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.ONLINE_HARM],
        child=_child("Jade", "Okafor", _born(today, 12), "4 Station Road", "Northby", "NE3 2LP"),
        concern="Jade told a teacher an older 'friend' from a game asks her to keep their chats secret and has sent gifts.",
        online_harm=OnlineHarm(platforms="An online game's chat and a messaging app", images_shared=False, police_informed=False),
        actions_taken="Online safety talk with Jade; her dad told and asked to check her phone.",
        consent=Consent(sought=True, given=True),
        urgency=Urgency.WITHIN_DAYS,
    )


def _information_request(today: date) -> InformationRequest:
    return InformationRequest(
        child=_child("Ruby", "Hale", _born(today, 2), "Flat 6, 30 Church Street", "Northby", "NE4 9DS"),
        information_wanted="Whether the family has an allocated social worker or an early help plan.",
        reason="New patient registration: the health visitor needs to know who else supports the family.",
        urgency=Urgency.ROUTINE,
    )


def _domestic_abuse(today: date) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.DOMESTIC_ABUSE],
        child=_child("Liam", "Carter", _born(today, 9), "17 Park Avenue", "Northby", "NE5 1RB"),
        concern="Called to the home at 02:00 after a neighbour heard screaming; mum had a cut lip, Liam was on the stairs.",
        domestic_abuse=DomesticAbuse(perpetrator_in_household=True, child_present=True, police_involved=True,
                                     police_reference="DA-2611-0042"),
        actions_taken="Partner arrested; mum and Liam safe at a relative's tonight; DASH risk assessment high.",
        household="Liam, his mum and her partner.",
        consent=Consent(sought=False, not_sought_reason="Safeguarding: a high-risk domestic abuse incident."),
        urgency=Urgency.TODAY,
    )


DEMO_CONTACTS = (
    DemoContact(AgencyKind.SCHOOL, _neglect, DemoStage.NEW),
    DemoContact(AgencyKind.GP_PRACTICE, _physical_abuse, DemoStage.LEVEL_RAISED),
    DemoContact(AgencyKind.SCHOOL, _online_harm, DemoStage.AWAITING_PARTNER),
    DemoContact(AgencyKind.GP_PRACTICE, _information_request, DemoStage.CLOSED),
    DemoContact(AgencyKind.POLICE, _domestic_abuse, DemoStage.ACCEPTED),
)


def demo_record_system_endpoints(crm: CrmReceiver, councils: CouncilRegistry) -> dict[str, CrmEndpoint]:
    """Each Family Front Door council's social care record system: the receiver's episodes table, signed in to as the
    council's demo CRM is (seed_asc.demo_crm_endpoints: the first council's sign-in accepted, the others' refused)."""
    signed_in = demo_crm_endpoints(crm, councils)
    return {council.code: signed_in.get(council.code, crm.endpoint(council.code)).model_copy(
                update={"api_url": crm.endpoint(council.code, entity_set=RECORD_SYSTEM_ENTITY_SET).api_url})
            for council in councils if council.runs(SERVICE_KEY)}


def _submitters(cognito: Any, pool_id: str, agencies: list[DemoAgency]) -> dict[AgencyKind, Submitter]:
    """Each demo agency's partner as the portal knows them after sign-in (user id: the pool's `sub`), so the contacts
    are in their own "My submissions"."""
    found = {}
    for demo in agencies:
        attributes = {item["Name"]: item["Value"] for item in
                      cognito.admin_get_user(UserPoolId=pool_id, Username=demo.partner_email)["UserAttributes"]}
        found[demo.agency.kind] = Submitter(user_id=attributes["sub"], email=demo.partner_email, name=demo.partner_name,
                                            agency_id=demo.agency.agency_id, agency_name=demo.agency.name)
    return found


def _officer(council: CouncilConfig, councils: CouncilRegistry) -> Caller:
    """The council's demo caseworker login, as the front-door team's pages see it."""
    login = next(user for user in demo_users(councils) if user.council_code == council.code and user.role is Role.CASEWORKER)
    return Caller(user=login.username, council_code=council.code, roles=frozenset({Role.CASEWORKER}),
                  teams=frozenset(team.key for team in council.teams))


def _in_holding_area(store: CaseStore, case_id: str, timeout_seconds: float) -> ContactCase:
    """The contact once its workflow waits for the team's decision (at SCREENING, its task token saved)."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        case = store.get(case_id)
        if isinstance(case, ContactCase) and case.stage is ContactStage.SCREENING and case.task_token:
            return case
        if time.monotonic() >= deadline:
            found = case.stage.value if isinstance(case, ContactCase) else "no contact"
            raise TimeoutError(f"demo contact {case_id} is at {found}, not in the holding area after {timeout_seconds:.0f} s")
        time.sleep(0.2)


def _work(store: CaseStore, workflows: Workflows, council: CouncilConfig, waiting: ContactCase, leave_at: DemoStage,
          officer: Caller, now: datetime) -> None:
    """The team's steps that leave the contact at `leave_at` (a new contact is left as it arrived)."""
    if leave_at is DemoStage.NEW:
        return
    contact = contacts.take_responsibility(store, council, waiting.case_id, waiting.version, officer, now)
    assert contact is not None  # the officer's own council's contact
    match leave_at:
        case DemoStage.LEVEL_RAISED:
            levels = front_door_settings(council).levels
            raised = next(level.key for level in levels if level.key != contact.level)  # the most urgent other level
            contacts.override_priority(store, council, contact.case_id, contact.version, raised,
                                       "Fingertip bruising on a four-year-old: seen today, not within days.", officer, now)
        case DemoStage.AWAITING_PARTNER:
            contacts.request_more_information(store, workflows, council, contact.case_id, contact.version,
                                              "Do you know the name the older contact uses, and has Jade met them?", officer, now)
        case DemoStage.CLOSED:
            contacts.record_outcome(store, workflows, council, contact.case_id, contact.version, ContactOutcome.INFORMATION_AND_ADVICE,
                                    "Ruby's family has no social worker and no early help plan with us.", officer, now)
        case DemoStage.ACCEPTED:
            contacts.record_outcome(store, workflows, council, contact.case_id, contact.version, ContactOutcome.REFER_TO_CSC,
                                    "We have referred Liam to children's social care: a social worker will contact the family "
                                    "today.", officer, now)


def seed_contacts(session_or_clients: Any, resources: LocalResources, councils: CouncilRegistry, partners: PartnerSeedReport,
                  now: datetime | None = None, settle_seconds: float = 30.0) -> FfdSeedReport:
    """Send the demo contacts of every council that runs the Family Front Door from its demo partners (seed_partners
    first), wait for each to reach the holding area, then take each to where the demo leaves it."""
    clients: ClientFactory = client_factory(session_or_clients)
    now = now or datetime.now(UTC)
    workflows = Workflows(clients("stepfunctions"), {key.value: arn for key, arn in resources.state_machine_arns.items()})
    stores = {code: CaseStore(clients("dynamodb"), resources.council_tables[code]).serving(SERVICE_KEY) for code in partners.agencies}
    sent: dict[str, list[tuple[ContactCase, DemoContact, str]]] = {}
    today = now.date()
    for code, agencies in partners.agencies.items():
        council = councils.get(code)
        senders = _submitters(clients("cognito-idp"), resources.partner_user_pool_id, agencies)
        sent[code] = [
            (contacts.submit(stores[code], workflows, council, senders[demo.agency], demo.build(today),
                             now - timedelta(minutes=15 * (len(DEMO_CONTACTS) - position)),
                             submission_id=f"FFD-DEMO-{code}-{position:03d}"),
             demo, senders[demo.agency].agency_name)
            for position, demo in enumerate(DEMO_CONTACTS, start=1)
        ]
    for code, seeded in sent.items():
        council, officer = councils.get(code), _officer(councils.get(code), councils)
        for case, demo, _ in seeded:
            # The team acts now, after the workflow's first steps (the contact's history stays in order).
            _work(stores[code], workflows, council, _in_holding_area(stores[code], case.case_id, settle_seconds),
                  demo.leave_at, officer, datetime.now(UTC))
    settled = wait_for_workflows(clients("stepfunctions"), resources.state_machine_arns.values(), settle_seconds)
    report: dict[str, list[SeededContact]] = {}
    for code, seeded in sent.items():
        report[code] = []
        for case, demo, agency_name in seeded:
            current = stores[code].get(case.case_id)
            assert isinstance(current, ContactCase)
            report[code].append(SeededContact(current.case_id, agency_name, demo.leave_at, current.stage, current.level))
    log.info("Demo contacts by stage: %s", "; ".join(
        f"{code}: {', '.join(f'{count} {stage}' for stage, count in Counter(c.stage.value for c in seeded).items())}"
        for code, seeded in report.items()))
    return FfdSeedReport(report, settled)


def contacts_banner(web_url: str, holding_area_path: str, report: FfdSeedReport, record_system_url: str) -> str:
    """The demo contacts per council, where the team and the partners see them, and where accepted ones go."""
    if not report.contacts:
        return "Family Front Door demo contacts: none (no council runs the Family Front Door)"
    lines = [f"Family Front Door demo contacts, from the demo partners (holding area: {web_url}{holding_area_path} as a demo "
             f"staff login; each partner sees theirs under My submissions); workflows settled: {report.workflows_settled}"]
    lines += [f"  {code}: " + "; ".join(f"{contact.case_id} {contact.level} ({contact.agency_name}) {contact.leave_at.value}"
                                        for contact in seeded) for code, seeded in report.contacts.items()]
    lines.append(f"  Accepted contacts go to the social care record system stand-in, {record_system_url}/: the first council's "
                 "opens an episode (its id stored on the contact); the other's sign-in is refused, to show a failing delivery.")
    return "\n".join(lines)
