"""The Family Front Door's demo contacts (infra/local/seed_ffd.py) on the local stack as `./dev run` provisions it: the
demo partners' contacts reach the holding area through the real workflow and are left at every stage the demo names,
and the accepted ones go through the one CRM connector: the first council's opens an episode in the loopback record
system (its id stored on the contact), the other's record system refuses the sign-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.local.crm_receiver import start_crm_receiver
from infra.local.provision import CrmSettings, client_factory, provision
from infra.local.pump import EventTargetPump
from infra.local.seed_asc import demo_crm_endpoints
from infra.local.seed_ffd import (
    DEMO_CONTACTS,
    RECORD_SYSTEM_ENTITY_SET,
    DemoStage,
    contacts_banner,
    demo_record_system_endpoints,
    seed_contacts,
)
from infra.local.seed_partners import seed_partners
from shared.core.adapters.case_store import CaseStore
from shared.core.domain.crm import CASE_ID_FIELD
from shared.resources import CRM_CONNECTOR_FUNCTION
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactCase, ContactOutcome, ContactStage
from shared.services.family_front_door.logic.contacts import submissions_of
from tests.local.conftest import local_aws


@pytest.fixture(scope="module")
def seeded(councils) -> Iterator[tuple]:
    crm, _ = start_crm_receiver()
    with local_aws() as session:
        resources = provision(session, councils, crm=CrmSettings(demo_crm_endpoints(crm, councils), crm.client_secret,
                                                                 {SERVICE_KEY: demo_record_system_endpoints(crm, councils)}))
        clients = client_factory(session)
        partners = seed_partners(session, resources, councils)
        report = seed_contacts(session, resources, councils, partners)
        # The connector's queue, as `./dev run`'s pump takes it (the refused delivery's event stays to be retried).
        EventTargetPump(clients("sqs"), resources.crm_events_queue_url, resources.crm_events_queue_arn,
                        CRM_CONNECTOR_FUNCTION).drain(max_seconds=5)
        stores = {code: CaseStore(clients("dynamodb"), resources.council_tables[code]).serving(SERVICE_KEY) for code in report.contacts}
        contacts = {code: {contact.leave_at: stores[code].get(contact.case_id) for contact in seeded}
                    for code, seeded in report.contacts.items()}
        yield report, contacts, stores, partners, crm
        sfn = clients("stepfunctions")
        for arn in resources.state_machine_arns.values():
            for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
                sfn.stop_execution(executionArn=execution["executionArn"])
    crm.stop()


def test_every_council_running_the_front_door_has_a_contact_at_every_stage_the_demo_names(seeded, councils):
    report, contacts, _, _, _ = seeded
    assert set(contacts) == {council.code for council in councils if council.runs(SERVICE_KEY)} != set()
    assert report.workflows_settled
    for code, by_stage in contacts.items():
        assert set(by_stage) == {demo.leave_at for demo in DEMO_CONTACTS} == set(DemoStage)
        assert all(isinstance(contact, ContactCase) for contact in by_stage.values())

        new = by_stage[DemoStage.NEW]
        assert (new.stage, new.screening_officer, new.task_token is not None) == (ContactStage.SCREENING, None, True)

        raised = by_stage[DemoStage.LEVEL_RAISED]
        [override] = raised.priority_overrides
        assert raised.stage is ContactStage.SCREENING and raised.screening_officer == f"caseworker@{code.lower()}.example"
        assert (override.from_level, override.to_level) == (raised.requested_level, raised.level) and raised.level != raised.requested_level

        waiting = by_stage[DemoStage.AWAITING_PARTNER]
        assert waiting.stage is ContactStage.AWAITING_INFORMATION and waiting.task_token
        assert waiting.open_request is not None and waiting.open_request.due is not None

        closed = by_stage[DemoStage.CLOSED]
        assert closed.stage is ContactStage.CLOSED and closed.outcome.outcome is ContactOutcome.INFORMATION_AND_ADVICE

        accepted = by_stage[DemoStage.ACCEPTED]
        assert accepted.stage is ContactStage.ACCEPTED and accepted.outcome.outcome is ContactOutcome.REFER_TO_CSC
        # Different categories and levels of need, as the holding area shows them.
        assert len({contact.level for contact in by_stage.values()}) >= 2
        assert len({tuple(getattr(contact.application.form, "categories", ())) for contact in by_stage.values()}) == len(by_stage)


def test_the_first_councils_accepted_contact_opens_an_episode_and_the_others_delivery_is_refused(seeded):
    _, contacts, _, _, crm = seeded
    delivering, *refusing = contacts
    assert refusing, "the demo needs a second front-door council for its failing delivery"
    [episode] = [record for record in crm.received() if record.entity_set == RECORD_SYSTEM_ENTITY_SET]
    accepted = contacts[delivering][DemoStage.ACCEPTED]
    assert episode.body[CASE_ID_FIELD] == accepted.case_id
    assert accepted.episode_id == episode.record_id
    assert all(contacts[code][DemoStage.ACCEPTED].episode_id is None for code in refusing)


def test_each_demo_partner_sees_their_contacts_in_their_submissions(seeded, councils):
    report, contacts, stores, partners, _ = seeded
    for code, seeded_contacts in report.contacts.items():
        by_agency = {agency.agency.name: agency for agency in partners.agencies[code]}
        for contact in seeded_contacts:
            submitter = contacts[code][contact.leave_at].application.submitter
            assert submitter.email == by_agency[contact.agency_name].partner_email
            assert contact.case_id in {row.case_id for row in submissions_of(stores[code], councils.get(code), submitter.user_id)}


def test_the_banner_names_each_demo_contact_and_where_accepted_ones_go(seeded):
    report, _, _, _, crm = seeded
    crm_url = crm.base_url
    banner = contacts_banner("http://127.0.0.1:8000", "/family-front-door", report, crm_url)
    assert "http://127.0.0.1:8000/family-front-door" in banner and f"{crm_url}/" in banner
    assert all(contact.case_id in banner for seeded_contacts in report.contacts.values() for contact in seeded_contacts)
