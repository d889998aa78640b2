"""The partner professionals' user pool: self-registration (SignUp, ConfirmSignUp) through the portal's app client,
and the admin calls the web function makes on it (AdminGetUser for the account check; AdminDisableUser and
AdminEnableUser when a council admin suspends or re-enables a partner). Signing in is the staff sign-in's flow
(shared.core.adapters.staff_sign_in.CognitoSignIn) with the portal's client.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.resources import PARTNER_COUNCIL_ATTRIBUTE

COUNCIL_CLAIM = f"custom:{PARTNER_COUNCIL_ATTRIBUTE}"
# Cognito wraps the pre-sign-up trigger's refusal: "PreSignUp failed with error <the trigger's message>."
_TRIGGER_MESSAGE = re.compile(r"^PreSignUp failed with error (?P<message>.*?)\.?$", re.S)


class RegistrationRefused(Exception):
    """Safe to show; `field` is the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _message(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Message", "")).strip()


class PartnerRegistration:
    def __init__(self, cognito: Any, client_id: str):
        self._cognito = cognito
        self._client_id = client_id

    def sign_up(self, email: str, password: str, name: str, council_code: str) -> None:
        """Cognito runs the pre-sign-up trigger (the allow-list) and emails a confirmation code."""
        errors = self._cognito.exceptions
        try:
            self._cognito.sign_up(ClientId=self._client_id, Username=email, Password=password, UserAttributes=[
                {"Name": "email", "Value": email}, {"Name": "name", "Value": name}, {"Name": COUNCIL_CLAIM, "Value": council_code}])
        except errors.UserLambdaValidationException as error:
            matched = _TRIGGER_MESSAGE.match(_message(error))
            raise RegistrationRefused("email", matched.group("message") if matched else "Your email address cannot register here") from error
        except errors.UsernameExistsException as error:
            raise RegistrationRefused("email", "There is already an account with this email address: sign in instead") from error
        except errors.InvalidPasswordException as error:
            detail = _message(error).removeprefix("Password does not conform to policy: ")
            raise RegistrationRefused("password", f"Choose a different password: {detail}" if detail else "Choose a different password") from error

    def confirm(self, email: str, code: str) -> None:
        errors = self._cognito.exceptions
        try:
            self._cognito.confirm_sign_up(ClientId=self._client_id, Username=email, ConfirmationCode=code)
        except (errors.CodeMismatchException, errors.ExpiredCodeException) as error:
            raise RegistrationRefused("code", "The code is not correct or has expired: enter the newest code we emailed you") from error
        except (errors.UserNotFoundException, errors.NotAuthorizedException) as error:
            raise RegistrationRefused("code", "This account cannot be confirmed: it may be confirmed already, so try signing in") from error

    def resend(self, email: str) -> None:
        errors = self._cognito.exceptions
        try:
            self._cognito.resend_confirmation_code(ClientId=self._client_id, Username=email)
        except (errors.UserNotFoundException, errors.InvalidParameterException, errors.LimitExceededException) as error:
            raise RegistrationRefused("code", "A new code cannot be sent now: try again in a few minutes") from error


class PoolRefused(Exception):
    """The partner user pool did not make the change; the message says why, for the admin."""


class PartnerPool:
    """The web function's admin calls on the partner pool (its role may make only these, on this pool)."""

    ACTIVE_STATUS = "CONFIRMED"

    def __init__(self, cognito: Any, user_pool_id: str):
        self._cognito = cognito
        self._pool = user_pool_id

    def active(self, email: str) -> bool:
        """Whether the account exists, is enabled and confirmed (AdminGetUser)."""
        try:
            account = self._cognito.admin_get_user(UserPoolId=self._pool, Username=email)
        except self._cognito.exceptions.UserNotFoundException:
            return False
        return account["Enabled"] and account["UserStatus"] == self.ACTIVE_STATUS

    def disable(self, email: str) -> None:
        """Disabled: no sign-in, and Cognito revokes the account's tokens. Idempotent; an account the pool no longer
        has cannot sign in either, so it counts as disabled."""
        try:
            self._cognito.admin_disable_user(UserPoolId=self._pool, Username=email)
        except self._cognito.exceptions.UserNotFoundException:
            return
        except (ClientError, BotoCoreError) as error:
            raise PoolRefused(_message(error) or type(error).__name__) from error

    def enable(self, email: str) -> None:
        try:
            self._cognito.admin_enable_user(UserPoolId=self._pool, Username=email)
        except self._cognito.exceptions.UserNotFoundException as error:
            raise PoolRefused("the user pool has no account with this email address") from error
        except (ClientError, BotoCoreError) as error:
            raise PoolRefused(_message(error) or type(error).__name__) from error
