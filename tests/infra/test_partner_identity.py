"""The partner professionals' user pool, as synthesised: apart from staff's, open to self-registration but only through
the pre-sign-up trigger (the allow-list), email verification, TOTP MFA required, the council an immutable attribute,
and the web function allowed only its three admin calls on it."""

from __future__ import annotations

import pytest

from shared.resources import PARTNER_SIGN_UP_FUNCTION, PARTNER_USER_POOL_NAME, USER_POOL_NAME, WEB_FUNCTION


@pytest.fixture(scope="module")
def pools(synthesised) -> dict[str, tuple[str, dict]]:
    return {resource["Properties"]["UserPoolName"]: (logical_id, resource["Properties"])
            for logical_id, resource in synthesised.resources("AWS::Cognito::UserPool").items()}


def test_partners_have_their_own_pool_with_self_registration_email_verification_and_mfa(pools):
    assert {PARTNER_USER_POOL_NAME, USER_POOL_NAME} <= set(pools)
    _, partners = pools[PARTNER_USER_POOL_NAME]
    _, staff = pools[USER_POOL_NAME]
    assert partners["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert staff["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert partners["AutoVerifiedAttributes"] == ["email"] and partners["UsernameAttributes"] == ["email"]
    # A changed email (whose domain decides the agency) stands only once confirmed.
    assert partners["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert partners["MfaConfiguration"] == "ON" and partners["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    # The same threat protection as staff (compromised credentials, adaptive authentication).
    assert partners.get("UserPoolAddOns") == staff.get("UserPoolAddOns") and partners.get("UserPoolTier") == staff.get("UserPoolTier")
    [council] = [attribute for attribute in partners["Schema"] if attribute["Name"] == "council"]
    assert council["Mutable"] is False and council["AttributeDataType"] == "String"


def test_every_sign_up_passes_the_allow_list_trigger(synthesised, pools):
    _, partners = pools[PARTNER_USER_POOL_NAME]
    trigger = partners["LambdaConfig"]["PreSignUp"]["Fn::GetAtt"][0]
    functions = synthesised.resources("AWS::Lambda::Function")
    assert functions[trigger]["Properties"]["FunctionName"] == PARTNER_SIGN_UP_FUNCTION.function_name
    assert functions[trigger]["Properties"]["Timeout"] == 5  # Cognito waits 5 s for a trigger
    [permission] = [p["Properties"] for p in synthesised.resources("AWS::Lambda::Permission").values()
                    if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [trigger, "Arn"]}]
    assert permission["Principal"] == "cognito-idp.amazonaws.com"
    _, staff = pools[USER_POOL_NAME]
    assert "LambdaConfig" not in staff


def test_the_portal_client_reads_the_council_and_writes_it_only_at_sign_up(synthesised, pools):
    partner_pool, _ = pools[PARTNER_USER_POOL_NAME]
    [client] = [c["Properties"] for c in synthesised.resources("AWS::Cognito::UserPoolClient").values()
                if c["Properties"]["UserPoolId"] == {"Ref": partner_pool}]
    assert "custom:council" in client["ReadAttributes"] and "custom:council" in client["WriteAttributes"]
    assert client["GenerateSecret"] is False and client["PreventUserExistenceErrors"] == "ENABLED"


def test_the_web_function_may_only_check_suspend_and_re_enable_partners(synthesised, pools):
    partner_pool, _ = pools[PARTNER_USER_POOL_NAME]
    statements = [statement for key, policy in synthesised.resources("AWS::IAM::Policy").items()
                  for statement in policy["Properties"]["PolicyDocument"]["Statement"]
                  if statement.get("Resource") == {"Fn::GetAtt": [partner_pool, "Arn"]}]
    assert [sorted(statement["Action"]) for statement in statements] == [
        ["cognito-idp:AdminDisableUser", "cognito-idp:AdminEnableUser", "cognito-idp:AdminGetUser"]]
    web_policies = [key for key in synthesised.resources("AWS::IAM::Policy") if key.startswith(f"Functions{WEB_FUNCTION.key.capitalize()}Role")]
    assert any(statement in synthesised.resources("AWS::IAM::Policy")[key]["Properties"]["PolicyDocument"]["Statement"]
               for key in web_policies for statement in statements)
