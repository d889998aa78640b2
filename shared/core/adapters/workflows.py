"""Starting case workflows in Step Functions, and resuming their waiting steps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.resources import WorkflowKey

# What SendTaskSuccess answers when no task waits for the token any more: it was resumed already, timed out, or its
# execution ended. Sending it again is then harmless, and pointless.
SPENT_TOKEN_ERRORS = frozenset({"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"})


@dataclass(frozen=True)
class Execution:
    status: str  # RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (or PENDING_REDRIVE)
    started_at: datetime


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

    def _execution_arn(self, workflow: WorkflowKey, execution_name: str) -> str:
        return self._arns[workflow.value].replace(":stateMachine:", ":execution:", 1) + f":{execution_name}"

    def execution(self, workflow: WorkflowKey, execution_name: str) -> Execution | None:
        """The execution's status and start, or None where no execution has that name."""
        try:
            found = self._client.describe_execution(executionArn=self._execution_arn(workflow, execution_name))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                return None
            raise
        return Execution(status=found["status"], started_at=found["startDate"])

    def current_state(self, workflow: WorkflowKey, execution_name: str) -> str | None:
        """The state a running execution entered last (for a waiting one, the task it waits in)."""
        events = self._client.get_execution_history(
            executionArn=self._execution_arn(workflow, execution_name), reverseOrder=True, maxResults=20)["events"]
        entered = [event for event in events if "stateEnteredEventDetails" in event]
        # The latest by id: moto answers the whole history, oldest first, whatever the order asked for.
        return max(entered, key=lambda event: event["id"])["stateEnteredEventDetails"]["name"] if entered else None

    def stop(self, workflow: WorkflowKey, execution_name: str, cause: str) -> None:
        self._client.stop_execution(executionArn=self._execution_arn(workflow, execution_name), cause=cause)
