"""Demo data: valid, varied applications (some incomplete, two parked), logins, and the real publish path."""

from collections import Counter
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from infra.local.pump import IntakePump
from infra.local.seed import (
    BADGE_OF,
    DEMO_PASSWORD,
    JOURNEYS,
    NATIONAL_ADMIN_USERNAME,
    UNKNOWN_COUNCIL_CODE,
    Expected,
    demo_applications,
    demo_users,
    referencing,
    seed,
    tiny_jpeg,
    tiny_pdf,
)
from shared.services.blue_badge.domain.application import AUTOMATIC_ROUTES, Application, EligibilityCode
from shared.resources import NATIONAL_ADMIN_GROUP, FunctionSpec, Role, council_group, team_group
from tests.local import standins

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(councils):
    return demo_applications(councils, now=NOW)


def test_a_few_dozen_unique_applications_all_but_the_parked_ones_valid(demo, councils):
    assert 30 <= len(demo) <= 60
    assert len({item.application_id for item in demo}) == len(demo)
    for item in demo:
        if item.expected is not Expected.PARKED:
            Application.model_validate(item.payload)
            assert councils.get(item.payload["council_code"]) is not None


def test_covers_types_parties_channels_and_eligibility_routes(demo):
    valid = [Application.model_validate(item.payload) for item in demo if item.expected is not Expected.PARKED]
    assert {app.application_type.value for app in valid} == {"NEW", "RENEW", "REPLACE", "CANCEL"}
    assert {app.party.value for app in valid} == {"PERSON", "ORG"}
    assert {app.channel.value for app in valid} == {"ONLINE", "PAPER", "PHONE", "INPERSON"}
    codes = {app.eligibility.code for app in valid if app.eligibility}
    assert codes == set(EligibilityCode)  # every route, automatic and further assessment
    assert codes & AUTOMATIC_ROUTES and codes - AUTOMATIC_ROUTES
    walking = [app for app in valid if app.eligibility and app.eligibility.code is EligibilityCode.WALKD and app.eligibility.walking]
    assert walking and walking[0].eligibility.walking.difficulties


def test_some_are_deliberately_incomplete_and_the_rest_complete(demo):
    missing = Counter(code for item in demo for code in item.missing)
    assert {"PHOTO", "NINO", "PROOF_OF_ADDRESS", "FEE"} <= set(missing)
    for item in demo:
        if "INCOMPLETE" in item.label:
            assert item.expected is Expected.AWAITING_INFORMATION, item.label
        elif item.expected is not Expected.PARKED and "Fee unpaid" not in item.label:
            assert item.expected is Expected.SCREENING, (item.label, item.missing)


def test_parked_ones_are_malformed_or_for_an_unknown_council(demo, councils):
    parked = [item for item in demo if item.expected is Expected.PARKED]
    assert len(parked) == 2
    malformed, unrouted = parked
    with pytest.raises(ValidationError, match="eligibility.code"):
        Application.model_validate(malformed.payload)
    assert Application.model_validate(unrouted.payload).council_code == UNKNOWN_COUNCIL_CODE
    assert councils.get(UNKNOWN_COUNCIL_CODE) is None


def test_same_seed_same_applications(councils, demo):
    assert [item.payload for item in demo_applications(councils, now=NOW)] == [item.payload for item in demo]
    assert [item.payload for item in demo_applications(councils, now=NOW, seed=7)] != [item.payload for item in demo]


def test_each_council_has_distinct_people(demo):
    """The decision allows one live badge per person: same NI number, or same surname and date of birth."""
    for code in {item.payload["council_code"] for item in demo}:
        holders = [item.payload["holder"] for item in demo if item.payload["council_code"] == code and "holder" in item.payload]
        assert len({(holder["surname"], holder["date_of_birth"]) for holder in holders}) == len(holders)
        ninos = [holder["nino"] for holder in holders if "nino" in holder]
        assert len(set(ninos)) == len(ninos)


def test_journeys_and_badge_references_name_scenarios_of_every_council(demo, councils):
    for code in councils.codes:
        scenarios = {item.scenario for item in demo if item.payload["council_code"] == code}
        assert set(JOURNEYS) | set(BADGE_OF) | set(BADGE_OF.values()) <= scenarios


def test_a_request_made_about_another_applicants_badge(demo):
    [pip, replacement, cancellation] = [
        next(item for item in demo if item.payload["council_code"] == "NORTHSHIRE" and item.scenario == scenario)
        for scenario in ("PIP, complete", "Replacement (lost or stolen)", "Cancellation")
    ]
    replacing = referencing(replacement, pip, "123456")
    assert replacing.payload["existing_badge_number"] == "123456" and replacing.application_id == replacement.application_id
    assert replacing.payload["holder"] == pip.payload["holder"] and replacing.payload["contact"] == pip.payload["contact"]
    cancelling = referencing(cancellation, pip, "123456")
    assert cancelling.payload["holder"] == pip.payload["holder"] and cancelling.payload["contact"] == cancellation.payload["contact"]
    for made in (replacing, cancelling):
        assert Application.model_validate(made.payload).existing_badge_number == "123456"
    assert replacement.payload["existing_badge_number"] != "123456"  # the original is left as it was


def test_demo_users_one_per_council_role_in_every_team_and_a_national_admin(councils):
    users = demo_users(councils)
    groups = {group for user in users for group in user.groups}
    teams = {team_group(council.code, team.key) for council in councils for team in council.teams}
    assert groups == {council_group(code, role) for code in councils.codes for role in Role} | teams | {NATIONAL_ADMIN_GROUP}
    assert "caseworker@northshire.example" in {user.username for user in users}
    assert NATIONAL_ADMIN_USERNAME in {user.username for user in users}


def test_placeholder_files_are_well_formed():
    jpeg = tiny_jpeg()
    assert jpeg.startswith(b"\xff\xd8\xff\xe0") and jpeg.endswith(b"\xff\xd9")
    pdf = tiny_pdf("Demo (evidence)")
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf.startswith(b"%PDF-1.4") and pdf[startxref:].startswith(b"xref")


def test_seed_publishes_through_bus_queue_and_pump(aws, resources, councils):
    collect = FunctionSpec(key="test-ingest", handler="tests.local.standins.collect_applications", description="stand-in")
    pump = IntakePump(aws.client("sqs"), resources.intake_queue_url, resources.intake_queue_arn, function=collect)
    report = seed(aws, resources, councils, pump, count_per_council=3, advance=False)  # the stand-in opens no cases

    assert report.pump.drained and report.pump.failed == 0 and report.workflows_settled
    assert sorted(detail["application_id"] for detail in standins.received) == sorted(item.application_id for item in report.applications)
    keys = {obj["Key"] for obj in aws.client("s3").list_objects_v2(Bucket=resources.evidence_bucket)["Contents"]}
    assert keys == {ref["key"] for item in report.applications for ref in item.payload.get("evidence", [])}
    assert report.evidence_objects == len(keys)
    signed_in = aws.client("cognito-idp").initiate_auth(
        ClientId=resources.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": report.users[0].username, "PASSWORD": DEMO_PASSWORD},
    )
    assert signed_in["AuthenticationResult"]["IdToken"]
