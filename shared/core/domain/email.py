"""An email as the engine sends it, whatever service composed it, and the templates services write them from.

Each service declares an EmailCatalogue: its default wording by kind, in string.Template syntax ($name, ...), and the
placeholders its templates may use. A council may reword any kind (council config `services.<key>.email_templates`);
parse_councils checks those overrides against the catalogue, so a mistyped placeholder fails config loading, not an
email. A catalogue also holds the Welsh wording of the kinds the public gets: Welsh councils send both languages, Welsh
first (a letter, through GOV.UK Notify, carries the same subject and text as the email it stands in for)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from string import Template

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.core.domain.business_hours import LONDON


# Welsh councils write in Welsh and English, Welsh first (Welsh Language Standards): the English follows this line.
# NEEDS REVIEW by a Welsh-language officer, with every Welsh template.
BILINGUAL_DIVIDER = "----------\nEnglish version / Fersiwn Saesneg\n----------"
WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
                "Tachwedd", "Rhagfyr")
WELSH_WEEKDAYS = ("dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener", "dydd Sadwrn", "dydd Sul")


def welsh_date(value: date) -> str:
    """e.g. "23 Rhagfyr 2026" (the GOV.UK style of the English dates, with Welsh month names)."""
    return f"{value.day} {WELSH_MONTHS[value.month - 1]} {value.year}"


def welsh_day_and_time(moment: datetime) -> str:
    """e.g. "6:15yh ddydd Llun 23 Tachwedd 2026", in London time (yb/yh for am/pm; "ddydd" is mutated after "erbyn")."""
    local = moment.astimezone(LONDON)
    hour = local.strftime("%I:%M%p").lstrip("0").lower().replace(":00", "").replace("am", "yb").replace("pm", "yh")
    return f"{hour} d{WELSH_WEEKDAYS[local.weekday()]} {welsh_date(local.date())}"


def bilingual(welsh: tuple[str, str], english: tuple[str, str]) -> tuple[str, str]:
    """(subject, body) in both languages, Welsh first: "Welsh subject / English subject", and the Welsh body,
    BILINGUAL_DIVIDER, the English body (each body ending with one newline)."""
    return f"{welsh[0]} / {english[0]}", f"{welsh[1]}\n{BILINGUAL_DIVIDER}\n\n{english[1]}"


class EmailMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    to: str
    reply_to: str
    sender: str = Field(description="The council's contact email (must be a verified SES identity)")
    subject: str
    body_text: str
    reference: str | None = None  # ours for the provider (GOV.UK Notify): the case and kind, never personal data


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
    # The Welsh wording of the kinds the public receives, for Welsh councils (sent Welsh first, then the English).
    welsh: Mapping[str, EmailTemplate] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The defaults obey the same rules as a council's wording, so a slip in them fails at import.
        if problems := self.check_overrides(self.templates) + self.check_welsh_overrides(self.welsh):
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

    def check_welsh_overrides(self, overrides: Mapping[str, EmailTemplate]) -> list[TemplateProblem]:
        """As check_overrides, for Welsh wording: only of the kinds that have a Welsh default (those the public gets)."""
        problems = [TemplateProblem(kind, f"no Welsh version is sent of this kind (the kinds are {', '.join(self.welsh)})")
                    for kind in overrides if kind in self.templates and kind not in self.welsh]
        return problems + self.check_overrides({kind: template for kind, template in overrides.items()
                                                if kind not in self.templates or kind in self.welsh})

    def render(
        self, kind: str, fields: Mapping[str, str], overrides: Mapping[str, EmailTemplate] | None = None, *,
        welsh_fields: Mapping[str, str] | None = None, welsh_overrides: Mapping[str, EmailTemplate] | None = None,
    ) -> tuple[str, str]:
        """(subject, body) of `kind` in the council's wording (`overrides`, by kind) or the default; the body ends with
        one newline. With `welsh_fields` (a Welsh council: the same placeholders, dates and paragraphs in Welsh) and a
        Welsh version of the kind, both languages, Welsh first: "Welsh subject / English subject", and the Welsh body,
        BILINGUAL_DIVIDER, the English body. KeyError for a placeholder the fields do not fill."""
        subject, body = self._one(self.templates, overrides, kind, fields)
        if welsh_fields is None or kind not in self.welsh:
            return subject, body
        return bilingual(self._one(self.welsh, welsh_overrides, kind, welsh_fields), (subject, body))

    @staticmethod
    def _one(defaults: Mapping[str, EmailTemplate], overrides: Mapping[str, EmailTemplate] | None, kind: str,
             fields: Mapping[str, str]) -> tuple[str, str]:
        template = (overrides or {}).get(kind) or defaults[kind]
        return Template(template.subject).substitute(fields), Template(template.body).substitute(fields).strip() + "\n"


# The council's contact details, which every service's emails may give (as its footer does).
COUNCIL_PLACEHOLDERS = ("council_name", "council_phone", "council_email", "council_web")


def contact_footer(quote_reference: str) -> str:
    """The end of every email: how to contact the council, and how to quote the reference (a template line)."""
    return ("\nIf you have any questions, contact $council_name:\nPhone: $council_phone\nEmail: $council_email\n"
            f"Website: $council_web\n\n{quote_reference}\n\n$council_name\n")


def welsh_contact_footer(quote_reference: str) -> str:
    """contact_footer in Welsh (NEEDS REVIEW by a Welsh-language officer)."""
    return ("\nOs oes gennych unrhyw gwestiynau, cysylltwch â $council_name:\nFfôn: $council_phone\nE-bost: $council_email\n"
            f"Gwefan: $council_web\n\n{quote_reference}\n\n$council_name\n")


def council_fields(council: Any) -> dict[str, str]:
    """The COUNCIL_PLACEHOLDERS' values for a council (a CouncilConfig: the council module imports this one)."""
    contact = council.contact
    return {"council_name": council.name, "council_phone": contact.phone, "council_email": str(contact.email),
            "council_web": str(contact.web)}


def welsh_council_fields(council: Any) -> dict[str, str]:
    """council_fields for the Welsh text: the council's Welsh name where it has one (CouncilConfig.welsh_name)."""
    return council_fields(council) | {"council_name": council.welsh_name or council.name}
