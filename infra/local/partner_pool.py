"""The partner professionals' user pool on moto (Family Front Door portal), as infra/constructs/partner_identity.py
defines it, and the two moto gaps it runs into, bridged thinly:

- moto's cognito-idp runs no Lambda triggers: `install_cognito_bridge` calls the pool's real pre-sign-up handler
  (functions/partner_sign_up, by the function's Handler) with Cognito's event before moto's SignUp, and answers a
  refusal as Cognito does (UserLambdaValidationException, "PreSignUp failed with error <message>.").
- moto signs a user of a pool that requires MFA straight in when they have no authenticator yet, where Cognito asks for
  one first (MFA_SETUP): the bridge answers such a password sign-in with that challenge (moto then runs the set-up).
moto neither emails nor checks the sign-up confirmation code (ConfirmSignUp takes any code), nor checks TOTP codes.
"""

from __future__ import annotations

import uuid
from typing import Any

from infra.local.bridge import LocalLambdaContext, call_handler
from shared.resources import (
    DEFAULT_REGION,
    PARTNER_COUNCIL_ATTRIBUTE,
    PARTNER_SIGN_UP_FUNCTION,
    PARTNER_USER_POOL_CLIENT_NAME,
    PARTNER_USER_POOL_NAME,
)

_BRIDGE_MARK = "_casework_cognito_bridge"


def create_partner_pool(cognito: Any, account: str) -> tuple[str, str, str]:
    """The pool, its portal client, TOTP MFA required, and the pre-sign-up trigger named by the function's ARN (created
    next, as the CDK app's): (pool id, client id, the trigger's ARN)."""
    trigger_arn = f"arn:aws:lambda:{DEFAULT_REGION}:{account}:function:{PARTNER_SIGN_UP_FUNCTION.function_name}"
    pool_id = cognito.create_user_pool(
        PoolName=PARTNER_USER_POOL_NAME,
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": False},  # self-registration, admitted by the trigger
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": PARTNER_COUNCIL_ATTRIBUTE, "AttributeDataType": "String", "Mutable": False,
             "StringAttributeConstraints": {"MinLength": "3", "MaxLength": "10"}},
        ],
        LambdaConfig={"PreSignUp": trigger_arn},
    )["UserPool"]["Id"]
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON")
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=PARTNER_USER_POOL_CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified", "name", f"custom:{PARTNER_COUNCIL_ATTRIBUTE}"],  # moto: none unless named
        WriteAttributes=["email", "name", f"custom:{PARTNER_COUNCIL_ATTRIBUTE}"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id, trigger_arn


def _pool_of_client(backend: Any, client_id: str) -> Any:
    return next((pool for pool in backend.user_pools.values() if client_id in pool.clients), None)


def _pre_sign_up(backend: Any, pool: Any, client_id: str, username: str, attributes: list[dict[str, str]]) -> None:
    """Run the pool's pre-sign-up trigger as Cognito would; a failure refuses the sign-up with the handler's message."""
    from moto.awslambda.models import lambda_backends
    from moto.core.exceptions import JsonRESTError

    trigger_arn = (pool.extended_config.get("LambdaConfig") or {}).get("PreSignUp")
    if not trigger_arn:
        return
    function = lambda_backends[backend.account_id][backend.region_name].get_function(trigger_arn)
    event = {
        "version": "1", "region": backend.region_name, "userPoolId": pool.id, "userName": username,
        "callerContext": {"awsSdkVersion": "local", "clientId": client_id},
        "triggerSource": "PreSignUp_SignUp",
        "request": {"userAttributes": {attribute["Name"]: attribute["Value"] for attribute in attributes or []},
                    "validationData": None, "clientMetadata": {}},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }
    result, errored = call_handler(function.handler, event, LocalLambdaContext(function.function_name, function.function_arn))
    if errored:
        raise JsonRESTError("UserLambdaValidationException", f"PreSignUp failed with error {result['errorMessage']}.")


def install_cognito_bridge() -> None:
    """Patch moto's cognito-idp in this process (see the module's docstring). Safe to call more than once."""
    from moto.cognitoidp.models import CognitoIdpBackend

    if getattr(CognitoIdpBackend.sign_up, _BRIDGE_MARK, False):
        return
    sign_up, initiate_auth = CognitoIdpBackend.sign_up, CognitoIdpBackend.initiate_auth

    def sign_up_after_trigger(self: Any, client_id: str, username: str, password: str, attributes: list[dict[str, str]]) -> Any:
        pool = _pool_of_client(self, client_id)
        if pool is not None:
            _pre_sign_up(self, pool, client_id, username, attributes)
        return sign_up(self, client_id, username, password, attributes)

    def initiate_auth_asking_for_an_authenticator(self: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]) -> Any:
        result = initiate_auth(self, client_id, auth_flow, auth_parameters)
        pool = _pool_of_client(self, client_id)
        if "AuthenticationResult" not in result or pool is None or pool.mfa_config != "ON":
            return result
        username = auth_parameters.get("USERNAME", "")
        user = pool._get_user(username)
        if user is None or user.token_verified:
            return result
        session = str(uuid.uuid4())
        self.sessions[session] = (username, pool)
        return {"ChallengeName": "MFA_SETUP", "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'}, "Session": session}

    setattr(sign_up_after_trigger, _BRIDGE_MARK, True)
    CognitoIdpBackend.sign_up = sign_up_after_trigger
    CognitoIdpBackend.initiate_auth = initiate_auth_asking_for_an_authenticator
