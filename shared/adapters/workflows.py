"""Starting case workflows in Step Functions, and resuming their waiting steps."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.resources import WorkflowKey

# What SendTaskSuccess answers when no task waits for the token any more: it was resumed already, timed out, or its
# execution ended. Sending it again is then harmless, and pointless.
SPENT_TOKEN_ERRORS = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})


class ResumeFailed(Exception):
    """Step Functions did not take the resume (throttled, unavailable, refused): it can be sent again later."""


class Workflows:
    def __init__(self, client: Any, state_machine_arns: dict[str, str]):
        self._client = client
        self._arns = state_machine_arns

    def start(self, workflow: WorkflowKey, execution_name: str, payload: dict[str, Any]) -> bool:
        """Start one execution per case: the name is the case id, so a repeat start is a no-op.

        Returns False where the execution already existed.
        """
        try:
            self._client.start_execution(
                stateMachineArn=self._arns[workflow.value], name=execution_name, input=json.dumps(payload)
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def resume(self, task_token: str, output: dict[str, Any]) -> bool:
        """Complete the callback task that is waiting with this token; False when no task waits for it any more.

        Raises ResumeFailed when Step Functions did not take it."""
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in SPENT_TOKEN_ERRORS:
                return False
            raise ResumeFailed(f"SendTaskSuccess failed: {code}") from error
        except BotoCoreError as error:  # no answer at all (connection, timeout)
            raise ResumeFailed(f"SendTaskSuccess failed: {error}") from error
        return True
