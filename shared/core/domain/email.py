"""An email as the engine sends it, whatever service composed it, and the templates services write them from.

Each service declares an EmailCatalogue: its default wording by kind, in string.Template syntax ($name, ...), and the
placeholders its templates may use. A council may reword any kind (council config `services.<key>.email_templates`);
parse_councils checks those overrides against the catalogue, so a mistyped placeholder fails config loading, not an
email."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


# Welsh councils' emails say a Welsh version is available (Welsh Language Standards).
WELSH_VERSION_NOTE = "A Welsh version of this email is available on request. Mae fersiwn Gymraeg o'r e-bost hwn ar gael ar gais."


class EmailMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    to: str
    reply_to: str
    sender: str = Field(description="The council's contact email (must be a verified SES identity)")
    subject: str
    body_text: str


class EmailTemplate(BaseModel):
    """Subject and plain-text body, with string.Template placeholders from its service's catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)


@dataclass(frozen=True)
class TemplateProblem:
    """What is wrong with one override: `path` is the kind, or the kind and the part ("REFERRAL_ROUTED.body")."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class EmailCatalogue:
    """A service's emails: the default template of each kind it sends (a StrEnum kind is its str key) and every
    placeholder those templates, and a council's own, may use."""

    templates: Mapping[str, EmailTemplate]
    placeholders: tuple[str, ...]

    def __post_init__(self) -> None:
        # The defaults obey the same rules as a council's wording, so a slip in them fails at import.
        if problems := self.check_overrides(self.templates):
            raise ValueError(f"default email templates: {'; '.join(map(str, problems))}")

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.templates)

    def check_overrides(self, overrides: Mapping[str, EmailTemplate]) -> list[TemplateProblem]:
        """Each override of a kind this catalogue does not have, or with a placeholder it does not fill."""
        problems: list[TemplateProblem] = []
        for kind, template in overrides.items():
            if kind not in self.templates:
                problems.append(TemplateProblem(kind, f"unknown kind (the kinds are {', '.join(self.templates)})"))
                continue
            for part in ("subject", "body"):
                text = Template(getattr(template, part))
                if not text.is_valid():
                    problems.append(TemplateProblem(f"{kind}.{part}",
                                                    "a $ that starts no placeholder (write $$ for a dollar sign)"))
                problems.extend(
                    TemplateProblem(f"{kind}.{part}", f"unknown placeholder ${name} (the placeholders are "
                                                      f"{', '.join('$' + known for known in self.placeholders)})")
                    for name in text.get_identifiers() if name not in self.placeholders
                )
        return problems

    def render(
        self, kind: str, fields: Mapping[str, str], overrides: Mapping[str, EmailTemplate] | None = None, *,
        welsh_note: bool = False,
    ) -> tuple[str, str]:
        """(subject, body) of `kind` in the council's wording (`overrides`, by kind) or the default; the body ends with
        one newline, after WELSH_VERSION_NOTE when `welsh_note`. KeyError for a placeholder `fields` does not fill."""
        template = (overrides or {}).get(kind) or self.templates[kind]
        body = Template(template.body).substitute(fields).strip() + "\n"
        if welsh_note:
            body = f"{WELSH_VERSION_NOTE}\n\n{body}"
        return Template(template.subject).substitute(fields), body


# The council's contact details, which every service's emails may give (as its footer does).
COUNCIL_PLACEHOLDERS = ("council_name", "council_phone", "council_email", "council_web")


def contact_footer(quote_reference: str) -> str:
    """The end of every email: how to contact the council, and how to quote the reference (a template line)."""
    return ("\nIf you have any questions, contact $council_name:\nPhone: $council_phone\nEmail: $council_email\n"
            f"Website: $council_web\n\n{quote_reference}\n\n$council_name\n")


def council_fields(council: Any) -> dict[str, str]:
    """The COUNCIL_PLACEHOLDERS' values for a council (a CouncilConfig: the council module imports this one)."""
    contact = council.contact
    return {"council_name": council.name, "council_phone": contact.phone, "council_email": str(contact.email),
            "council_web": str(contact.web)}
