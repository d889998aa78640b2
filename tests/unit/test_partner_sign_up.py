"""The partner pool's pre-sign-up trigger: an email registers only on a domain its council approved, the domain decides
the agency, and every refusal says why (Cognito shows it as "PreSignUp failed with error <message>.")."""

from __future__ import annotations

import pytest

from functions.partner_sign_up import handler
from infra.local.bridge import lambda_context
from shared.core.domain.council import load_councils
from shared.resources import PARTNER_SIGN_UP_FUNCTION
from shared.services.family_front_door.domain.agencies import Agency, AgencyKind, DomainRefused, email_domain, normalise_domain
from shared.services.family_front_door.logic.partners import PartnerRefused, admit

SCHOOL = Agency(agency_id="riverside-primary", name="Riverside Primary School", kind=AgencyKind.SCHOOL)


class FakeDirectory:
    """The council's allow-list: domain -> agency (what PartnerDirectory.agency_for_domain reads with GetItem)."""

    def __init__(self, allowed: dict[str, Agency]):
        self.allowed = allowed
        self.asked: list[str] = []

    def agency_for_domain(self, domain: str) -> Agency | None:
        self.asked.append(domain)
        return self.allowed.get(domain)


@pytest.fixture
def directories() -> dict[str, FakeDirectory]:
    return {"NORTHSHIRE": FakeDirectory({"riverside.sch.example": SCHOOL}), "VALEWYE": FakeDirectory({})}


def _admit(email: str, council: str | None, directories: dict[str, FakeDirectory]) -> Agency:
    return admit(email, council, load_councils(), directories.__getitem__)


def test_an_email_on_an_allowed_domain_is_admitted_to_the_domains_agency(directories):
    assert _admit("Dana.Lee@Riverside.SCH.example", "NORTHSHIRE", directories) == SCHOOL
    assert directories["NORTHSHIRE"].asked == ["riverside.sch.example"]  # lower-cased, one lookup


def test_a_domain_the_council_did_not_approve_is_refused_naming_it(directories):
    with pytest.raises(PartnerRefused, match=r"Northshire County Council has not approved email addresses ending @elsewhere\.example"):
        _admit("someone@elsewhere.example", "NORTHSHIRE", directories)


def test_another_councils_allow_list_admits_nobody_here(directories):
    with pytest.raises(PartnerRefused, match="has not approved"):
        _admit("dana@riverside.sch.example", "VALEWYE", directories)
    assert directories["NORTHSHIRE"].asked == []  # only the chosen council's table is read


@pytest.mark.parametrize("council", [None, "", "NOWHERE", "northshire"])
def test_an_unknown_council_is_refused_without_reading_any_table(directories, council):
    with pytest.raises(PartnerRefused, match="does not take partner registrations"):
        _admit("dana@riverside.sch.example", council, directories)
    assert not any(directory.asked for directory in directories.values())


@pytest.mark.parametrize("email", ["not-an-email", "@riverside.sch.example", "dana@gmail.com", "dana@localhost"])
def test_no_work_email_address_is_refused(directories, email):
    with pytest.raises(PartnerRefused, match="Enter your work email address"):
        _admit(email, "NORTHSHIRE", directories)


def test_domains_are_kept_normalised_and_public_email_services_are_refused():
    assert normalise_domain(" @School.Example.SCH.UK. ") == "school.example.sch.uk"
    assert email_domain("a@b@Riverside.sch.example") == "riverside.sch.example"
    for bad in ("", "nodot", "-bad.example", "gmail.com", "a b.example"):
        with pytest.raises(DomainRefused):
            normalise_domain(bad)


def _event(source: str, email: str, council: str | None) -> dict:
    attributes = {"email": email, "name": "Dana Lee", **({"custom:council": council} if council else {})}
    return {"version": "1", "region": "eu-west-2", "userPoolId": "pool", "userName": email, "triggerSource": source,
            "callerContext": {"awsSdkVersion": "1", "clientId": "client"},
            "request": {"userAttributes": attributes, "validationData": None},
            "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}}


@pytest.fixture
def trigger(monkeypatch, directories):
    monkeypatch.setattr(handler, "partner_directory_for", directories.__getitem__)
    monkeypatch.setattr(handler, "councils", load_councils)  # the deployment's councils, without their stored settings
    return lambda event: handler.lambda_handler(event, lambda_context(PARTNER_SIGN_UP_FUNCTION))


def test_the_trigger_admits_an_allowed_registration_and_confirms_nothing_itself(trigger):
    event = _event("PreSignUp_SignUp", "dana@riverside.sch.example", "NORTHSHIRE")
    answer = trigger(event)
    assert answer["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}


@pytest.mark.parametrize(("email", "council", "message"), [
    ("dana@elsewhere.example", "NORTHSHIRE", "has not approved email addresses ending @elsewhere.example"),
    ("dana@riverside.sch.example", None, "does not take partner registrations"),
    ("dana@riverside.sch.example", "NOWHERE", "does not take partner registrations"),
])
def test_the_trigger_refuses_with_a_message_for_the_person(trigger, email, council, message):
    with pytest.raises(PartnerRefused, match=message):
        trigger(_event("PreSignUp_SignUp", email, council))


def test_the_trigger_refuses_a_federated_identity(trigger):
    with pytest.raises(PartnerRefused, match="work email address on the portal"):
        trigger(_event("PreSignUp_ExternalProvider", "dana@riverside.sch.example", "NORTHSHIRE"))
