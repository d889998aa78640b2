"""Adult social care referrals whose workflow stopped or vanished are started again where they stand, by the engine's
reconciler or by a council administrator, through the real asc-referral ASL on moto."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from shared.bootstrap import council_client, councils, reply_links_for, store_for, workflows
from shared.core.adapters.case_store import StaleVersion
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.logic.casework import ActionNotAllowed
from shared.core.logic.reconciler import reconcile
from shared.core.logic.recovery import NothingToRecover, RecoveryInput, recover
from shared.core.logic.tenancy import Caller
from shared.resources import Role, WorkflowKey, council_table_name
from shared.services.asc_triage.adapters.question_sets import QuestionSets
from shared.services.asc_triage.domain.case import ReferralCase, ReferralStage, ReferrerQuestion, Screening, ScreeningOutcome
from shared.services.asc_triage.logic.recovery import ASC_RECOVERY, resume_at
from shared.services.asc_triage.logic.referrals import receive_referral
from shared.services.asc_triage.logic.screening import answer_by_link
from tests.integration.asc_triage.test_referral_workflow import (NORTHSHIRE, OFFICER, decide, email_body, new_referral,
                                                                 receive, waiting_at)
from tests.integration.conftest import case_actions, emails_to, wait_for_execution, wait_until
from tests.integration.test_recovery import LATER, let_moto_apply_the_stop

ADMIN = Caller(user="pat.admin@northshire.example.gov.uk", council_code=NORTHSHIRE, roles=frozenset({Role.COUNCIL_ADMIN}))


def emails_to_referrer(referral) -> list:
    return emails_to(referral.referrer.email)


def execution(stack, clients, name: str) -> dict:
    return wait_for_execution(clients["stepfunctions"], stack.state_machine_arns[WorkflowKey.ASC_REFERRAL], name)


def stop(stack, clients, waiting: ReferralCase) -> None:
    """Stop the referral's waiting execution (ABORTED; under load moto may fail it instead: over either way)."""
    arn = stack.state_machine_arns[WorkflowKey.ASC_REFERRAL].replace(":stateMachine:", ":execution:") + f":{waiting.case_id}"
    clients["stepfunctions"].stop_execution(executionArn=arn, cause="stopped by hand")
    let_moto_apply_the_stop(clients, waiting.task_token)
    assert execution(stack, clients, waiting.case_id)["status"] in ("ABORTED", "FAILED")


def stopped_at_screening(stack, clients) -> ReferralCase:
    """A referral waiting at screening whose execution was stopped."""
    case = waiting_at(receive(new_referral()).case_id, ReferralStage.SCREENING)
    stop(stack, clients, case)
    return store_for(NORTHSHIRE).get(case.case_id)


def rearmed(case_id: str, restarts: int) -> ReferralCase:
    """The referral once its restarted execution waits for a person again (a fresh token)."""
    store = store_for(NORTHSHIRE)
    return wait_until(lambda: (case := store.get(case_id)).task_token and case.workflow_restarts == restarts and case,
                      what=f"referral {case_id} waiting again")


def test_a_stopped_referral_is_restarted_by_the_reconciler_and_waits_for_screening_again(stack, clients):
    stopped = stopped_at_screening(stack, clients)
    council, store = councils().get(NORTHSHIRE), store_for(NORTHSHIRE)

    assert stopped.case_id not in reconcile(store, workflows(), council, utcnow()).restarted  # just changed: left to settle
    done = reconcile(store, workflows(), council, utcnow() + LATER)
    assert stopped.case_id in done.restarted and stopped.case_id not in done.flagged
    waiting = rearmed(stopped.case_id, 1)
    assert waiting.stage is ReferralStage.SCREENING
    assert workflows().current_state(WorkflowKey.ASC_REFERRAL, f"{stopped.case_id}--r1") == "Screening"
    assert stopped.case_id not in reconcile(store, workflows(), council, utcnow() + LATER).restarted  # running now

    decide(waiting, ScreeningOutcome.ROUTE, team="community-ot")
    assert execution(stack, clients, f"{stopped.case_id}--r1")["status"] == "SUCCEEDED"
    assert store.get(stopped.case_id).stage is ReferralStage.ROUTED
    assert case_actions(store, stopped.case_id).count("WORKFLOW_RESTARTED") == 1


def test_a_referral_whose_execution_is_missing_is_started_at_screening(stack, clients):
    class NotStarted:  # the start was lost: the referral is stored, its workflow never ran
        def start(self, workflow, execution_name, payload) -> bool:
            return True

    questions = QuestionSets(council_client("dynamodb", NORTHSHIRE), council_table_name(NORTHSHIRE))
    received = receive_referral(new_referral(), councils().get(NORTHSHIRE), store_for(NORTHSHIRE), questions, NotStarted(),
                                "test", utcnow()).case
    store, council = store_for(NORTHSHIRE), councils().get(NORTHSHIRE)
    # At a person's step without an execution (as when Step Functions has forgotten it): nothing would ever move it.
    screening = received.changed(utcnow(), stage=ReferralStage.SCREENING)
    store.save(screening, expected_version=received.version,
               audit=AuditEntry(case_id=received.case_id, at=utcnow(), actor="test", action="DATA_FIX"))
    assert workflows().execution(WorkflowKey.ASC_REFERRAL, received.case_id) is None

    done = reconcile(store, workflows(), council, utcnow() + LATER)
    assert received.case_id in done.restarted
    restarted = next(entry for entry in store.history(received.case_id) if entry.action == "WORKFLOW_RESTARTED")
    assert restarted.after == {"execution": f"{received.case_id}--r1", "resume_at": "Screening",
                               "reason": "the workflow execution is missing"}
    decide(rearmed(received.case_id, 1), ScreeningOutcome.CLOSE, reason="Known to the district nurses")
    assert execution(stack, clients, f"{received.case_id}--r1")["status"] == "SUCCEEDED"
    assert store.get(received.case_id).stage is ReferralStage.CLOSED


def test_a_council_admin_resumes_a_stopped_referral_once(stack, clients):
    stopped = stopped_at_screening(stack, clients)
    store, council = store_for(NORTHSHIRE), councils().get(NORTHSHIRE)

    def resume(caller: Caller, version: int):
        return recover(store, workflows(), council, stopped.case_id, RecoveryInput(expected_version=version), caller, utcnow())

    with pytest.raises(ActionNotAllowed):
        resume(OFFICER, stopped.version)
    with pytest.raises(StaleVersion):
        resume(ADMIN, stopped.version - 1)
    resumed = resume(ADMIN, stopped.version)
    assert resumed.workflow_restarts == 1 and resumed.needs_attention is None
    assert rearmed(stopped.case_id, 1).stage is ReferralStage.SCREENING
    # A second click on the same version starts nothing: its workflow runs again.
    with pytest.raises(NothingToRecover):
        resume(ADMIN, stopped.version)
    assert case_actions(store, stopped.case_id).count("WORKFLOW_RESTARTED") == 1


def test_a_screening_decision_whose_workflow_stopped_is_carried_out_on_restart(stack, clients):
    """The officer routed it but the execution had stopped: the restart routes it, without asking for the decision again."""
    stopped = stopped_at_screening(stack, clients)
    store, council = store_for(NORTHSHIRE), councils().get(NORTHSHIRE)
    decide(stopped, ScreeningOutcome.ROUTE, team="community-ot")  # its resume finds no task waiting
    assert store.get(stopped.case_id).stage is ReferralStage.SCREENING

    assert stopped.case_id in reconcile(store, workflows(), council, utcnow() + LATER).restarted
    assert execution(stack, clients, f"{stopped.case_id}--r1")["status"] == "SUCCEEDED"
    routed = store.get(stopped.case_id)
    assert routed.stage is ReferralStage.ROUTED and routed.team == "community-ot"


def test_a_referral_waiting_for_the_referrer_is_asked_again_and_the_link_they_hold_still_works(stack, clients):
    referral = new_referral()
    case = waiting_at(receive(referral).case_id, ReferralStage.SCREENING)
    decide(case, ScreeningOutcome.ASK_REFERRER, question="Who helps her now?")
    asked = waiting_at(case.case_id, ReferralStage.AWAITING_INFORMATION)
    # The question is emailed just after the wait is stored: waited for.
    link = re.search(r"/reply/([^/\s]+)/referral", email_body(referral, "/referral"))
    token = link.group(1)
    stop(stack, clients, asked)
    store = store_for(NORTHSHIRE)

    assert case.case_id in reconcile(store, workflows(), councils().get(NORTHSHIRE), utcnow() + LATER).restarted
    again = rearmed(case.case_id, 1)
    assert again.stage is ReferralStage.AWAITING_INFORMATION and again.information_due == asked.information_due
    assert case_actions(store, case.case_id).count("TASK_RENEWED") == 1  # asked again, with the same reply-by date
    answer_by_link(reply_links_for(NORTHSHIRE), store, workflows(), token, "Nobody", utcnow())
    assert waiting_at(case.case_id, ReferralStage.SCREENING).questions[-1].answer == "Nobody"


def test_where_a_referral_resumes():
    """What a person already gave is not asked for again; what is still owed is waited for again."""
    # received_at: every stored referral has one (its workflow input counts the referrer's time from it)
    case = ReferralCase.model_construct(stage=ReferralStage.RECEIVED, screening=None, questions=[],
                                        received_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    council = councils().get(NORTHSHIRE)
    at = datetime(2026, 1, 5, 10, 0)

    def screened(outcome: ScreeningOutcome) -> Screening:
        return Screening(outcome=outcome, team="community-ot", overrides_recommendation=False, by="officer", at=at)

    asked = ReferrerQuestion(question="Who helps her now?", by="officer", at=at)
    assert resume_at(case, council) is None
    assert resume_at(case.model_copy(update={"stage": ReferralStage.SCREENING}), council) == "Screening"
    for outcome, step in ((ScreeningOutcome.ROUTE, "Route"), (ScreeningOutcome.SIGNPOST, "Signpost"), (ScreeningOutcome.CLOSE, "Close"),
                          (ScreeningOutcome.ASK_REFERRER, "Screening")):
        assert resume_at(case.model_copy(update={"stage": ReferralStage.SCREENING, "screening": screened(outcome)}), council) == step
    waiting = case.model_copy(update={"stage": ReferralStage.AWAITING_INFORMATION, "questions": [asked]})
    assert resume_at(waiting, council) == "AskReferrer"
    answered = asked.model_copy(update={"answer": "Nobody", "answered_at": at})
    assert resume_at(waiting.model_copy(update={"questions": [answered]}), council) == "Screening"
    due = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    overdue_by = waiting.model_copy(update={"information_due": due, "council_code": NORTHSHIRE, "case_id": "R-TEST"})
    assert ASC_RECOVERY.resume_input(overdue_by, council, due - timedelta(hours=2)) == {
        "council_code": NORTHSHIRE, "case_id": "R-TEST", "resume_at": "AskReferrer", "information_timeout_seconds": 7200}  # the time left
    assert ASC_RECOVERY.resume_input(overdue_by, council, due)["resume_at"] == "NoReply"  # time is up: on without an answer


def test_a_referral_whose_referrer_ran_out_of_time_while_stopped_goes_back_to_screening(stack, clients):
    referral = new_referral()
    case = waiting_at(receive(referral).case_id, ReferralStage.SCREENING)
    decide(case, ScreeningOutcome.ASK_REFERRER, question="Who helps her now?")
    asked = waiting_at(case.case_id, ReferralStage.AWAITING_INFORMATION)
    email_body(referral, "/referral")
    stop(stack, clients, asked)
    store = store_for(NORTHSHIRE)
    current = store.get(case.case_id)
    overdue = current.changed(current.updated_at, information_due=utcnow() - timedelta(days=1))
    store.save(overdue, expected_version=current.version, audit=AuditEntry(
        case_id=case.case_id, at=overdue.updated_at, actor="test", action="DUE_DATE_PASSED", after={}))
    questions_sent = len([message for message in emails_to_referrer(referral) if "/referral" in message.body])

    assert case.case_id in reconcile(store, workflows(), councils().get(NORTHSHIRE), utcnow() + LATER).restarted
    back = rearmed(case.case_id, 1)
    assert back.stage is ReferralStage.SCREENING and back.questions[-1].answer is None
    assert workflows().current_state(WorkflowKey.ASC_REFERRAL, f"{case.case_id}--r1") == "Screening"
    assert "TASK_RENEWED" not in case_actions(store, case.case_id)  # not asked again
    assert len([message for message in emails_to_referrer(referral) if "/referral" in message.body]) == questions_sent
