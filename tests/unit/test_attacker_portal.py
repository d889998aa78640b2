"""An attacker's inputs to the Family Front Door portal's service layer: an address's draft id or submission reference
that no case of the council's can have (another council's, or longer than a DynamoDB key may be) is never looked up,
and a partner whose pool email is unverified (changed by themselves, not yet proved) is not admitted by its domain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.core.domain.council import load_councils
from shared.services.family_front_door.adapters.drafts import Drafts
from shared.services.family_front_door.domain.agencies import Agency, AgencyKind
from shared.services.family_front_door.domain.submission import Submitter
from shared.services.family_front_door.logic.contacts import (
    answer_information_request,
    partner_submission,
)
from shared.services.family_front_door.logic.partners import (
    PartnerRefused,
    signed_in_partner,
)

NORTHSHIRE = load_councils().get("NORTHSHIRE")
TOO_LONG = f"NORTHSHIRE-261203-{'A' * 3000}"  # a path may be this long; DynamoDB refuses a key over 2048 bytes
NOT_OURS = ["VALEWYE-261203-ABCDEF", TOO_LONG, "../NORTHSHIRE-261203-ABCDEF", "NORTHSHIRE-261203-ABCDEF%2F..", ""]
SUBMITTER = Submitter(user_id="sub-1", email="dana@school.example.sch.uk", name="Dana Lee", agency_id="school-a", agency_name="School A")


class NoLookups:
    """A store or DynamoDB client that fails the test if asked anything."""

    def __getattr__(self, name: str):
        raise AssertionError(f"{name} was called for an id no case of the council's can have")


@pytest.mark.parametrize("reference", NOT_OURS)
def test_a_reference_not_of_the_councils_form_is_no_submission_and_is_not_looked_up(reference):
    assert partner_submission(NoLookups(), NORTHSHIRE, reference, SUBMITTER.user_id, SUBMITTER.agency_id) is None
    assert answer_information_request(NoLookups(), NoLookups(), NORTHSHIRE, reference, 1, "An answer", SUBMITTER,
                                      datetime(2026, 12, 4, tzinfo=UTC)) is None


@pytest.mark.parametrize("draft_id", NOT_OURS[1:])
def test_a_draft_id_no_draft_can_have_is_no_draft_and_is_not_looked_up(draft_id):
    assert Drafts(NoLookups(), "casework-NORTHSHIRE").get("sub-1", draft_id) is None


def test_a_draft_id_of_the_right_form_is_looked_up_under_the_partners_own_key():
    class Client:
        def get_item(self, **request):
            self.key = request["Key"]
            return {}

    client = Client()
    assert Drafts(client, "casework-NORTHSHIRE").get("sub-1", "NORTHSHIRE-261203-ABCDEF") is None
    assert client.key == {"pk": {"S": "PORTAL_DRAFTS#sub-1"}, "sk": {"S": "DRAFT#NORTHSHIRE-261203-ABCDEF"}}


class Directory:
    def agency_for_domain(self, domain: str) -> Agency | None:
        return Agency(agency_id="school-b", name="School B", kind=AgencyKind.SCHOOL) if domain == "school-b.example.sch.uk" else None


@pytest.mark.parametrize("verified", [False, "false"])
def test_an_email_the_partner_changed_and_has_not_proved_does_not_admit_them_by_its_domain(verified):
    claims = {"sub": "sub-1", "email": "dana@school-b.example.sch.uk", "email_verified": verified, "custom:council": "NORTHSHIRE"}
    with pytest.raises(PartnerRefused, match="Your email address is not confirmed"):
        signed_in_partner(claims, load_councils(), lambda code: Directory())
    partner = signed_in_partner({**claims, "email_verified": True}, load_councils(), lambda code: Directory())
    assert partner.agency.agency_id == "school-b"



class Holding:
    """A store holding one case; any write fails the test."""

    def __init__(self, case):
        self._case = case

    def get(self, case_id: str):
        return self._case if case_id == self._case.case_id else None

    def __getattr__(self, name: str):
        raise AssertionError(f"store.{name} was called for a submission the partner may not see")


def test_a_colleague_at_the_same_agency_neither_sees_nor_answers_where_the_council_does_not_share():
    from tests.unit.test_welsh_notifications import contact

    colleague = SUBMITTER.model_copy(update={"user_id": "p2", "email": "p2@school.example", "agency_id": "school"})
    case = contact("VALEWYE")  # sent by p1 of the same agency; Vale of Wye does not show colleagues' submissions
    vale = load_councils().get("VALEWYE")
    assert partner_submission(Holding(case), vale, case.case_id, colleague.user_id, colleague.agency_id) is None
    assert answer_information_request(Holding(case), NoLookups(), vale, case.case_id, case.version, "An answer", colleague,
                                      datetime(2026, 12, 4, tzinfo=UTC)) is None
    shared = contact("NORTHSHIRE")  # Northshire does
    assert partner_submission(Holding(shared), NORTHSHIRE, shared.case_id, colleague.user_id, colleague.agency_id) is not None
    other_agency = colleague.model_copy(update={"agency_id": "other-school"})
    assert partner_submission(Holding(shared), NORTHSHIRE, shared.case_id, other_agency.user_id, other_agency.agency_id) is None
