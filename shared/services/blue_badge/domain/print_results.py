"""The print supplier's result files: confirmations (badge posted, or cancelled) and rejections (badge not printed).

The domain notes give only the fields; the element names, as in ``schemas/print/print-confirmation.xsd`` and
``schemas/print/print-rejection.xsd`` (the DfT national service's supplier uses the same names)::

    <BadgePrintConfirmations>                       <BadgePrintRejections>
      <Confirmation>                                  <Rejection>
        <BadgeIdentifier>AB12CD</BadgeIdentifier>       <BadgeIdentifier>AB12CD</BadgeIdentifier>
        <Cancellation>no</Cancellation>                 <ErrorMessage>Photograph not found</ErrorMessage>
        <DispatchedDate>2026-11-21</DispatchedDate>   </Rejection>
      </Confirmation>                                 ...
      ...                                           </BadgePrintRejections>
    </BadgePrintConfirmations>

One or more entries per file. ``DispatchedDate`` is a date, or a date-time whose date is taken (the national
service's supplier sends ``2018-02-02T14:24:34``). Elements are matched by local name, so a file whose elements
are in a namespace (as the national supplier's are) reads the same.

``parse_results`` reads a whole file or refuses it: anything malformed raises ``MalformedResultFile`` naming the
entry and field, and the caller quarantines the file, so a file is never half applied. Parsing uses the standard
library's ``xml.etree`` (no runtime dependency): Python 3.11's expat (2.4 and later) limits entity expansion
("billion laughs"), ElementTree never fetches external entities, and a DOCTYPE is refused outright, so no entity
can be declared at all. Encodings are taken as declared: UTF-8 (also when undeclared), windows-1252, US-ASCII and
the other single-byte encodings Python knows; bytes that do not match the declaration, an unknown encoding or a
multi-byte one other than UTF-8/UTF-16 make the file malformed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.services.blue_badge.domain.badge import is_valid_badge_number

MAX_ERROR_MESSAGE = 1000  # = maxLength of ErrorMessage in print-rejection.xsd (a test compares them)
# Far above any real file (a confirmation is ~150 bytes, so 10,000 badges make ~1.5 MB); the whole file is read
# into memory to be parsed before anything is applied, so a larger one is quarantined rather than read.
MAX_RESULT_FILE_BYTES = 20 * 1024 * 1024
# xs:date or xs:dateTime, ASCII digits only (\d would match other scripts' digits too)
_DISPATCHED = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$")


class MalformedResultFile(ValueError):
    """The file cannot be applied; ``reason`` names the entry and field at fault."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Confirmation:
    badge_number: str
    cancelled: bool  # Cancellation yes; the notes say no more: read as the supplier cancelling the order, not posting it
    dispatched: date


@dataclass(frozen=True)
class Rejection:
    badge_number: str
    error: str


class ResultKind(StrEnum):
    CONFIRMATIONS = "BadgePrintConfirmations"
    REJECTIONS = "BadgePrintRejections"


@dataclass(frozen=True)
class PrintResults:
    """One file's entries, in file order, a badge at most once; one of the two tuples is empty."""

    kind: ResultKind
    confirmations: tuple[Confirmation, ...] = ()
    rejections: tuple[Rejection, ...] = ()


_ENTRY = {ResultKind.CONFIRMATIONS: "Confirmation", ResultKind.REJECTIONS: "Rejection"}
_FIELDS = {
    ResultKind.CONFIRMATIONS: ("BadgeIdentifier", "Cancellation", "DispatchedDate"),
    ResultKind.REJECTIONS: ("BadgeIdentifier", "ErrorMessage"),
}


class _NoDoctype(ElementTree.TreeBuilder):
    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise MalformedResultFile("the file has a DOCTYPE declaration; result files must not declare one")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ElementTree.Element, where: str) -> list[ElementTree.Element]:
    """The element's child elements; stray text between them makes the file malformed."""
    texts = [element.text, *(child.tail for child in element)]
    if any(text and text.strip() for text in texts):
        raise MalformedResultFile(f"{where} has text outside its elements")
    return list(element)


def _fields(entry: ElementTree.Element, kind: ResultKind, where: str) -> dict[str, str]:
    """Each expected field's text (stripped), exactly once each, nothing else."""
    values: dict[str, str] = {}
    for child in _children(entry, where):
        name = _local(child.tag)
        if name not in _FIELDS[kind]:
            raise MalformedResultFile(f"{where}: unexpected element {name!r} (expected {', '.join(_FIELDS[kind])})")
        if name in values:
            raise MalformedResultFile(f"{where}: field {name!r} appears more than once")
        if len(child):
            raise MalformedResultFile(f"{where}: field {name!r} has child elements; it must hold text only")
        values[name] = (child.text or "").strip()
    missing = [name for name in _FIELDS[kind] if name not in values]
    if missing:
        raise MalformedResultFile(f"{where}: field {missing[0]!r} is missing")
    return values


def _confirmation(number: str, values: dict[str, str], where: str) -> Confirmation:
    cancellation = values["Cancellation"]
    if cancellation not in ("yes", "no"):
        raise MalformedResultFile(f"{where}: field 'Cancellation': {cancellation!r} is not yes or no")
    dispatched = _DISPATCHED.match(values["DispatchedDate"])
    try:
        day = date.fromisoformat(dispatched.group(1)) if dispatched else None
    except ValueError:
        day = None
    if day is None:
        raise MalformedResultFile(
            f"{where}: field 'DispatchedDate': {values['DispatchedDate']!r} is not a date (yyyy-MM-dd) or date-time"
        )
    return Confirmation(badge_number=number, cancelled=cancellation == "yes", dispatched=day)


def _rejection(number: str, values: dict[str, str], where: str) -> Rejection:
    error = values["ErrorMessage"]
    if not error:
        raise MalformedResultFile(f"{where}: field 'ErrorMessage' is empty")
    if len(error) > MAX_ERROR_MESSAGE:
        raise MalformedResultFile(f"{where}: field 'ErrorMessage' is {len(error)} characters long (at most {MAX_ERROR_MESSAGE})")
    return Rejection(badge_number=number, error=error)


def parse_results(data: bytes) -> PrintResults:
    """The entries of one confirmations or rejections file, recognised by its root element."""
    parser = ElementTree.XMLParser(target=_NoDoctype())
    try:
        parser.feed(data)
        root = parser.close()
    except MalformedResultFile:
        raise
    except ElementTree.ParseError as error:  # also bytes that do not match the declared encoding
        raise MalformedResultFile(f"the file is not well-formed XML: {error}") from None
    except (LookupError, ValueError) as error:  # a declared encoding Python does not know, or a multi-byte one
        raise MalformedResultFile(f"the file cannot be read: {error}") from None
    try:
        kind = ResultKind(_local(root.tag))
    except ValueError:
        raise MalformedResultFile(
            f"the root element is {_local(root.tag)!r}, not {ResultKind.CONFIRMATIONS.value} or {ResultKind.REJECTIONS.value}"
        ) from None
    entry_name = _ENTRY[kind]
    by_badge: dict[str, Confirmation | Rejection] = {}
    for position, entry in enumerate(_children(root, kind.value), start=1):
        where = f"{entry_name} {position}"
        if _local(entry.tag) != entry_name:
            raise MalformedResultFile(f"{where}: element {_local(entry.tag)!r} where a {entry_name} was expected")
        values = _fields(entry, kind, where)
        number = values["BadgeIdentifier"]
        if not is_valid_badge_number(number):
            raise MalformedResultFile(f"{where}: field 'BadgeIdentifier': {number!r} is not a badge number (6 characters of 0-9, A-H, J, K)")
        where = f"{where} (badge {number})"
        result = _confirmation(number, values, where) if kind is ResultKind.CONFIRMATIONS else _rejection(number, values, where)
        if by_badge.setdefault(number, result) != result:  # the same entry twice is harmless; two outcomes are not
            raise MalformedResultFile(f"{where}: the file has another {entry_name} for this badge with a different outcome")
    if not by_badge:
        raise MalformedResultFile(f"the file has no {entry_name} entries")
    entries = by_badge.values()
    return PrintResults(
        kind=kind,
        confirmations=tuple(entry for entry in entries if isinstance(entry, Confirmation)),
        rejections=tuple(entry for entry in entries if isinstance(entry, Rejection)),
    )
