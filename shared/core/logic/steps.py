"""How a person's step on a case is refused, whatever the service: the API and pages map these to 409 and 422."""

from __future__ import annotations


class StepNotOpen(Exception):
    """The case is not at the step the request is for (or nobody is waiting for it): HTTP 409."""


class InvalidStep(ValueError):
    """The request is well-formed but a rule refuses it; `field` names the input at fault (HTTP 422)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotWaitingForInformation(Exception):
    """Information was sent for a case that no longer waits for it (someone recorded it, or the round changed)."""
