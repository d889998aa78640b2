"""Demo adult social care referrals for the local stack: a handful per council that runs ASC triage, taken in through
`receive_referral` (the same checks, triage, queue and workflow start as a referral from the form), so the screening
queue shows every recommendation: likely eligible, support needs and urgent.

Each referral is answered on the council's current question set, so a council's own required questions are answered too.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from infra.local.crm_receiver import CrmReceiver
from infra.local.provision import ClientFactory, LocalResources, client_factory
from infra.local.seed import wait_for_workflows
from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.workflows import Workflows
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.services.asc_triage import SERVICE_KEY
from shared.resources import Role
from shared.core.logic.tenancy import Caller
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.case import ReferralStage, ScreeningOutcome
from shared.services.asc_triage.domain.crm import CrmEndpoint
from shared.services.asc_triage.domain.questions import LocalAnswerKind, QuestionSet, UnableWay
from shared.services.asc_triage.domain.referral import Referral, nhs_number_check_digit
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.logic.referrals import receive_referral
from shared.services.asc_triage.logic.screening import ScreeningInput, screen

log = logging.getLogger(__name__)

SEED_ACTOR = "local-seed"
NEEDS_ASSISTANCE = [UnableWay.NEEDS_ASSISTANCE.value]
IN_PAIN = [UnableWay.SIGNIFICANT_PAIN_DISTRESS_ANXIETY.value]
AT_RISK = [UnableWay.ENDANGERS_SAFETY.value]


@dataclass(frozen=True)
class DemoReferral:
    label: str
    build: Callable[[QuestionSet, str], dict[str, Any]]  # (question set, outward postcode) -> the referral's other fields


@dataclass(frozen=True)
class AscSeedReport:
    recommendations: dict[str, Counter[str]]  # council code -> referrals per triage recommendation
    case_ids: dict[str, list[str]]  # council code -> the demo cases, in DEMO_REFERRALS order
    workflows_settled: bool


def _answers(question_set: QuestionSet, *, outcomes: dict[str, list[str]], wellbeing: str, wellbeing_description: str,
             urgent: tuple[str, ...] = (), impairment: str | None = None, carer: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every question of the set answered: the outcomes (the carer's, with `carer`) and urgent questions not named are
    answered "can" and "no", and the council's own required questions "no" or "not known"."""
    answers: dict[str, Any] = {
        "wellbeing": {"impact": wellbeing, "description": wellbeing_description},
        "urgent": {question.id: question.id in urgent for question in question_set.urgent},
        "local": {question.id: False if question.answer_kind is LocalAnswerKind.YES_NO else "Not known"
                  for question in question_set.local if question.required},
    }
    if carer is None:
        answers["impairment"] = {"has_impairment": impairment is not None, "description": impairment}
        answers["outcomes"] = {outcome.id: outcomes.get(outcome.id, []) for outcome in question_set.outcomes}
    else:
        answers["carer"] = {**carer, "outcomes": {outcome.id: outcomes.get(outcome.id, []) for outcome in question_set.carer.outcomes}}
    return answers


def _adult(given: str, family: str, born: date, outward: str, line1: str, *, nhs: str | None = None) -> dict[str, Any]:
    return {"given_name": given, "family_name": family, "date_of_birth": born.isoformat(), "nhs_number": nhs,
            "address": {"line1": line1, "postcode": f"{outward} 2AB"}}


def _nhs_number(first_nine: int) -> str:
    """A valid NHS number from the first nine digits given (or the next nine that have a check digit)."""
    while (check := nhs_number_check_digit(f"{first_nine:09d}")) is None:
        first_nine += 1
    return f"{first_nine:09d}{check}"


def _gp_practice(questions: QuestionSet, outward: str) -> dict[str, Any]:
    return {
        "referral_for": "ADULT_NEEDS",
        "referrer": {"kind": "PROFESSIONAL", "name": "Dr Grace Okonjo", "organisation": "Mill Lane Surgery", "role": "GP",
                     "email": "grace.okonjo@nhs.example"},
        "adult": _adult("Ada", "Lovell", date(1946, 3, 14), outward, "12 Mill Lane", nhs=_nhs_number(943476591)),
        "consent": {"given": "YES"},
        "answers": _answers(questions, impairment="Parkinson's disease, diagnosed 2019",
                            outcomes={"nutrition": NEEDS_ASSISTANCE, "personal_hygiene": IN_PAIN, "clothing": NEEDS_ASSISTANCE},
                            wellbeing="SIGNIFICANT", wellbeing_description="Has lost weight and is anxious about falling"),
    }


def _hospital_discharge(questions: QuestionSet, outward: str) -> dict[str, Any]:
    return {
        "referral_for": "ADULT_NEEDS",
        "referrer": {"kind": "PROFESSIONAL", "name": "Sam Reid", "organisation": "General Hospital discharge team",
                     "role": "Discharge coordinator", "phone": "01632 960500"},
        "adult": _adult("Bryn", "Howell", date(1939, 11, 2), outward, "4 Station Road", nhs=_nhs_number(401023456)),
        "consent": {"given": "YES"},
        "answers": _answers(questions, impairment="Hip fracture after a fall; recovering from surgery",
                            outcomes={"toilet_needs": NEEDS_ASSISTANCE, "home_safety": AT_RISK, "habitable_home": NEEDS_ASSISTANCE},
                            wellbeing="SIGNIFICANT",
                            wellbeing_description="Ready to leave hospital next week; cannot manage the stairs at home alone"),
    }


def _police_safeguarding(questions: QuestionSet, outward: str) -> dict[str, Any]:
    return {
        "referral_for": "ADULT_NEEDS",
        "referrer": {"kind": "PROFESSIONAL", "name": "PC Jordan Ellis", "organisation": "Police, neighbourhood team",
                     "role": "Police constable", "phone": "01632 960999"},
        "adult": _adult("Cyril", "Marsh", date(1952, 7, 21), outward, "Flat 3, 9 Church Street"),
        "consent": {"given": "NOT_ASKED", "reason": "Safeguarding concern: asking could put him at greater risk"},
        "answers": _answers(questions, impairment="Memory problems; possible dementia", urgent=("abuse_or_neglect_suspected",),
                            outcomes={"nutrition": NEEDS_ASSISTANCE, "habitable_home": AT_RISK},
                            wellbeing="SIGNIFICANT",
                            wellbeing_description="A lodger is taking his pension; the home is cold and there is little food"),
    }


def _resident(questions: QuestionSet, outward: str) -> dict[str, Any]:
    return {
        "referral_for": "ADULT_NEEDS",
        "referrer": {"kind": "SELF", "name": "Dilys Price", "email": "dilys.price@example.com"},
        "adult": _adult("Dilys", "Price", date(1958, 1, 30), outward, "27 Orchard Close"),
        "consent": {"given": "YES"},
        "answers": _answers(questions, impairment="Arthritis in both knees", outcomes={"community_facilities": IN_PAIN},
                            wellbeing="SOME", wellbeing_description="Goes out less since the bus stop moved"),
    }


def _carer(questions: QuestionSet, outward: str) -> dict[str, Any]:
    return {
        "referral_for": "CARER",
        "referrer": {"kind": "FAMILY_OR_FRIEND", "name": "Owain Morgan", "phone": "07700 900123"},
        "adult": _adult("Rhian", "Morgan", date(1961, 9, 5), outward, "6 Park Avenue"),
        "consent": {"given": "YES"},
        "answers": _answers(questions, outcomes={"recreation": NEEDS_ASSISTANCE, "relationships": IN_PAIN},
                            wellbeing="SIGNIFICANT",
                            wellbeing_description="Exhausted; has had no break in a year and missed her own appointments",
                            carer={"needs_from_caring": True, "health_at_risk": True,
                                   "caring_for": "Her husband, who has dementia, day and night"}),
    }


DEMO_REFERRALS = (
    DemoReferral("GP practice: likely eligible", _gp_practice),
    DemoReferral("hospital discharge: likely eligible", _hospital_discharge),
    DemoReferral("police, safeguarding: urgent", _police_safeguarding),
    DemoReferral("resident: support needs", _resident),
    DemoReferral("carer: likely eligible (carer's test)", _carer),
)


def demo_referrals(council: CouncilConfig, questions: QuestionSet, now: datetime) -> list[Referral]:
    """The council's demo referrals, submitted a few minutes apart before `now`, addressed near its first hub."""
    hubs = triage_settings(council).directory.hubs
    outward = hubs[0].postcode.split()[0] if hubs else "AB1"  # any valid area: directory entries for ALL still apply
    return [
        Referral.model_validate({
            "referral_id": f"ASC-DEMO-{council.code}-{position:03d}",
            "council_code": council.code,
            "question_set_version": questions.version,
            "submitted_at": (now - timedelta(minutes=10 * (len(DEMO_REFERRALS) - position))).isoformat(),
            **demo.build(questions, outward),
        })
        for position, demo in enumerate(DEMO_REFERRALS, start=1)
    ]


def seed_referrals(session_or_clients: Any, resources: LocalResources, councils: CouncilRegistry,
                   now: datetime | None = None, settle_seconds: float = 30.0) -> AscSeedReport:
    """Take in the demo referrals of every council that runs ASC triage, then wait for their workflows to reach
    screening (each waits there for a screening officer)."""
    clients: ClientFactory = client_factory(session_or_clients)
    now = now or datetime.now(UTC)
    workflows = Workflows(clients("stepfunctions"), {key.value: arn for key, arn in resources.state_machine_arns.items()})
    recommendations: dict[str, Counter[str]] = {}
    case_ids: dict[str, list[str]] = {}
    for council in councils:
        if not council.runs(SERVICE_KEY):
            continue
        table = resources.council_tables[council.code]
        questions = QuestionSets(clients("dynamodb"), table)
        store = CaseStore(clients("dynamodb"), table)
        receipts = [receive_referral(referral, council, store, questions, workflows, SEED_ACTOR, now)
                    for referral in demo_referrals(council, questions.current(), now)]
        case_ids[council.code] = [receipt.case.case_id for receipt in receipts]
        recommendations[council.code] = Counter(receipt.case.recommendation.route.value for receipt in receipts)
    settled = wait_for_workflows(clients("stepfunctions"), resources.state_machine_arns.values(), settle_seconds)
    log.info("Demo referrals by recommendation: %s",
             "; ".join(f"{code}: {', '.join(f'{count} {route}' for route, count in sorted(counts.items()))}"
                       for code, counts in recommendations.items()))
    return AscSeedReport(recommendations, case_ids, settled)


# ---------------------------------------------------------------- referrals the demo routes, for the councils' CRMs
# The demo's CRMs: the first ASC council's takes its routed referrals; every other one's refuses the connector's sign-in
# (its app registration is not the one the CRM knows, as after the council's IT retired it), so the demo shows a delivery
# failing too: the connector's error, CrmDeliveryFailures, and the event in casework-crm-connector-dlq-local in the end.
def demo_crm_endpoints(crm: CrmReceiver, councils: CouncilRegistry) -> dict[str, CrmEndpoint]:
    asc = [council.code for council in councils if council.runs(SERVICE_KEY)]
    return {code: crm.endpoint(code) if position == 0 else crm.refusing_endpoint(code) for position, code in enumerate(asc)}


def _routed_gp_referral(questions: QuestionSet, outward: str) -> dict[str, Any]:
    referral = _gp_practice(questions, outward)
    referral["adult"] = _adult("Elis", "Bowen", date(1944, 5, 9), outward, "3 Chapel Row", nhs=_nhs_number(612345678))
    return referral


def route_demo_referrals(session_or_clients: Any, resources: LocalResources, councils: CouncilRegistry,
                         now: datetime | None = None, settle_seconds: float = 30.0) -> dict[str, str]:
    """One more referral per ASC council (a GP's, likely eligible), taken in and routed at screening by the demo
    caseworker as triage recommends, through `screen`: its workflow then publishes it for the council's CRM, which the
    CRM connector delivers when the connector's queue is pumped (at once in `./dev run`). The case ids, by council."""
    clients: ClientFactory = client_factory(session_or_clients)
    now = now or datetime.now(UTC)
    workflows = Workflows(clients("stepfunctions"), {key.value: arn for key, arn in resources.state_machine_arns.items()})
    routed: dict[str, str] = {}
    for council in councils:
        if not council.runs(SERVICE_KEY):
            continue
        store = CaseStore(clients("dynamodb"), resources.council_tables[council.code])
        questions = QuestionSets(clients("dynamodb"), resources.council_tables[council.code])
        current, hubs = questions.current(), triage_settings(council).directory.hubs
        referral = Referral.model_validate({
            "referral_id": f"ASC-DEMO-{council.code}-ROUTED", "council_code": council.code,
            "question_set_version": current.version, "submitted_at": (now - timedelta(hours=1)).isoformat(),
            **_routed_gp_referral(current, hubs[0].postcode.split()[0] if hubs else "AB1")})
        case_id = receive_referral(referral, council, store, questions, workflows, SEED_ACTOR, now).case.case_id
        routed[council.code] = case_id
    wait_for_workflows(clients("stepfunctions"), resources.state_machine_arns.values(), settle_seconds)
    for code, case_id in routed.items():
        council, store = councils.get(code), CaseStore(clients("dynamodb"), resources.council_tables[code])
        case = store.get(case_id)
        if case.stage is not ReferralStage.SCREENING:
            continue  # routed by an earlier seeding of the same stack: the CRM has had it
        officer = Caller(user=f"caseworker@{code.lower()}.example", council_code=code, roles=frozenset({Role.CASEWORKER}))
        screen(store, workflows, council, case_id, ScreeningInput(expected_version=case.version, outcome=ScreeningOutcome.ROUTE,
                                                                  team=triage_settings(council).routing_teams[0]), officer, now)
    wait_for_workflows(clients("stepfunctions"), resources.state_machine_arns.values(), settle_seconds)
    return routed
