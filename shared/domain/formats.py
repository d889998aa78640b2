"""Formats shared by applications and council config: UK identifiers and email addresses."""

import re
from typing import Annotated

from pydantic import Field

# Royal Mail postcode format, incl. GIR 0AA; spaces optional on input.
UK_POSTCODE_PATTERN = r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
_POSTCODE = re.compile(UK_POSTCODE_PATTERN)

# HMRC National Insurance number format (prefixes BG, GB, NK, KN, TN, NT, ZZ never issued).
_NINO = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_valid_postcode(value: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(value)))


def normalise_nino(value: str) -> str:
    return re.sub(r"\s+", "", value.upper())


def is_valid_nino(value: str) -> bool:
    return bool(_NINO.match(normalise_nino(value)))


# A deliberately plain check (one @, a dot in the domain): deliverability is proved by sending, and
# this keeps the Lambda code free of email-validator, which the Powertools layer does not ship.
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
