"""An adult social care referral end to end on the local stack: the real asc-referral ASL on moto's Step Functions,
the asc-step handler for its tasks, the screening officer's decisions and the referrer's answer through the reply link."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from infra.local.seed import wait_for_workflows
from shared.bootstrap import council_client, councils, reply_links_for, store_for, workflows
from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import utcnow
from shared.core.logic.tenancy import Caller
from shared.resources import ASC_STEP_FUNCTION, Role, WorkflowKey, council_table_name
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage, ScreeningOutcome
from shared.services.asc_triage.domain.crm import REFERRAL_ACCEPTED
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.domain.triage import TriageRoute
from shared.services.asc_triage.logic.referrals import receive_referral
from shared.services.asc_triage.logic.screening import ScreeningInput, answer_by_link, open_question, screen
from shared.core.logic.steps import InvalidStep
from tests.integration.conftest import case_actions, emails_to, invoke, wait_for_execution, wait_until
from tests.unit.asc_triage.test_referral import referral_data

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
OFFICER = Caller(user="officer@northshire.example.gov.uk", council_code=NORTHSHIRE, roles=frozenset({Role.CASEWORKER}))


@pytest.fixture(scope="module")
def accepted_events(stack, clients) -> str:
    """A queue the bus delivers every Referral Accepted event to (as the CRM connector's rule takes them)."""
    sqs, events = clients["sqs"], clients["events"]
    url = sqs.create_queue(QueueName="asc-referral-accepted-test")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="asc-referral-accepted-test", EventBusName=stack.event_bus_name,
                    EventPattern=json.dumps(REFERRAL_ACCEPTED.pattern), State="ENABLED")
    events.put_targets(Rule="asc-referral-accepted-test", EventBusName=stack.event_bus_name, Targets=[{"Id": "test-queue", "Arn": arn}])
    return url


def new_referral(council: str = NORTHSHIRE, **overrides: Any) -> Referral:
    """A referral of its own (id and referrer email), likely eligible unless `overrides` change its answers."""
    unique = uuid.uuid4().hex[:12]
    return Referral.model_validate(referral_data(referral_id=f"REF-{unique}", council_code=council,
                                                 referrer__email=f"referrer-{unique}@nhs.example", **overrides))


def receive(referral: Referral) -> ReferralCase:
    council = councils().get(referral.council_code)
    questions = QuestionSets(council_client("dynamodb", council.code), council_table_name(council.code))
    return receive_referral(referral, council, store_for(council.code), questions, workflows(), "test", utcnow()).case


def waiting_at(case_id: str, stage: ReferralStage, council: str = NORTHSHIRE) -> ReferralCase:
    """The referral once its workflow waits for a person at `stage` (the token stored)."""
    store = store_for(council)

    def arrived():
        case = store.get(case_id)
        return case if case is not None and case.stage is stage and case.task_token else None
    return wait_until(arrived, what=f"referral {case_id} waiting at {stage.value}")


def finished(stack, clients, case_id: str) -> ReferralCase:
    execution = wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.ASC_REFERRAL], case_id)
    assert execution["status"] == "SUCCEEDED", execution
    return store_for(NORTHSHIRE).get(case_id)


def decide(case: ReferralCase, outcome: ScreeningOutcome, caller: Caller = OFFICER, **given: Any) -> ReferralCase | None:
    return screen(store_for(NORTHSHIRE), workflows(), councils().get(caller.council_code or NORTHSHIRE), case.case_id,
                  ScreeningInput(expected_version=case.version, outcome=outcome, **given), caller, utcnow())


def event_for(clients, queue_url: str, case_id: str) -> dict:
    def received():
        messages = clients["sqs"].receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            clients["sqs"].delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return next((event for event in map(json.loads, (message["Body"] for message in messages))
                     if event["detail"]["case_id"] == case_id), None)
    return wait_until(received, what=f"Referral Accepted event of {case_id}")


def subjects(referral: Referral) -> list[str]:
    return [message.subject for message in emails_to(referral.referrer.email)]


def email_body(referral: Referral, containing: str) -> str:
    """The body of the latest email to the referrer that contains `containing`, once sent (the workflow sends it a
    moment after the case reaches the stage a test waits for)."""
    return wait_until(lambda: next((message.body for message in reversed(emails_to(referral.referrer.email))
                                    if containing in message.body), None), what=f"an email containing {containing!r}")


def state_transitions(clients, stack, case_id: str) -> list[str]:
    arn = stack.state_machine_arns[WorkflowKey.ASC_REFERRAL].replace(":stateMachine:", ":execution:") + f":{case_id}"
    events = clients["stepfunctions"].get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]


def test_a_likely_eligible_referral_is_routed_to_the_team_chosen(stack, clients, accepted_events):
    referral = new_referral()
    received = receive(referral)
    assert received.recommendation.route is TriageRoute.LIKELY_ELIGIBLE and received.team == "asc-front-door"
    case = waiting_at(received.case_id, ReferralStage.SCREENING)
    assert f"We have received your referral - reference {case.case_id}" in subjects(referral)

    assert decide(case, ScreeningOutcome.ROUTE, team="community-ot").team == "community-ot"
    routed = finished(stack, clients, case.case_id)

    assert routed.stage is ReferralStage.ROUTED and routed.team == "community-ot" and routed.routed_at is not None
    assert routed.screening.overrides_recommendation is False and routed.screening.by == OFFICER.user
    event = event_for(clients, accepted_events, case.case_id)
    assert (event["source"], event["detail-type"]) == (REFERRAL_ACCEPTED.source, REFERRAL_ACCEPTED.detail_type)
    assert event["detail"]["team"] == "Community OT" and event["detail"]["adult"]["nhs_number"] == "9434765919"
    assert event["detail"]["triage"]["route"] == "LIKELY_ELIGIBLE" and event["detail"]["event_id"] == f"{case.case_id}-accepted"
    assert case_actions(store_for(NORTHSHIRE), case.case_id) == [
        "REFERRAL_RECEIVED", "STAGE_CHANGED", "WAITING_FOR_SCREENING", "SCREENED", "STAGE_CHANGED"]
    screened = next(entry for entry in store_for(NORTHSHIRE).history(case.case_id) if entry.action == "SCREENED")
    assert screened.actor == OFFICER.actor and screened.after["team"] == "community-ot" and screened.before["team"] == "asc-front-door"
    assert subjects(referral)[-1] == f"We have passed your referral to our Community OT team - reference {case.case_id}"


def test_a_referral_with_some_support_needs_is_signposted(stack, clients):
    referral = new_referral(answers__outcomes__personal_hygiene=[])  # one outcome not achieved: below the threshold
    case = waiting_at(receive(referral).case_id, ReferralStage.SCREENING)
    assert case.recommendation.route is TriageRoute.SUPPORT_NEEDS

    decide(case, ScreeningOutcome.SIGNPOST)
    signposted = finished(stack, clients, case.case_id)

    assert signposted.stage is ReferralStage.SIGNPOSTED and signposted.screening.overrides_recommendation is False
    body = email_body(referral, "These services can help")
    assert "Northby Meals at Home" in body and "01632 960101" in body  # helps with nutrition, everywhere
    assert "Northby Age Friends" in body  # general help in NE1, where the person lives
    moved = store_for(NORTHSHIRE).history(case.case_id)[-2]
    assert moved.after["stage"] == "SIGNPOSTED" and "meals-at-home" in moved.after["signposts"]


def test_overriding_the_recommendation_needs_a_reason(stack, clients):
    case = waiting_at(receive(new_referral()).case_id, ReferralStage.SCREENING)

    with pytest.raises(InvalidStep) as refused:
        decide(case, ScreeningOutcome.SIGNPOST)
    assert refused.value.field == "reason"
    with pytest.raises(InvalidStep) as refused:
        decide(case, ScreeningOutcome.ROUTE, team="blue-badge")
    assert refused.value.field == "team"
    assert store_for(NORTHSHIRE).get(case.case_id).version == case.version  # nothing recorded

    decide(case, ScreeningOutcome.SIGNPOST, reason="Their daughter now cooks for them; they want the lunch club only")
    signposted = finished(stack, clients, case.case_id)
    assert signposted.stage is ReferralStage.SIGNPOSTED and signposted.screening.overrides_recommendation is True


def test_the_referrer_is_asked_answers_through_the_link_and_the_referral_is_closed(stack, clients):
    referral = new_referral()
    case = waiting_at(receive(referral).case_id, ReferralStage.SCREENING)

    decide(case, ScreeningOutcome.ASK_REFERRER, question="Does she already have carers visiting?")
    asked = waiting_at(case.case_id, ReferralStage.AWAITING_INFORMATION)
    assert asked.information_due is not None and asked.questions[-1].question == "Does she already have carers visiting?"
    body = email_body(referral, "/referral")
    assert "Does she already have carers visiting?" in body
    token = re.search(r"/reply/([^/\s]+)/referral", body).group(1)
    links, store = reply_links_for(NORTHSHIRE), store_for(NORTHSHIRE)
    assert open_question(links, store, token, utcnow()).case_id == case.case_id

    answered = answer_by_link(links, store, workflows(), token, "Yes: twice a day, from Northby Home Care", utcnow())
    assert answered.questions[-1].answer == "Yes: twice a day, from Northby Home Care"
    assert open_question(links, store, token, utcnow()) is None  # single use
    back = waiting_at(case.case_id, ReferralStage.SCREENING)

    decide(back, ScreeningOutcome.CLOSE, reason="Already has a care package")
    closed = finished(stack, clients, case.case_id)
    assert closed.stage is ReferralStage.CLOSED and closed.screening.outcome is ScreeningOutcome.CLOSE
    assert case_actions(store, case.case_id) == [
        "REFERRAL_RECEIVED", "STAGE_CHANGED", "WAITING_FOR_SCREENING", "SCREENED", "REFERRER_ASKED", "REFERRER_ANSWERED",
        "STAGE_CHANGED", "SCREENED", "STAGE_CHANGED"]
    assert subjects(referral)[-1] == f"We have closed your referral - reference {case.case_id}"


def test_an_urgent_referral_goes_to_safeguarding_at_the_top_of_the_queue(stack, clients, accepted_events):
    received = receive(new_referral(answers__urgent__abuse_or_neglect_suspected=True))
    assert received.recommendation.route is TriageRoute.URGENT
    case = waiting_at(received.case_id, ReferralStage.SCREENING)
    assert (case.team, case.priority) == ("safeguarding", 100)

    decide(case, ScreeningOutcome.ROUTE, team="safeguarding")
    assert finished(stack, clients, case.case_id).team == "safeguarding"
    assert event_for(clients, accepted_events, case.case_id)["detail"]["team"] == "Adult safeguarding"


def test_another_councils_caller_cannot_screen_the_referral(stack):
    case = waiting_at(receive(new_referral()).case_id, ReferralStage.SCREENING)
    stranger = Caller(user="officer@valewye.example.gov.uk", council_code=VALEWYE, roles=frozenset({Role.CASEWORKER}))
    given = ScreeningInput(expected_version=case.version, outcome=ScreeningOutcome.ROUTE, team="community-ot")

    assert screen(store_for(VALEWYE), workflows(), councils().get(VALEWYE), case.case_id, given, stranger, utcnow()) is None
    assert screen(store_for(NORTHSHIRE), workflows(), councils().get(NORTHSHIRE), case.case_id, given, stranger, utcnow()) is None
    assert store_for(NORTHSHIRE).get(case.case_id).version == case.version


def test_a_decision_on_a_version_since_changed_is_refused(stack):
    case = waiting_at(receive(new_referral()).case_id, ReferralStage.SCREENING)

    with pytest.raises(StaleVersion):
        screen(store_for(NORTHSHIRE), workflows(), councils().get(NORTHSHIRE), case.case_id,
               ScreeningInput(expected_version=case.version - 1, outcome=ScreeningOutcome.ROUTE, team="community-ot"), OFFICER, utcnow())
    still = store_for(NORTHSHIRE).get(case.case_id)
    assert still.stage is ReferralStage.SCREENING and still.task_token == case.task_token


def test_escalation_and_no_reply_through_the_step_handler(stack, clients):
    """The steps the workflow takes after 30 days unscreened, or a question unanswered, run here straight through the
    handler (the execution itself is stopped at the end)."""
    case = waiting_at(receive(new_referral()).case_id, ReferralStage.SCREENING)
    store = store_for(NORTHSHIRE)

    def step(action: str, **extra: Any) -> dict:
        result, errored = invoke(ASC_STEP_FUNCTION, {"action": action, "council_code": NORTHSHIRE, "case_id": case.case_id, **extra})
        assert not errored, result
        return result

    assert step("escalate", stage="SCREENING") == {"stage": "SCREENING"}
    flagged = store.get(case.case_id)
    assert flagged.task_token is None and "a team leader should look" in flagged.needs_attention
    step("wait", stage="SCREENING", task_token="renewed-token")
    renewed = store.get(case.case_id)
    assert renewed.task_token == "renewed-token" and renewed.needs_attention == flagged.needs_attention  # still the leader's
    decide(renewed, ScreeningOutcome.ASK_REFERRER, question="Is she safe at night?")
    assert step("ask_referrer", task_token="asked-token", timeout_seconds=3600) == {"stage": "AWAITING_INFORMATION"}
    assert step("no_reply") == {"stage": "SCREENING"}
    back = store.get(case.case_id)
    assert back.task_token is None and back.questions[-1].answer is None
    noted = store.history(case.case_id)[-1]
    assert noted.action == "NO_REPLY" and noted.after["note"].startswith("The referrer did not answer by")
    result, errored = invoke(ASC_STEP_FUNCTION, {"action": "wait", "council_code": NORTHSHIRE, "case_id": case.case_id,
                                                 "stage": "AWAITING_INFORMATION", "task_token": "t"})
    assert errored and "wait is only at SCREENING" in result["errorMessage"]
    arn = stack.state_machine_arns[WorkflowKey.ASC_REFERRAL].replace(":stateMachine:", ":execution:") + f":{case.case_id}"
    clients["stepfunctions"].stop_execution(executionArn=arn)


def test_requests_and_state_transitions_along_each_path(stack, clients, dynamodb_calls):
    """DynamoDB requests of the referral path (intake, screening, routing) set its running cost, and standard workflows
    are billed per state transition: both counted, printed and pinned."""

    def settle() -> None:
        assert wait_for_workflows(clients["stepfunctions"], stack.state_machine_arns.values())

    settle()
    counts: dict[str, dict[str, int]] = {}
    dynamodb_calls.clear()
    case_id = receive(new_referral()).case_id
    settle()  # asks Step Functions only, so nothing here adds to the count
    counts["intake, open, acknowledgement, wait at screening"] = dict(dynamodb_calls)
    case = waiting_at(case_id, ReferralStage.SCREENING)
    dynamodb_calls.clear()
    # Counted together: the workflow's route step starts as soon as the decision's resume is sent, so under load its
    # requests can land before the decision's call returns.
    decide(case, ScreeningOutcome.ROUTE, team="community-ot")
    wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.ASC_REFERRAL], case_id)
    settle()
    counts["screening decision (ROUTE), route, event, outcome email"] = dict(dynamodb_calls)
    assert store_for(NORTHSHIRE).get(case_id).stage is ReferralStage.ROUTED
    paths = {"likely eligible, routed": state_transitions(clients, stack, case.case_id)}

    signposted = waiting_at(receive(new_referral(answers__outcomes__personal_hygiene=[])).case_id, ReferralStage.SCREENING)
    decide(signposted, ScreeningOutcome.SIGNPOST)
    finished(stack, clients, signposted.case_id)
    paths["support needs, signposted"] = state_transitions(clients, stack, signposted.case_id)

    asked_referral = new_referral()
    asked = waiting_at(receive(asked_referral).case_id, ReferralStage.SCREENING)
    decide(asked, ScreeningOutcome.ASK_REFERRER, question="Who helps her now?")
    waiting_at(asked.case_id, ReferralStage.AWAITING_INFORMATION)
    token = re.search(r"/reply/([^/\s]+)/referral", email_body(asked_referral, "/referral")).group(1)
    answer_by_link(reply_links_for(NORTHSHIRE), store_for(NORTHSHIRE), workflows(), token, "Nobody", utcnow())
    decide(waiting_at(asked.case_id, ReferralStage.SCREENING), ScreeningOutcome.CLOSE, reason="Known to the district nurses")
    finished(stack, clients, asked.case_id)
    paths["referrer asked, answered, closed"] = state_transitions(clients, stack, asked.case_id)

    report = ["", "DynamoDB requests along the referral path:"]
    report += [f"  {name:50} {sum(counted.values()):2}  {counted}" for name, counted in counts.items()]
    report += ["State transitions per referral workflow path:"]
    report += [f"  {name:35} {len(states):2}  {' > '.join(states)}" for name, states in paths.items()]
    print("\n".join(report))
    assert all("Scan" not in counted for counted in counts.values())
    # receive: question set (get), application marker (get), the case transaction; open: get, save, acknowledgement
    # audit; wait: get, save; and in each function invocation that reads the council (here two: the receiving one
    # reads it from the deployment's config) one GetItem of its admin-stored settings (issue 16 part 4), counted in
    # every GetItem figure below
    assert counts["intake, open, acknowledgement, wait at screening"] == {"GetItem": 6, "TransactWriteItems": 3, "PutItem": 1}, report
    # the decision (get, and one transaction with its pending resume), then the route step (get, and the save that also
    # deletes the resume's outbox item; the outcome email's audit)
    assert counts["screening decision (ROUTE), route, event, outcome email"] == {
        "GetItem": 4, "TransactWriteItems": 2, "PutItem": 1}, report
    assert len(paths["likely eligible, routed"]) == 5, report
    assert len(paths["support needs, signposted"]) == 5, report
    assert len(paths["referrer asked, answered, closed"]) == 8, report
