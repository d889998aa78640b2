"""Formats shared by applications and council config: UK identifiers, email addresses, and the characters free text may hold."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

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


# Characters refused in typed text: they corrupt files and screens (controls), or make text read differently from
# what it holds (bidirectional overrides, invisible characters), e.g. a name that displays as another person's.
_CONTROLS = "\x00-\x1f\x7f-\x9f"  # C0, DEL and C1
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # marks, embeddings, overrides, isolates
_INVISIBLE = "\u200b-\u200d\u2028\u2029\u2060-\u2064\ufeff"  # zero-width characters, line/paragraph separators, BOM
_REFUSED_IN_ONE_LINE = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}{_INVISIBLE}]")
# Several lines: a line ends with \n or \r\n and a tab is allowed; every other control, a lone \r too, is refused.
_REFUSED_IN_LINES = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CONTROLS}{_INVISIBLE}]")
_IS_BIDI_CONTROL = re.compile(f"[{_BIDI_CONTROLS}]")
_IS_INVISIBLE = re.compile(f"[{_INVISIBLE}]")


def refused_character(value: str, *, multi_line: bool) -> str | None:
    """Why `value` cannot be taken as typed text, naming the first character refused; None when it can."""
    found = (_REFUSED_IN_LINES if multi_line else _REFUSED_IN_ONE_LINE).search(value)
    if found is None:
        return None
    character = found.group()[0]
    code = f"U+{ord(character):04X}"
    if character == "\r" and multi_line:
        return f"contains a carriage return ({code}) that does not end a line — remove it"
    if character in "\n\r\t":
        return f"contains a line break or tab ({code}) — this field takes a single line"
    if _IS_BIDI_CONTROL.match(character):
        return f"contains a bidirectional text control ({code} {unicodedata.name(character)}), which can disguise text — remove it"
    if _IS_INVISIBLE.match(character):
        return f"contains an invisible character ({code} {unicodedata.name(character)}) — remove it"
    return f"contains a control character ({code}) — remove it"


def _one_line(value: str) -> str:
    if (problem := refused_character(value, multi_line=False)) is not None:
        raise PydanticCustomError("text_character", problem)
    return value


def _lines(value: str) -> str:
    if (problem := refused_character(value, multi_line=True)) is not None:
        raise PydanticCustomError("text_character", problem)
    return value


# For every str field people type into: OneLine for names, references and the like; Lines for notes and descriptions.
OneLine = AfterValidator(_one_line)
Lines = AfterValidator(_lines)

# A deliberately plain check (one @, a dot in the domain): deliverability is proved by sending, and
# this keeps the Lambda code free of email-validator, which the Powertools layer does not ship.
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), OneLine]

# Every free-text field is one of these, or carries OneLine / Lines itself: control and bidirectional-override
# characters are refused at intake, naming the field, rather than found when a document is printed.
Text = Annotated[str, Field(min_length=1, max_length=200), OneLine]
LongText = Annotated[str, Field(min_length=1, max_length=4000), Lines]
