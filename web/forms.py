"""Form posts in and GOV.UK error messages out.

Pages validate with the same pydantic models as the API, so a form accepts exactly what the API accepts;
this module turns pydantic's errors into the error summary and the messages beside each field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pydantic import ValidationError

from shared.resources import WEB_MAX_BODY_BYTES

CSRF_FIELD = "csrf_token"


class FormTooLarge(ValueError):
    pass


@dataclass
class Form:
    """Posted fields, each a list of values (checkboxes repeat); the CSRF field is not among them."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, body: str | None) -> Form:
        if body and len(body.encode()) > WEB_MAX_BODY_BYTES:
            raise FormTooLarge(f"the form is larger than {WEB_MAX_BODY_BYTES // 1024} KB")
        fields = parse_qs(body or "", keep_blank_values=True, max_num_fields=500)
        return cls({name: values for name, values in fields.items()})

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[-1].strip() if values else default

    def all(self, name: str) -> list[str]:
        return [value.strip() for value in self.fields.get(name, []) if value.strip()]

    def without_csrf(self) -> dict[str, list[str]]:
        return {name: values for name, values in self.fields.items() if name != CSRF_FIELD}


@dataclass
class Errors:
    """Errors by field id (the id of the input the summary links to), in the order found."""

    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.by_field.setdefault(field_id, message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def message(self, field_id: str) -> dict[str, str] | None:
        """For a GOV.UK macro's errorMessage option."""
        text = self.by_field.get(field_id)
        return {"text": text} if text else None

    @property
    def summary(self) -> list[dict[str, str]]:
        """For govukErrorSummary's errorList."""
        return [{"text": text, "href": f"#{field_id}"} for field_id, text in self.by_field.items()]


def errors_from(error: ValidationError, field_ids: dict[str, str] | None = None, prefix: str = "") -> Errors:
    """pydantic errors as GOV.UK messages. field_ids maps a dotted model location to the page's input id
    (default: the location with dots as dashes); the message names the field as the page labels it."""
    errors = Errors()
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"]).removeprefix("body.")
        field_id = (field_ids or {}).get(location) or (prefix + location.replace(".", "-"))
        errors.add(field_id, _plain(problem))
    return errors


def _plain(problem: dict[str, Any]) -> str:
    message = str(problem.get("msg", "is not valid"))
    message = message.removeprefix("Value error, ")
    kind = problem.get("type", "")
    if kind == "missing":
        return "Enter this information"
    return message[:1].upper() + message[1:]
