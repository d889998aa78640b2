"""The nightly print extract: one XML file per print batch, in the supplier's layout (domain notes: "The print
supplier"), validated in tests by ``schemas/print/badge-print-extract.xsd``.

Pure: the only I/O is the binary stream passed in. The file is **streamed**: each badge is rendered to a small
tree of checked strings, then written and forgotten, so memory does not grow with the number of badges (the
report keeps one badge number per badge written, under 100 bytes each). Each badge reaches the stream in one write.

A badge that cannot be rendered is **skipped and reported** with a plain-English reason (for a caseworker to
correct), never the whole batch: every check runs before anything of that badge is written. Rendering refuses
what the supplier could not print or the file could not carry: badge rules that raise ``BadgeRuleError``, a
person without a photo (or with one that is not a JPEG), name, date of birth or postcode, an organisation
without a letter address, text the windows-1252 file cannot encode (``Zoë`` is fine, ``Łukasz`` or an emoji is
not: it is reported rather than transliterated, so the holder's name is never silently changed), control
characters (XML 1.0 forbids most of them, and none belongs on a letter), and text longer than the file allows.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO, Protocol
from xml.sax.saxutils import escape

from shared.services.blue_badge.domain.application import Holder
from shared.services.blue_badge.domain.badge import (
    Badge,
    BadgeRuleError,
    DispatchMethodCode,
    PrintBatchType,
    barcode_data,
    printed_reference,
    supplier_codes,
)
from shared.core.domain.council import CouncilConfig, Nation
from shared.core.domain.formats import is_valid_postcode, normalise_postcode
from shared.services.blue_badge.domain.printing import SkippedBadge  # the batch record keeps the skipped badges as reported here
from shared.services.blue_badge.domain.settings import badge_settings, language_code

ENCODING = "windows-1252"  # the supplier's encoding (domain notes)
COUNTRY = "United Kingdom"  # documented default: every letter goes to a UK address
ISSUING_COUNTRY = {Nation.ENG: "E", Nation.SCO: "S", Nation.WLS: "W", Nation.NIR: "N"}

# The longest text each element may carry: kept equal to the maxLength of the same elements in
# badge-print-extract.xsd (a test compares them). Documented defaults: the notes give no lengths; the address
# lines follow the national service's extract, which reflects what fits the supplier's letter window.
MAX_LENGTH = {
    "LAName": 100, "PhoneNumber": 20, "EmailAddress": 254,
    "Name": 100, "OrganisationName": 100,
    "NameLine1": 120, "AddressLine1": 50, "AddressLine2": 40, "Town": 40, "Country": 40,
}

# Three batches are written in the same second each night, so the batch type follows the timestamp the
# notes give ("named like BADGEEXTRACT_yyyyMMddHHmmss"); otherwise two files would share one name.
FILENAME_PATTERN = re.compile(r"^BADGEEXTRACT_[0-9]{14}_(STANDARD|FASTTRACK|LA)\.xml$")
JPEG_START = b"\xff\xd8\xff"  # SOI marker followed by the first segment's marker
# Control characters (C0, DEL, C1), surrogates and the XML non-characters: XML 1.0 forbids most, none prints.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def extract_filename(at: datetime, batch: PrintBatchType) -> str:
    """``BADGEEXTRACT_<yyyyMMddHHmmss>_<BATCH>.xml``, the time in UTC (a naive ``at`` is taken as local time, as
    ``datetime.astimezone`` does): UK local time repeats an hour each October, which could repeat a name."""
    return f"BADGEEXTRACT_{at.astimezone(UTC):%Y%m%d%H%M%S}_{PrintBatchType(batch).value}.xml"


class AddressLike(Protocol):
    """An application ``Address`` or a council ``PostalAddress``."""

    @property
    def line1(self) -> str | None: ...
    @property
    def line2(self) -> str | None: ...
    @property
    def town(self) -> str | None: ...
    @property
    def postcode(self) -> str | None: ...


@dataclass(frozen=True)
class PrintItem:
    """One badge to print, with what the Badge record does not hold: the photo's bytes (persons) and the
    letter address (organisations; a person's letter goes to ``badge.holder.address``)."""

    badge: Badge
    photo: bytes | None = None
    letter_address: AddressLike | None = None


@dataclass
class ExtractReport:
    filename: str
    written: list[str] = field(default_factory=list)  # badge numbers, in file order
    skipped: list[SkippedBadge] = field(default_factory=list)
    per_council: dict[str, int] = field(default_factory=dict)  # badges written per council (councils written only)


class Unprintable(ValueError):
    """Why one badge (or one council's details) cannot go in the file."""


# A rendered element: a tag and either its text or its child elements, in order.
Node = tuple[str, "str | Sequence[Node]"]


def _text(value: str | None, tag: str, what: str) -> str:
    """``value`` stripped, if the file can carry it in ``tag``; Unprintable saying why not."""
    text = (value or "").strip()
    if not text:
        raise Unprintable(f"{what} is missing")
    if bad := _UNPRINTABLE.search(text):
        raise Unprintable(f"{what} contains the control character U+{ord(bad.group()):04X}, which cannot be printed")
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError as error:
        character = text[error.start]
        name = unicodedata.name(character, "unnamed character")
        raise Unprintable(
            f"{what} contains {character!r} (U+{ord(character):04X} {name}), which the supplier's {ENCODING} file "
            "cannot carry: correct the spelling on the case"
        ) from None
    limit = MAX_LENGTH.get(tag)
    if limit is not None and len(text) > limit:
        raise Unprintable(f"{what} is {len(text)} characters long; the print file allows at most {limit}")
    return text


def _address(name_line: str, address: AddressLike | None, whose: str) -> list[Node]:
    if address is None:
        raise Unprintable(f"{whose} address is missing")
    postcode = _text(address.postcode, "Postcode", f"{whose} postcode")
    if not is_valid_postcode(postcode):
        raise Unprintable(f"{whose} postcode {postcode!r} is not a UK postcode")
    line2 = [("AddressLine2", _text(address.line2, "AddressLine2", f"{whose} address line 2"))] if (address.line2 or "").strip() else []
    return [
        ("NameLine1", _text(name_line, "NameLine1", f"{whose} name line")),
        ("AddressLine1", _text(address.line1, "AddressLine1", f"{whose} address line 1")),
        *line2,
        ("Town", _text(address.town, "Town", f"{whose} town")),
        ("Country", COUNTRY),
        ("Postcode", normalise_postcode(postcode)),
    ]


def _council_header(council: CouncilConfig) -> list[Node]:
    return [
        ("LACode", council.code),
        ("LAName", _text(council.name, "LAName", "the council's name")),
        ("IssuingCountry", ISSUING_COUNTRY[council.nation]),
        ("LanguageCode", language_code(council)),
        ("ClockType", badge_settings(council).clock_type.value),
        ("PhoneNumber", _text(council.contact.phone, "PhoneNumber", "the council's phone number")),
        ("EmailAddress", _text(council.contact.email, "EmailAddress", "the council's email address")),
    ]


def _person(item: PrintItem, holder: Holder) -> tuple[str, list[Node], list[Node]]:
    """A person's printed reference, their Photo, BarCodeData and Name elements, and their letter address."""
    surname = _text(holder.surname, "Name", "the holder's surname")
    forenames = _text(holder.forenames, "Name", "the holder's forenames") if (holder.forenames or "").strip() else None
    if holder.date_of_birth is None:
        raise Unprintable("the holder's date of birth is missing (the printed reference carries the birth month and year)")
    if not item.photo:
        raise Unprintable("the holder's photo is missing (a person's badge is printed with their photo)")
    if not item.photo.startswith(JPEG_START):
        raise Unprintable("the holder's photo is not a JPEG image (the supplier prints JPEG photos only)")
    reference = printed_reference(item.badge.badge_number, holder.date_of_birth, holder.gender, item.badge.expiry_date)
    name = _text(f"{surname}, {forenames}" if forenames else surname, "Name", "the holder's name (surname, forenames)")
    name_line = " ".join(part.strip() for part in (holder.title, forenames, surname) if part and part.strip())
    elements: list[Node] = [
        ("Photo", base64.b64encode(item.photo).decode("ascii")),
        ("BarCodeData", barcode_data(reference)),
        ("Name", name),
    ]
    return reference, elements, _address(name_line, holder.address, "the holder's")


def _organisation(item: PrintItem, name: str) -> tuple[str, list[Node], list[Node]]:
    """An organisation's printed reference, its BarCodeData and OrganisationName, and the letter address given."""
    organisation = _text(name, "OrganisationName", "the organisation's name")
    reference = printed_reference(item.badge.badge_number, None, None, item.badge.expiry_date)
    elements: list[Node] = [("BarCodeData", barcode_data(reference)), ("OrganisationName", organisation)]
    return reference, elements, _address(organisation, item.letter_address, "the organisation's")


def render_badge(item: PrintItem, council: CouncilConfig, batch: PrintBatchType) -> Node:
    """The BadgeDetails element of one badge, every value checked; Unprintable or BadgeRuleError if it cannot be."""
    badge = item.badge
    if badge.council_code != council.code:
        raise Unprintable(f"the badge belongs to council {badge.council_code}, not {council.code}")
    codes = supplier_codes(badge.deliver_to, badge.delivery_option)
    if badge.batch_type is not codes.batch_type:
        raise Unprintable(
            f"the badge is recorded for the {badge.batch_type.value} batch, but its delivery "
            f"({badge.deliver_to.value}, {badge.delivery_option.value}) belongs in {codes.batch_type.value}"
        )
    if codes.batch_type is not batch:
        raise Unprintable(f"the badge is for the {codes.batch_type.value} batch, not this {batch.value} file")
    if badge.holder is not None and badge.organisation_name is None:
        reference, who, letter = _person(item, badge.holder)
    elif badge.organisation_name is not None and badge.holder is None:
        reference, who, letter = _organisation(item, badge.organisation_name)
    else:
        raise Unprintable("the badge must have either a holder or an organisation name (it has both or neither)")
    collection: list[Node] = []
    if codes.dispatch_method is DispatchMethodCode.COUNCIL:
        collection = [("CollectionAddress", _address(council.name, badge_settings(council).collection_address, "the council's collection"))]
    return ("BadgeDetails", [
        ("BadgeIdentifier", badge.badge_number),
        ("PrintedBadgeReference", reference),
        ("StartDate", badge.start_date.isoformat()),
        ("ExpiryDate", badge.expiry_date.isoformat()),
        ("DispatchMethodCode", codes.dispatch_method.value),
        ("FastTrackCode", codes.fast_track.value),
        ("PostageCode", codes.postage.value),
        *who,
        ("LetterAddress", letter),
        *collection,
    ])


def _xml(node: Node, depth: int) -> str:
    """One element, indented, its text escaped (tags are this module's constants)."""
    tag, content = node
    pad = "\n" + "  " * depth
    if isinstance(content, str):
        return f"{pad}<{tag}>{escape(content)}</{tag}>"
    return f"{pad}<{tag}>{''.join(_xml(child, depth + 1) for child in content)}{pad}</{tag}>"


class _Writer:
    """Elements straight onto the stream, a whole badge in one write. Not XMLGenerator: it writes every tag and
    text separately (dozens of writes per badge) and turns an unencodable character into a character reference
    without a word, where this encodes strictly (the text is checked first, so it never fails)."""

    def __init__(self, stream: BinaryIO, depth: int = 0):
        self._stream = stream
        self._depth = depth

    def start(self, tag: str) -> None:
        self._write(f"\n{'  ' * self._depth}<{tag}>")
        self._depth += 1

    def end(self, tag: str) -> None:
        self._depth -= 1
        self._write(f"\n{'  ' * self._depth}</{tag}>")

    def node(self, node: Node) -> None:
        self._write(_xml(node, self._depth))

    def declaration(self) -> None:
        self._write(f'<?xml version="1.0" encoding="{ENCODING}"?>')

    def finish(self) -> None:
        self._write("\n")

    def _write(self, text: str) -> None:
        # ASCII is the same bytes in windows-1252 and encodes several times faster than the charmap codec
        self._stream.write(text.encode("ascii") if text.isascii() else text.encode(ENCODING))


class CouncilBlock:
    """One council's LocalAuthority element, written badge by badge into a stream of its own or the file's: a dispatch
    fills several side by side (each in its own stream) and joins them into the file in order (``extract_document``).
    The element is opened at the first badge written, so a council with none is left out."""

    def __init__(self, council: CouncilConfig, batch: PrintBatchType, stream: BinaryIO):
        self.council, self.batch = council, batch
        self.written: list[str] = []  # badge numbers, in file order
        self._out = _Writer(stream, depth=2)  # inside BadgePrintExtract/LocalAuthorities
        try:
            self._header: list[Node] | None = _council_header(council)
            self._problem = ""
        except Unprintable as problem:  # every badge of the council is reported, each with this reason
            self._header, self._problem = None, f"the council's details cannot be printed: {problem}"

    def render(self, item: PrintItem) -> Node:
        """The badge's element, every value checked; Unprintable or BadgeRuleError (nothing written) if it cannot be."""
        if self._header is None:
            raise Unprintable(self._problem)
        return render_badge(item, self.council, self.batch)

    def add(self, badge_number: str, details: Node) -> None:
        """Write a badge rendered by ``render``."""
        if not self.written:
            self._out.start("LocalAuthority")
            for element in self._header or ():
                self._out.node(element)
            self._out.start("Badges")
        self._out.node(details)
        self.written.append(badge_number)

    def finish(self) -> None:
        if self.written:
            self._out.end("Badges")
            self._out.end("LocalAuthority")


@contextmanager
def extract_document(stream: BinaryIO, filename: str, re_extract: bool) -> Iterator[PrintBatchType]:
    """The file's frame around its council blocks (written into ``stream`` inside the block), and its batch type.
    Raises ValueError for a bad filename (see ``extract_filename``)."""
    match = FILENAME_PATTERN.match(filename)
    if match is None:
        raise ValueError(f"{filename!r} is not an extract filename like BADGEEXTRACT_yyyyMMddHHmmss_<BATCH>.xml")
    out = _Writer(stream)
    out.declaration()
    out.start("BadgePrintExtract")
    out.node(("Batch", [("Filename", filename), ("ReExtract", "yes" if re_extract else "no")]))
    out.start("LocalAuthorities")
    yield PrintBatchType(match.group(1))
    out.end("LocalAuthorities")
    out.end("BadgePrintExtract")
    out.finish()


def write_extract(
    stream: BinaryIO,
    filename: str,
    re_extract: bool,
    councils: Iterable[tuple[CouncilConfig, Iterable[PrintItem]]],
) -> ExtractReport:
    """Write the extract ``filename`` (see ``extract_filename``; its batch type is the file's) to ``stream``, one
    LocalAuthority per council that has a badge to print, in the order given. Items are consumed one at a time.

    Each badge is given once (a batch claims each badge once; the XSD refuses a BadgeIdentifier twice). Raises
    ValueError for a bad filename or a council given twice (the caller's mistakes, not the data's).
    """
    report = ExtractReport(filename=filename)
    seen_councils: set[str] = set()
    with extract_document(stream, filename, re_extract) as batch:
        for council, items in councils:
            if council.code in seen_councils:
                raise ValueError(f"council {council.code} is given twice: each council's badges are one group")
            seen_councils.add(council.code)
            block = CouncilBlock(council, batch, stream)
            for item in items:
                try:
                    details = block.render(item)
                except (Unprintable, BadgeRuleError) as problem:
                    report.skipped.append(SkippedBadge(council_code=council.code, badge_number=item.badge.badge_number, reason=str(problem)))
                    continue
                block.add(item.badge.badge_number, details)
            block.finish()
            if block.written:
                report.written += block.written
                report.per_council[council.code] = len(block.written)
    return report
