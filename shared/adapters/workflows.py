"""Starting case workflows in Step Functions, and resuming their waiting steps."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from shared.resources import WorkflowKey


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

    def resume(self, task_token: str, output: dict[str, Any]) -> None:
        """Complete the callback task that is waiting with this token."""
        self._client.send_task_success(taskToken=task_token, output=json.dumps(output))
