"""StaffDirectory: a council's staff by role (and team) from the user pool's groups, on moto's Cognito."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from shared.core.adapters.staff_sign_in import StaffDirectory
from shared.resources import DEFAULT_REGION, Role, council_group, team_group


@pytest.fixture
def pool():
    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
        pool_id = cognito.create_user_pool(PoolName="staff")["UserPool"]["Id"]
        for group in (council_group("NORTHSHIRE", Role.CASEWORKER), council_group("NORTHSHIRE", Role.ASSESSOR),
                      council_group("VALEWYE", Role.CASEWORKER), team_group("NORTHSHIRE", "blue-badge")):
            cognito.create_group(UserPoolId=pool_id, GroupName=group)

        def person(email: str, *groups: str, confirmed: bool = True, enabled: bool = True) -> None:
            cognito.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
                                      UserAttributes=[{"Name": "email", "Value": email}])
            if confirmed:
                cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password="Casework-Test-2026!", Permanent=True)
            if not enabled:
                cognito.admin_disable_user(UserPoolId=pool_id, Username=email)
            for group in groups:
                cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)

        person("Sam@northshire.example", council_group("NORTHSHIRE", Role.CASEWORKER), team_group("NORTHSHIRE", "blue-badge"))
        person("alex@northshire.example", council_group("NORTHSHIRE", Role.CASEWORKER))
        person("olu@northshire.example", council_group("NORTHSHIRE", Role.ASSESSOR))
        person("new@northshire.example", council_group("NORTHSHIRE", Role.CASEWORKER), confirmed=False)  # has not signed in yet
        person("gone@northshire.example", council_group("NORTHSHIRE", Role.CASEWORKER), enabled=False)
        person("vale@valewye.example", council_group("VALEWYE", Role.CASEWORKER))
        yield StaffDirectory(cognito, pool_id)


def test_a_councils_staff_by_role_only_active_accounts_and_never_another_councils(pool):
    assert pool.members("NORTHSHIRE", (Role.CASEWORKER,)) == ["alex@northshire.example", "sam@northshire.example"]
    assert pool.members("NORTHSHIRE", (Role.CASEWORKER, Role.ASSESSOR)) == [
        "alex@northshire.example", "olu@northshire.example", "sam@northshire.example"]
    assert pool.members("NORTHSHIRE", (Role.ASSESSOR,)) == ["olu@northshire.example"]
    assert pool.members("VALEWYE", (Role.CASEWORKER,)) == ["vale@valewye.example"]


def test_a_teams_members_and_groups_nobody_is_in_yet(pool):
    assert pool.members("NORTHSHIRE", (Role.CASEWORKER,), team="blue-badge") == ["sam@northshire.example"]
    assert pool.members("NORTHSHIRE", (Role.CASEWORKER,), team="community-ot") == []
    assert pool.members("NORTHSHIRE", (Role.TEAM_LEADER,)) == []
