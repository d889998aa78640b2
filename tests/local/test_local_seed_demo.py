"""The seeded demo, with the real ingest, workflows and API on moto: every stage has a case in each council,
and the replacement and cancellation requests name real badges a caseworker can act on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.provision import client_factory
from infra.local.pump import IntakePump
from infra.local.seed import BADGE_OF, DemoUser, Expected, SeedReport, call_api, seed, wait_for_workflows
from shared.core.adapters.case_store import CaseStore
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import Stage
from shared.resources import Role

StackAndReport = tuple[dict[str, BadgeStore], SeedReport]


@pytest.fixture(scope="module")
def seeded(module_stack, councils) -> Iterator[StackAndReport]:
    session, resources, _ = module_stack
    clients = client_factory(session)
    pump = IntakePump(clients("sqs"), resources.intake_queue_url, resources.intake_queue_arn)
    report = seed(session, resources, councils, pump)
    yield {code: BadgeStore(clients("dynamodb"), table) for code, table in resources.council_tables.items()}, report
    # Executions still waiting for a person are stopped, so none outlives this module's moto.
    sfn = clients("stepfunctions")
    wait_for_workflows(sfn, resources.state_machine_arns.values(), timeout_seconds=5)
    for arn in resources.state_machine_arns.values():
        for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
            sfn.stop_execution(executionArn=execution["executionArn"])


def login(report: SeedReport, council_code: str, role: Role) -> DemoUser:
    return next(user for user in report.users if user.council_code == council_code and user.role is role)


def case_of(store: CaseStore, application_id: str) -> Case:
    return next(case for stage in Stage for case in store.by_stage(stage, limit=100)[0] if case.application.application_id == application_id)


def post(user: DemoUser, store: CaseStore, case_id: str, step: str, body: dict[str, Any]) -> dict:
    status, answer = call_api(user, "POST", f"/cases/{case_id}/{step}", {"expected_version": store.get(case_id).version, **body})
    assert status == 200, answer
    return answer


def test_each_council_shows_every_stage_and_the_assessors_queue(seeded, councils):
    stores, report = seeded
    assert report.pump.drained and report.pump.failed == 0 and report.workflows_settled
    for code in councils.codes:
        stages = report.stages[code]
        assert all(stages[stage] >= 1 for stage in ("AWAITING_INFORMATION", "PROOF_CHECK", "ASSESSMENT", "DECISION", "REFUSED", "REVIEW")), stages
        assert 2 <= stages["ORDERED"] <= 3 and stages["DECISION"] >= 3, stages  # replacement, cancellation and one more
        assert sum(stages.values()) == len([demo for demo in report.applications
                                            if demo.payload["council_code"] == code and demo.expected is not Expected.PARKED])

        assessor = login(report, code, Role.ASSESSOR)
        status, queue = call_api(assessor, "GET", "/cases")
        # Their queue holds the case waiting for their assessment (and, today, the one they assessed, since refused).
        waiting = [entry for entry in queue["cases"] if entry["stage"] == "ASSESSMENT"]
        assert status == 200 and len(waiting) == 1 and waiting[0]["referred_to"] == assessor.username, queue

        ordered = stores[code].by_stage(Stage.ORDERED)[0]
        [organisation] = [case for case in ordered if case.application.organisation is not None]
        assert len(organisation.badge_numbers) == organisation.application.organisation.number_of_badges >= 2

        [review] = stores[code].by_stage(Stage.REVIEW)[0]
        assert review.task_token and review.decision.by == login(report, code, Role.CASEWORKER).username


def test_replacement_and_cancellation_name_issued_badges_and_can_be_approved(seeded, councils):
    stores, report = seeded
    for code in councils.codes:
        store, caseworker = stores[code], login(report, code, Role.CASEWORKER)
        requests = {demo.scenario: demo for demo in report.applications if demo.payload["council_code"] == code and demo.scenario in BADGE_OF}
        assert set(requests) == set(BADGE_OF)
        for scenario, request in requests.items():
            number = request.payload["existing_badge_number"]
            badge = store.get_badge(number)
            assert badge is not None and badge.status is BadgeStatus.ISSUED, (request.label, number)
            assert badge.holder.surname == request.payload["holder"]["surname"]
            # Issued through the real print path: tonight's dispatch, then the supplier's confirmation.
            actions = [entry.action for entry in store.history(badge.case_id)]
            assert actions.index("BADGE_PROCESSED") < actions.index("BADGE_ISSUED"), actions
            case = case_of(store, request.application_id)
            assert case.stage is Stage.DECISION and case.task_token, (request.label, case.stage)

            # A newcomer's first click works: the caseworker approves the request.
            post(caseworker, store, case.case_id, "decision", {"outcome": "APPROVE"})
            closes_at, badge_becomes = {"REPLACE": (Stage.ORDERED, BadgeStatus.REPLACED),
                                        "CANCEL": (Stage.BADGE_CANCELLED, BadgeStatus.CANCELLED)}[request.payload["application_type"]]
            assert wait_for_stage(store, case.case_id, closes_at), scenario
            assert store.get_badge(number).status is badge_becomes, scenario


def wait_for_stage(store: CaseStore, case_id: str, stage: Stage, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store.get(case_id).stage is stage:
            return True
        time.sleep(0.1)
    return False
