"""DynamoDB requests and workflow state transitions per path of a Family Front Door contact: each partner's or team's
action with the workflow steps it sets off, counted with the workflow settled before and after. Printed and pinned
(they set the running cost per contact)."""

from __future__ import annotations

from collections import Counter

import pytest
from botocore.client import BaseClient

from infra.local.seed import wait_for_workflows
from shared.bootstrap import councils, workflows
from shared.core.domain.case import utcnow
from shared.resources import COUNCIL_TABLE_PREFIX, CRM_CONNECTOR_FUNCTION, WorkflowKey
from shared.services.family_front_door.domain.case import ContactOutcome
from shared.services.family_front_door.logic import contacts
from tests.integration.conftest import invoke, wait_until
from tests.integration.family_front_door.test_contact_workflow import (
    NORTHSHIRE,
    OFFICER,
    concern,
    event_for,
    state_transitions,
    store,
    submitter,
)


# What the contact's own items cost: every request but the reads of the council's settings (council_now's GetItem of
# its admin-stored settings, made wherever a council is read: emails, metrics), which are counted apart.
OWN_PARTITIONS = ("CASE#", "APPLICATION#", "LOOKUP#", "VIEWS#")


@pytest.fixture
def requests(monkeypatch) -> tuple[Counter, Counter]:
    """(the contact's own DynamoDB requests by operation, the council settings reads by operation)."""
    own: Counter = Counter()
    settings: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation, params):
        table = params.get("TableName") or next(iter(params.get("TransactItems", [{}])[0].values()), {}).get("TableName", "")
        if self.meta.service_model.service_name == "dynamodb" and table.startswith(COUNCIL_TABLE_PREFIX):
            key = (params.get("Key") or {}).get("pk", {}).get("S", "CASE#")
            (own if operation != "GetItem" or key.startswith(OWN_PARTITIONS) else settings)[operation] += 1
        elif self.meta.service_model.service_name == "dynamodb":
            own[f"{operation} ({table})"] += 1
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return own, settings


def settle(stack, clients) -> None:
    assert wait_for_workflows(clients["stepfunctions"], stack.state_machine_arns.values())


def test_requests_and_transitions_per_path(stack, clients, requests, accepted_events, record_system):
    own, settings_reads = requests
    council, sender = councils().get(NORTHSHIRE), submitter()
    figures: dict[str, dict[str, int]] = {}
    council_reads: dict[str, int] = {}
    transitions: dict[str, list[str]] = {}
    seen: list[str] = []

    def measure(path: str, action, states: tuple[str, ...] = ()):
        """Count `action` and the workflow steps it sets off: until its execution has entered `states` (read from
        Step Functions, not the table, so that waiting adds nothing to the count) and settled."""
        settle(stack, clients)
        own.clear(), settings_reads.clear()
        result = action()
        if states:
            wait_until(lambda: len(state_transitions(clients, stack, result.case_id)) >= len(seen) + len(states),
                       what=f"{path}: states {states}")
        settle(stack, clients)  # asks Step Functions only: nothing here adds to the count
        figures[path], council_reads[path] = dict(own), sum(settings_reads.values())
        if states:
            entered = state_transitions(clients, stack, result.case_id)
            transitions[path] = entered[len(seen):]
            seen[:] = entered
        return result

    case = measure("submit (portal) + open + wait at screening",
                   lambda: contacts.submit(store(), workflows(), council, sender, concern(), utcnow()), ("ResumeAt", "Open", "Screening"))
    case = store().get(case.case_id)
    case = measure("take responsibility",
                   lambda: contacts.take_responsibility(store(), council, case.case_id, case.version, OFFICER, utcnow()))
    case = measure("override the level of need",
                   lambda: contacts.override_priority(store(), council, case.case_id, case.version, "red", "Violence now.", OFFICER, utcnow()))
    measure("ask the partner + wait for the answer",
            lambda: contacts.request_more_information(store(), workflows(), council, case.case_id, case.version,
                                                      "Siblings?", OFFICER, utcnow()), ("Screened", "AskPartner"))
    case = store().get(case.case_id)
    measure("partner answers + back to screening",
            lambda: contacts.answer_information_request(store(), workflows(), council, case.case_id, case.version, "One sister.",
                                                        sender, utcnow()), ("Screening",))
    case = store().get(case.case_id)
    measure("outcome (refer to children's social care) + accepted + event + reply",
            lambda: contacts.record_outcome(store(), workflows(), council, case.case_id, case.version, ContactOutcome.REFER_TO_CSC,
                                            "Referred.", OFFICER, utcnow()), ("Screened", "Accept"))
    event = event_for(clients, accepted_events, case.case_id)
    own.clear(), settings_reads.clear()
    assert invoke(CRM_CONNECTOR_FUNCTION, event)[0]["status"] == "DELIVERED"
    figures["connector: episode opened + id on the contact"] = dict(own)
    council_reads["connector: episode opened + id on the contact"] = sum(settings_reads.values())
    measure("partner's list of submissions", lambda: contacts.submissions_of(store(), council, sender.user_id))
    measure("earlier contacts about the child", lambda: contacts.earlier_contacts(store(), case))

    print("\nDynamoDB requests per path:")
    for path, counted in figures.items():
        print(f"  {path}: {counted} (+ {council_reads[path]} council settings reads); states entered: {transitions.get(path, [])}")
    assert all("Scan" not in counted for counted in figures.values())
    assert figures == PINNED_REQUESTS
    assert transitions == PINNED_TRANSITIONS
    assert store().get(case.case_id).workflow == WorkflowKey.FFD_CONTACT


# Each path's requests on the contact's own items. A change of a contact is one transaction (the case, its audit entry,
# its listed search keys whose key or row the change alters, and any resume it owes); a person's step read first (GetItem);
# a resume's outbox item deleted by the workflow's next save of the contact; an email's outcome one audit PutItem.
PINNED_REQUESTS: dict[str, dict[str, int]] = {
    # submit: the marker (already a contact?) + the create transaction; open: get + save + the acknowledgement's audit;
    # wait at screening: get + save (the token)
    "submit (portal) + open + wait at screening": {"GetItem": 3, "TransactWriteItems": 3, "PutItem": 1},
    "take responsibility": {"GetItem": 1, "TransactWriteItems": 1},
    "override the level of need": {"GetItem": 1, "TransactWriteItems": 1},
    # the question with its resume; ask_partner: get + save (deleting the resume's outbox item) + the email's audit
    "ask the partner + wait for the answer": {"GetItem": 2, "TransactWriteItems": 2, "PutItem": 1},
    # the answer with its resume; wait at screening: get + save (deleting the outbox item)
    "partner answers + back to screening": {"GetItem": 2, "TransactWriteItems": 2},
    # the outcome with its resume; accept: get + save (deleting the outbox item) + the reply's audit (the event goes on the bus)
    "outcome (refer to children's social care) + accepted + event + reply": {"GetItem": 2, "TransactWriteItems": 2, "PutItem": 1},
    # Powertools idempotency (put, then the result) in its own table; the contact read and the episode id saved
    "connector: episode opened + id on the contact": {"PutItem (casework-idempotency)": 1, "UpdateItem (casework-idempotency)": 1,
                                                      "GetItem": 1, "TransactWriteItems": 1},
    "partner's list of submissions": {"Query": 1},  # its listed search key: rows with status, no contact read
    "earlier contacts about the child": {"Query": 2},  # surname + date of birth, and address
}
# States entered by each path (the team's own changes, taking responsibility and the level, enter none).
PINNED_TRANSITIONS: dict[str, list[str]] = {
    "submit (portal) + open + wait at screening": ["ResumeAt", "Open", "Screening"],
    "ask the partner + wait for the answer": ["Screened", "AskPartner"],
    "partner answers + back to screening": ["Screening"],
    "outcome (refer to children's social care) + accepted + event + reply": ["Screened", "Accept"],
}
