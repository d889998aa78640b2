"""A workflow resume owed for a step a person recorded (an outbox entry).

It is written in the same transaction as the step, and removed once Step Functions took the resume (or no task waits
for its token any more). A failed send therefore leaves it to be sent again, rather than leaving a case whose
workflow waits for a step that was recorded.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PendingResume(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    case_id: str
    task_token: str = Field(repr=False, description="The callback token of the workflow task waiting for the step")
    output: dict[str, Any] = Field(description="What the waiting task is completed with (the workflow's Choice states read it)")
    action: str = Field(description="The audit action of the step recorded, e.g. DECIDED")
    actor: str = Field(description="Who recorded the step: the same person retrying it gets the resume sent again")
    expected_version: int = Field(description="The version of the case the step was recorded on")
    at: datetime
    refused: bool = Field(default=False, description="Step Functions did not take it when it was sent: the case shows its "
                                                     "workflow catching up until it is sent again")

    @property
    def token_digest(self) -> str:
        """Names the entry: tokens are long, and one case may owe a resume per token."""
        return hashlib.sha256(self.task_token.encode()).hexdigest()[:32]

    def retried_by(self, actor: str, action: str, expected_version: int) -> bool:
        """The same person sending the same step on the same version again (say, after an error page)."""
        return (self.actor, self.action, self.expected_version) == (actor, action, expected_version)
