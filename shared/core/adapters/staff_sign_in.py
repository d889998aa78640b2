"""Staff sign-in against the council user pool (Cognito USER_PASSWORD_AUTH), for the server-rendered web UI.

The pool requires TOTP MFA, so a password alone rarely finishes a sign-in: Cognito answers with a challenge
(set a new password on first sign-in, set up an authenticator app, or give its 6-digit code), each answered
in turn until it issues tokens. Each step returns either the signed-in Caller or the next Challenge.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shared.core.logic.tenancy import Caller, NoCouncilAccess, caller_from_claims
from shared.resources import Role, council_group, team_group

NEW_PASSWORD = "NEW_PASSWORD_REQUIRED"
MFA_SETUP = "MFA_SETUP"
MFA_CODE = "SOFTWARE_TOKEN_MFA"
SUPPORTED_CHALLENGES = (NEW_PASSWORD, MFA_SETUP, MFA_CODE)


class SignInRefused(Exception):
    """The message is safe to show: it never says whether the user name exists."""


class ChallengeAnswerRefused(Exception):
    """A wrong code or a password the pool's policy refuses; the challenge can be answered again."""


@dataclass(frozen=True)
class Challenge:
    name: str
    username: str
    session: str  # Cognito's, valid for about 3 minutes
    secret_code: str | None = None  # the authenticator key, while setting one up


def _payload(jwt: str) -> dict[str, Any]:
    # The token came straight from Cognito over TLS in this same call, so its claims are read, not re-verified.
    part = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class CognitoSignIn:
    """`identity` turns the ID token's claims into who signed in (staff: their Caller); it raises NoCouncilAccess, or
    SignInRefused with its own message, for an account that may not sign in here."""

    def __init__(self, cognito: Any, client_id: str, identity: Callable[[dict[str, Any]], Any] = caller_from_claims):
        self._cognito = cognito
        self._client_id = client_id
        self._identity = identity
        errors = cognito.exceptions
        self._refused = (errors.NotAuthorizedException, errors.UserNotFoundException)
        self._expired = (errors.NotAuthorizedException, errors.ExpiredCodeException, errors.ResourceNotFoundException)
        self._bad_answer = (errors.CodeMismatchException, errors.InvalidPasswordException, errors.EnableSoftwareTokenMFAException)

    def sign_in(self, username: str, password: str) -> Caller | Challenge:
        try:
            response = self._cognito.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except self._refused as error:
            raise SignInRefused("Enter a correct email address and password") from error
        except self._cognito.exceptions.PasswordResetRequiredException as error:
            raise SignInRefused("Your password must be reset: ask your council's administrator") from error
        return self._outcome(response, username)

    def set_new_password(self, challenge: Challenge, password: str) -> Caller | Challenge:
        return self._respond(challenge, {"USERNAME": challenge.username, "NEW_PASSWORD": password})

    def start_authenticator_setup(self, challenge: Challenge) -> Challenge:
        """The key to type into an authenticator app (Cognito's AssociateSoftwareToken)."""
        try:
            response = self._cognito.associate_software_token(Session=challenge.session)
        except self._expired as error:
            raise SignInRefused("Signing in took too long: start again") from error
        return Challenge(MFA_SETUP, challenge.username, response["Session"], response["SecretCode"])

    def finish_authenticator_setup(self, challenge: Challenge, code: str) -> Caller | Challenge:
        try:
            verified = self._cognito.verify_software_token(Session=challenge.session, UserCode=code, FriendlyDeviceName="Casework")
        except self._bad_answer as error:
            raise ChallengeAnswerRefused("The code is not correct: check the time on your device and enter the newest code") from error
        except self._expired as error:
            raise SignInRefused("Signing in took too long: start again") from error
        return self._respond(Challenge(MFA_SETUP, challenge.username, verified["Session"]), {"USERNAME": challenge.username})

    def give_code(self, challenge: Challenge, code: str) -> Caller | Challenge:
        return self._respond(challenge, {"USERNAME": challenge.username, "SOFTWARE_TOKEN_MFA_CODE": code})

    def _respond(self, challenge: Challenge, answers: dict[str, str]) -> Caller | Challenge:
        try:
            response = self._cognito.respond_to_auth_challenge(
                ClientId=self._client_id, ChallengeName=challenge.name, Session=challenge.session, ChallengeResponses=answers,
            )
        except self._bad_answer as error:
            raise ChallengeAnswerRefused(_answer_problem(challenge.name, error)) from error
        except self._expired as error:
            raise SignInRefused("Signing in took too long: start again") from error
        return self._outcome(response, challenge.username)

    def _outcome(self, response: dict[str, Any], username: str) -> Caller | Challenge:
        if "AuthenticationResult" in response:
            claims = _payload(response["AuthenticationResult"]["IdToken"])
            try:
                return self._identity(claims)
            except NoCouncilAccess as error:
                raise SignInRefused("Your account is not set up for a council: ask your council's administrator") from error
        name = response.get("ChallengeName", "")
        if name not in SUPPORTED_CHALLENGES:
            raise SignInRefused("Your account cannot sign in here yet: ask your council's administrator")
        return Challenge(name, response.get("ChallengeParameters", {}).get("USER_ID_FOR_SRP", username), response["Session"])


def _answer_problem(challenge: str, error: Exception) -> str:
    if challenge == NEW_PASSWORD:
        detail = str(getattr(error, "response", {}).get("Error", {}).get("Message", "")).removeprefix("Password does not conform to policy: ")
        return f"Choose a different password: {detail}" if detail else "Choose a different password"
    return "The code is not correct: enter the newest 6-digit code from your authenticator app"


class StaffDirectory:
    """A council's staff as the user pool's groups have them (ListUsersInGroup): the people a case may be given or
    referred to. Only enabled, confirmed accounts count; each person by the email they sign in with."""

    def __init__(self, cognito: Any, user_pool_id: str):
        self._cognito = cognito
        self._pool = user_pool_id

    def members(self, council_code: str, roles: Iterable[Role], team: str | None = None) -> list[str]:
        """The emails of the council's staff holding any of `roles` (and, given a team key, in that team), sorted."""
        people: set[str] = set()
        for role in roles:
            people |= self._group(council_group(council_code, role))
        if team is not None:
            people &= self._group(team_group(council_code, team))
        return sorted(people)

    def _group(self, group: str) -> set[str]:
        pages = self._cognito.get_paginator("list_users_in_group").paginate(UserPoolId=self._pool, GroupName=group)
        try:
            users = [user for page in pages for user in page["Users"]]
        except self._cognito.exceptions.ResourceNotFoundException:  # no such group: a council or team nobody is in yet
            return set()
        return {attribute["Value"].lower() for user in users if user.get("Enabled", True) and user.get("UserStatus") == "CONFIRMED"
                for attribute in user.get("Attributes", []) if attribute["Name"] == "email"}
