"""The partner pool on the local stack: the real pre-sign-up trigger runs on SignUp (moto runs no triggers: the bridge
in infra/local/partner_pool.py), a sign-in without an authenticator is asked to set one up as Cognito asks, and the
demo agencies and partners `./dev run` seeds."""

from __future__ import annotations

import boto3
import pytest

from infra.local.seed import DEMO_PASSWORD
from infra.local.seed_partners import partner_banner, seed_partners
from shared.core.domain.council import load_councils
from shared.resources import DEFAULT_REGION, council_table_name
from shared.services.family_front_door.adapters.partner_directory import PartnerDirectory

NORTHSHIRE = "NORTHSHIRE"


@pytest.fixture(scope="module")
def seeded(stack):
    return seed_partners(boto3.session.Session(region_name=DEFAULT_REGION), stack, load_councils())


@pytest.fixture
def cognito():
    return boto3.client("cognito-idp", region_name=DEFAULT_REGION)


def _sign_up(cognito, stack, email: str, council: str | None = NORTHSHIRE):
    attributes = [{"Name": "email", "Value": email}, {"Name": "name", "Value": "Jo Teacher"}]
    if council:
        attributes.append({"Name": "custom:council", "Value": council})
    return cognito.sign_up(ClientId=stack.partner_client_id, Username=email, Password=DEMO_PASSWORD, UserAttributes=attributes)


def test_each_council_gets_a_school_a_gp_practice_and_the_police_with_a_partner_each(stack, seeded, cognito):
    for council in load_councils():
        agencies = seeded.agencies[council.code]
        assert [demo.agency.kind.value for demo in agencies] == ["SCHOOL", "GP_PRACTICE", "POLICE"]
        directory = PartnerDirectory(boto3.client("dynamodb", region_name=DEFAULT_REGION), council_table_name(council.code))
        for demo in agencies:
            assert directory.agency_for_domain(demo.domain) == demo.agency
            user = cognito.admin_get_user(UserPoolId=stack.partner_user_pool_id, Username=demo.partner_email)
            attributes = {attribute["Name"]: attribute["Value"] for attribute in user["UserAttributes"]}
            assert attributes["custom:council"] == council.code and user["UserStatus"] == "CONFIRMED"
    banner = partner_banner("http://127.0.0.1:8000", seeded, load_councils())
    assert "http://127.0.0.1:8000/portal/register" in banner and "@riverside-primary.northshire.sch.example" in banner


def test_sign_up_runs_the_real_trigger_admitting_an_approved_domain(stack, seeded, cognito):
    answer = _sign_up(cognito, stack, "new.teacher@riverside-primary.northshire.sch.example")
    assert answer["UserConfirmed"] is False  # the emailed code confirms it, never the trigger


@pytest.mark.parametrize(("email", "council", "message"), [
    ("someone@elsewhere.example", NORTHSHIRE, "Northshire County Council has not approved email addresses ending @elsewhere.example"),
    ("someone@riverside-primary.northshire.sch.example", "VALEWYE", "has not approved email addresses ending @riverside-primary"),
    ("someone@riverside-primary.northshire.sch.example", None, "does not take partner registrations"),
])
def test_sign_up_is_refused_as_cognito_refuses_it_and_no_account_is_made(stack, seeded, cognito, email, council, message):
    with pytest.raises(cognito.exceptions.UserLambdaValidationException) as refused:
        _sign_up(cognito, stack, email, council)
    assert refused.value.response["Error"]["Message"].startswith("PreSignUp failed with error ")
    assert message in refused.value.response["Error"]["Message"]
    assert not cognito.list_users(UserPoolId=stack.partner_user_pool_id, Filter=f'email = "{email}"')["Users"]


def test_a_first_sign_in_is_asked_to_set_up_an_authenticator_then_for_its_code(stack, seeded, cognito):
    email = seeded.agencies[NORTHSHIRE][1].partner_email
    first = cognito.initiate_auth(ClientId=stack.partner_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": email, "PASSWORD": DEMO_PASSWORD})
    assert first["ChallengeName"] == "MFA_SETUP" and "AuthenticationResult" not in first
    setup = cognito.associate_software_token(Session=first["Session"])
    verified = cognito.verify_software_token(Session=setup["Session"], UserCode="123456")
    tokens = cognito.respond_to_auth_challenge(ClientId=stack.partner_client_id, ChallengeName="MFA_SETUP", Session=verified["Session"],
                                               ChallengeResponses={"USERNAME": email})
    assert "IdToken" in tokens["AuthenticationResult"]
    again = cognito.initiate_auth(ClientId=stack.partner_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": email, "PASSWORD": DEMO_PASSWORD})
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_the_staff_pool_is_unchanged_by_the_bridge(stack, cognito):
    staff = cognito.describe_user_pool(UserPoolId=stack.user_pool_id)["UserPool"]
    assert "PreSignUp" not in (staff.get("LambdaConfig") or {})
    assert stack.partner_user_pool_id != stack.user_pool_id
