import pytest

from shared.resources import NATIONAL_ADMIN_GROUP, Role, council_group, team_group
from shared.core.logic.tenancy import NoCouncilAccess, caller_from_claims, parse_groups


def test_groups_arrive_in_api_gateway_string_forms():
    assert parse_groups("A--caseworker,A--assessor") == ["A--caseworker", "A--assessor"]
    assert parse_groups("[A--caseworker A--assessor]") == ["A--caseworker", "A--assessor"]
    assert parse_groups(None) == []


def test_council_and_roles_come_from_groups():
    caller = caller_from_claims({"email": "sam@x", "cognito:groups": f"{council_group('NORTHSHIRE', Role.CASEWORKER)},{council_group('NORTHSHIRE', Role.TEAM_LEADER)}"})
    assert caller.council_code == "NORTHSHIRE"
    assert caller.roles == {Role.CASEWORKER, Role.TEAM_LEADER}
    assert caller.actor == "user:sam@x"


def test_no_council_or_two_councils_is_refused():
    with pytest.raises(NoCouncilAccess):
        caller_from_claims({"email": "sam@x", "cognito:groups": ""})
    with pytest.raises(NoCouncilAccess):
        caller_from_claims({"email": "sam@x", "cognito:groups": "A--caseworker,B--caseworker"})
    with pytest.raises(NoCouncilAccess):
        caller_from_claims({"cognito:groups": "A--caseworker"})


def test_unknown_role_grants_nothing():
    with pytest.raises(NoCouncilAccess):
        caller_from_claims({"email": "sam@x", "cognito:groups": "A--superuser"})


def test_national_admin_has_no_council():
    caller = caller_from_claims({"email": "nat@x", "cognito:groups": NATIONAL_ADMIN_GROUP})
    assert caller.national_admin and caller.council_code is None


def test_teams_come_from_team_groups_of_the_callers_own_council_only():
    groups = [council_group("NORTHSHIRE", Role.CASEWORKER), team_group("NORTHSHIRE", "blue-badge"),
              team_group("NORTHSHIRE", "asc-front-door"), team_group("VALEWYE", "safeguarding")]
    caller = caller_from_claims({"email": "sam@x", "cognito:groups": groups})
    assert caller.council_code == "NORTHSHIRE"  # a team group alone makes no council membership
    assert caller.teams == {"blue-badge", "asc-front-door"}  # another council's team grants nothing
    assert caller.roles == {Role.CASEWORKER}  # a team is not a role
