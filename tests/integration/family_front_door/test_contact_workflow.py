"""A Family Front Door contact end to end on the local stack: the real ffd-contact ASL on moto's Step Functions, the
ffd-step handler for its tasks, the team's actions and the partner's answer, and the accepted contact delivered through
the one connector (functions/crm_connector) to the loopback record system (infra/local/crm_receiver.py)."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from shared.bootstrap import councils, store_for, workflows
from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.domain.case import utcnow
from shared.core.domain.crm import CASE_ID_FIELD
from shared.core.logic.steps import InvalidStep, StepNotOpen
from shared.core.logic.tenancy import Caller
from shared.resources import CRM_CONNECTOR_FUNCTION, Role, WorkflowKey
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED
from shared.services.family_front_door.domain.case import ContactCase, ContactOutcome, ContactStage
from shared.services.family_front_door.domain.submission import (
    CauseForConcern,
    Child,
    ChildAddress,
    ConcernCategory,
    Consent,
    DomesticAbuse,
    InformationRequest,
    Submitter,
    Urgency,
)
from shared.services.family_front_door.logic import contacts
from tests.integration.conftest import case_actions, emails_to, invoke, wait_for_execution, wait_until
from tests.integration.family_front_door.conftest import EPISODES

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
OFFICER = Caller(user="officer@northshire.example.gov.uk", council_code=NORTHSHIRE, roles=frozenset({Role.CASEWORKER}))
WYE_OFFICER = Caller(user="officer@valewye.example.gov.uk", council_code=VALEWYE, roles=frozenset({Role.CASEWORKER}))


def submitter(agency: str = "northby-primary") -> Submitter:
    unique = uuid.uuid4().hex[:8]
    return Submitter(user_id=f"partner-{unique}", email=f"dsl-{unique}@northbyprimary.example.sch.uk", name="Sam Teacher",
                     agency_id=agency, agency_name="Northby Primary School", role="Designated safeguarding lead")


def concern(**changes) -> CauseForConcern:
    return CauseForConcern(
        categories=[ConcernCategory.DOMESTIC_ABUSE],
        child=Child(given_name="Alex", family_name=f"Smith{uuid.uuid4().hex[:4].upper()}", date_of_birth=date(2016, 5, 4),
                    address=ChildAddress(line1="12 High Street", town="Northby", postcode="NE1 4XF")),
        concern="Alex said there was shouting and a door was broken at home last night.",
        actions_taken="Spoke to Alex with the class teacher; logged on the school's system.",
        consent=Consent(sought=False, not_sought_reason="Asking could put Alex at greater risk."),
        urgency=Urgency.WITHIN_DAYS,
        domestic_abuse=DomesticAbuse(perpetrator_in_household=True, child_present=True, police_involved=False),
    ).model_copy(update=changes)


def store(council: str = NORTHSHIRE) -> CaseStore:
    return store_for(council).serving(SERVICE_KEY)


def submit(form=None, sender: Submitter | None = None, council: str = NORTHSHIRE) -> ContactCase:
    return contacts.submit(store(council), workflows(), councils().get(council), sender or submitter(), form or concern(), utcnow())


def waiting_at(case_id: str, stage: ContactStage, council: str = NORTHSHIRE) -> ContactCase:
    def arrived():
        case = store(council).get(case_id)
        return case if case is not None and case.stage is stage and case.task_token else None
    return wait_until(arrived, what=f"contact {case_id} waiting at {stage.value}")


def state_transitions(clients, stack, case_id: str) -> list[str]:
    arn = stack.state_machine_arns[WorkflowKey.FFD_CONTACT].replace(":stateMachine:", ":execution:") + f":{case_id}"
    events = clients["stepfunctions"].get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]


def subjects(sender: Submitter) -> list[str]:
    return [message.subject for message in emails_to(sender.email)]


def event_for(clients, queue_url: str, case_id: str) -> dict:
    def received():
        messages = clients["sqs"].receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            clients["sqs"].delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return next((event for event in map(json.loads, (message["Body"] for message in messages))
                     if event["detail"]["case_id"] == case_id), None)
    return wait_until(received, what=f"Contact Accepted event of {case_id}")


def test_a_contact_from_the_portal_to_an_episode_in_the_record_system(stack, clients, accepted_events, record_system):
    sender = submitter()
    received = submit(sender=sender)
    assert (received.stage, received.level, received.team) == (ContactStage.RECEIVED, "amber", "family-front-door")
    case = waiting_at(received.case_id, ContactStage.SCREENING)
    assert f"We have received your contact about Alex {case.application.child.family_name} - reference {case.case_id}" in subjects(sender)

    case = contacts.take_responsibility(store(), councils().get(NORTHSHIRE), case.case_id, case.version, OFFICER, utcnow())
    assert (case.screening_officer, case.assignee) == (OFFICER.user, OFFICER.user)
    case = contacts.override_priority(store(), councils().get(NORTHSHIRE), case.case_id, case.version, "red",
                                      "A broken door: violence in the home now.", OFFICER, utcnow())
    assert (case.level, case.requested_level, case.priority) == ("red", "amber", 100) and case.response_due < received.response_due

    asked = contacts.request_more_information(store(), workflows(), councils().get(NORTHSHIRE), case.case_id, case.version,
                                              "Does Alex have siblings at home?", OFFICER, utcnow())
    case = waiting_at(asked.case_id, ContactStage.AWAITING_INFORMATION)
    assert case.information_requests[-1].due is not None
    assert wait_until(lambda: any("We need more information" in subject for subject in subjects(sender)), what="the question email")
    view = contacts.partner_submission(store(), councils().get(NORTHSHIRE), case.case_id, sender.user_id, sender.agency_id)
    assert view.question_open and view.status == "More information needed" and view.questions[-1].question.startswith("Does Alex")

    contacts.answer_information_request(store(), workflows(), councils().get(NORTHSHIRE), case.case_id, case.version,
                                        "Yes, a sister aged 3.", sender, utcnow())
    case = waiting_at(case.case_id, ContactStage.SCREENING)
    assert case.information_requests[-1].answer == "Yes, a sister aged 3."

    contacts.record_outcome(store(), workflows(), councils().get(NORTHSHIRE), case.case_id, case.version,
                            ContactOutcome.REFER_TO_CSC, "We have referred Alex to children's social care.", OFFICER, utcnow())
    execution = wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.FFD_CONTACT], case.case_id)
    assert execution["status"] == "SUCCEEDED", execution
    accepted = store().get(case.case_id)
    assert accepted.stage is ContactStage.ACCEPTED and accepted.outcome.outcome is ContactOutcome.REFER_TO_CSC
    outcome_email = wait_until(lambda: next((m.body for m in emails_to(sender.email) if "Outcome:" in m.body), None), what="outcome email")
    assert "Referred to children's social care" in outcome_email and "https://northshire.example.gov.uk/children/threshold-guidance" in outcome_email

    event = event_for(clients, accepted_events, case.case_id)
    assert (event["source"], event["detail-type"]) == (CONTACT_ACCEPTED.source, CONTACT_ACCEPTED.detail_type)
    assert event["detail"]["level"] == "red" and event["detail"]["categories"] == ["DOMESTIC_ABUSE"]
    posts_before = record_system.record_requests
    delivered, failed = invoke(CRM_CONNECTOR_FUNCTION, event)  # as the connector's rule hands it over
    assert not failed, delivered
    assert invoke(CRM_CONNECTOR_FUNCTION, event) == (delivered, False)  # delivered at least once: idempotent on the event id
    assert delivered["status"] == "DELIVERED" and record_system.record_requests == posts_before + 1
    [episode] = [record for record in record_system.received() if record.body[CASE_ID_FIELD] == case.case_id]
    assert episode.entity_set == EPISODES and episode.body["cw_episodetype"] == "CONTACT_AND_REFERRAL"
    assert store().get(case.case_id).episode_id == episode.record_id == delivered["external_id"]
    assert case_actions(store(), case.case_id) == [
        "CONTACT_RECEIVED", "STAGE_CHANGED", "WAITING_FOR_SCREENING", "RESPONSIBILITY_TAKEN", "PRIORITY_OVERRIDDEN",
        "INFORMATION_REQUESTED", "PARTNER_ASKED", "PARTNER_ANSWERED", "STAGE_CHANGED", "OUTCOME_RECORDED", "STAGE_CHANGED",
        "EPISODE_OPENED"]
    assert [row.case_id for row in contacts.submissions_of(store(), councils().get(NORTHSHIRE), sender.user_id)] == [case.case_id]
    assert contacts.submissions_of(store(), councils().get(NORTHSHIRE), sender.user_id)[0].stage is ContactStage.ACCEPTED


def test_an_incomplete_form_is_refused_naming_each_missing_field(stack):
    form = concern(actions_taken=None, domestic_abuse=None, consent=Consent(sought=False))
    with pytest.raises(contacts.SubmissionIncomplete) as refused:
        submit(form)
    assert [item.code for item in refused.value.missing] == [
        "domestic_abuse.perpetrator_in_household", "domestic_abuse.child_present", "domestic_abuse.police_involved",
        "actions_taken", "consent.not_sought_reason"]
    assert refused.value.missing[0].description == "Select yes if the person causing the abuse lives with the child"


def test_an_information_request_is_closed_with_a_reply_and_cannot_be_accepted(stack, clients):
    sender = submitter()
    request = InformationRequest(child=concern().child, information_wanted="Is Alex known to children's services?",
                                 reason="Alex has joined our school from another area.", urgency=Urgency.ROUTINE)
    case = waiting_at(submit(request, sender).case_id, ContactStage.SCREENING)
    assert case.level == "green"
    with pytest.raises(InvalidStep) as refused:
        contacts.record_outcome(store(), workflows(), councils().get(NORTHSHIRE), case.case_id, case.version,
                                ContactOutcome.EARLY_HELP, "Early help.", OFFICER, utcnow())
    assert refused.value.field == "outcome"
    contacts.record_outcome(store(), workflows(), councils().get(NORTHSHIRE), case.case_id, case.version,
                            ContactOutcome.INFORMATION_AND_ADVICE, "Alex is not known to us.", OFFICER, utcnow())
    execution = wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.FFD_CONTACT], case.case_id)
    assert execution["status"] == "SUCCEEDED" and store().get(case.case_id).stage is ContactStage.CLOSED
    with pytest.raises(StepNotOpen):
        contacts.take_responsibility(store(), councils().get(NORTHSHIRE), case.case_id, store().get(case.case_id).version,
                                     OFFICER, utcnow())


def test_a_partner_who_does_not_answer_is_reminded_then_the_team_decides_without_it(stack, clients, monkeypatch):
    original = contacts.workflow_input
    monkeypatch.setattr(contacts, "workflow_input", lambda case, council: original(case, council) | {
        "reminder_after_seconds": 1, "answer_window_seconds": 1})  # the council's hours, in seconds
    sender = submitter()
    case = waiting_at(submit(sender=sender).case_id, ContactStage.SCREENING)
    contacts.request_more_information(store(), workflows(), councils().get(NORTHSHIRE), case.case_id, case.version,
                                      "Who else lives at home?", OFFICER, utcnow())
    back = wait_until(lambda: (found := store().get(case.case_id)).stage is ContactStage.SCREENING and found.version > case.version + 2
                      and found.task_token and found, what="the contact back at screening")
    assert back.information_requests[-1].answer is None
    assert case_actions(store(), case.case_id)[-3:] == ["PARTNER_REMINDED", "NO_ANSWER", "WAITING_FOR_SCREENING"]
    assert any(subject.startswith("Reminder: we need more information") for subject in subjects(sender))
    assert state_transitions(clients, stack, case.case_id) == [
        "ResumeAt", "Open", "Screening", "Screened", "AskPartner", "RemindPartner", "NoAnswer", "Screening"]


def test_council_a_cannot_touch_council_bs_contacts(stack):
    sender = submitter()
    case = waiting_at(submit(sender=sender).case_id, ContactStage.SCREENING)
    wye = councils().get(VALEWYE)
    assert store(VALEWYE).get(case.case_id) is None  # another council's table
    assert contacts.take_responsibility(store(VALEWYE), wye, case.case_id, case.version, WYE_OFFICER, utcnow()) is None
    assert contacts.override_priority(store(NORTHSHIRE), councils().get(NORTHSHIRE), case.case_id, case.version, "red",
                                      "reason", WYE_OFFICER, utcnow()) is None  # a Vale of Wye caller on Northshire's store
    assert contacts.partner_submission(store(VALEWYE), wye, case.case_id, sender.user_id, sender.agency_id) is None
    assert contacts.submissions_of(store(VALEWYE), wye, sender.user_id) == []
    other = submitter("another-agency")
    assert contacts.partner_submission(store(), councils().get(NORTHSHIRE), case.case_id, other.user_id, other.agency_id) is None
    with pytest.raises(StaleVersion):  # every team change is conditional on the version read
        contacts.take_responsibility(store(), councils().get(NORTHSHIRE), case.case_id, case.version - 1, OFFICER, utcnow())


def test_earlier_contacts_about_the_same_child(stack):
    home = ChildAddress(line1=f"{uuid.uuid4().int % 900 + 100} Long Road", town="Northby", postcode="NE1 4XF")
    first = submit(concern(child=concern().child.model_copy(update={"address": home})))
    child = first.application.child
    same_child = concern(child=child.model_copy(update={"address": ChildAddress(line1="3 Mill Lane", postcode="NE2 1AA")}))
    same_house = concern(child=Child(given_name="Jo", family_name="Other", date_of_birth=date(2019, 1, 2), address=child.address))
    by_name, by_address = submit(same_child), submit(same_house)
    found = contacts.earlier_contacts(store(), store().get(first.case_id))
    assert [row.case_id for row in found.same_child] == [by_name.case_id]
    assert [row.case_id for row in found.same_address] == [by_address.case_id]
