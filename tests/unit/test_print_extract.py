"""The print extract: the supplier's layout (validated against schemas/print/badge-print-extract.xsd), its values,
badges skipped with a reason while the rest of the batch is written, and streaming in constant memory."""

from __future__ import annotations

import base64
import io
import tracemalloc
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from shared.services.blue_badge.domain.application import Address, Gender, Holder
from shared.services.blue_badge.domain.badge import Badge, DeliverTo, DeliveryOption, PrintBatchType, badge_number_for, batch_type
from shared.core.domain.council import CouncilConfig, load_councils
from shared.services.blue_badge.domain.print_extract import (
    ENCODING,
    MAX_LENGTH,
    ExtractReport,
    PrintItem,
    extract_filename,
    write_extract,
)
from tests.factories import with_badge_settings
from shared.services.blue_badge.domain.settings import badge_settings

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "print" / "badge-print-extract.xsd"
SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
COUNCILS = load_councils()
NORTHSHIRE, VALEWYE = COUNCILS.get("NORTHSHIRE"), COUNCILS.get("VALEWYE")
RUN_AT = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) + b"\xff\xd9"  # the signature is what is checked
DELIVERY = {  # batch -> (deliver_to, delivery_option)
    PrintBatchType.STANDARD: (DeliverTo.HOME, DeliveryOption.STANDARD),
    PrintBatchType.FASTTRACK: (DeliverTo.HOME, DeliveryOption.FAST),
    PrintBatchType.LA: (DeliverTo.COUNCIL, DeliveryOption.STANDARD),
}
ORGANISATION_ADDRESS = Address(line1="Unit 4, Riverside Park", line2="Mill Road", town="Northby", postcode="NE1 5AB")


def holder(**changes) -> Holder:
    fields = {
        "title": "Mrs", "forenames": "Ada", "surname": "Lovelace", "date_of_birth": date(1958, 9, 14),
        "gender": Gender.FEMALE, "address": Address(line1="12 Mill Lane", town="Northby", postcode="ne1 4xf"),
    }
    return Holder(**fields | changes)


def badge(number: str, council: CouncilConfig = NORTHSHIRE, batch: PrintBatchType = PrintBatchType.STANDARD, **changes) -> Badge:
    deliver_to, option = DELIVERY[batch]
    fields = {
        "badge_number": number, "council_code": council.code, "case_id": f"CASE-{number}",
        "start_date": date(2026, 11, 21), "expiry_date": date(2029, 11, 20),
        "deliver_to": deliver_to, "delivery_option": option, "batch_type": batch_type(deliver_to, option),
        "holder": holder(), "ordered_at": RUN_AT, "updated_at": RUN_AT,
    }
    return Badge(**fields | changes)


def person(number: str, council: CouncilConfig = NORTHSHIRE, batch: PrintBatchType = PrintBatchType.STANDARD,
           photo: bytes | None = JPEG, **changes) -> PrintItem:
    return PrintItem(badge=badge(number, council, batch, **changes), photo=photo)


def organisation(number: str, council: CouncilConfig = NORTHSHIRE, batch: PrintBatchType = PrintBatchType.STANDARD,
                 address: Address | None = ORGANISATION_ADDRESS) -> PrintItem:
    return PrintItem(badge=badge(number, council, batch, holder=None, organisation_name="Northby Community Transport"),
                     letter_address=address)


def write(batch: PrintBatchType, councils: Iterable[tuple[CouncilConfig, Iterable[PrintItem]]],
          re_extract: bool = False) -> tuple[ExtractReport, bytes]:
    stream = io.BytesIO()
    report = write_extract(stream, extract_filename(RUN_AT, batch), re_extract, councils)
    return report, stream.getvalue()


def valid(data: bytes) -> etree._Element:
    """The document, after checking it is windows-1252 and valid against the XSD."""
    assert data.startswith(b'<?xml version="1.0" encoding="windows-1252"?>\n')
    document = etree.fromstring(data)
    SCHEMA.assertValid(document)
    return document


def details(document: etree._Element, number: str) -> etree._Element:
    (found,) = document.xpath(f"//BadgeDetails[BadgeIdentifier='{number}']")
    return found


def texts(element: etree._Element) -> dict[str, str]:
    return {child.tag: child.text for child in element}


# --------------------------------------------------------------------------------------------- layout and values


def test_the_filename_carries_the_time_in_utc_and_the_batch():
    assert extract_filename(RUN_AT, PrintBatchType.STANDARD) == "BADGEEXTRACT_20261120003000_STANDARD.xml"
    summer = datetime(2026, 7, 1, 0, 30, 5, tzinfo=timezone(timedelta(hours=1)))  # 00:30:05 BST
    assert extract_filename(summer, PrintBatchType.LA) == "BADGEEXTRACT_20260630233005_LA.xml"
    names = {extract_filename(RUN_AT, batch) for batch in PrintBatchType}
    assert len(names) == 3  # three batches in one second, three files


@pytest.mark.parametrize(
    ("batch", "codes", "collection"),
    [
        (PrintBatchType.STANDARD, {"DispatchMethodCode": "M", "FastTrackCode": "N", "PostageCode": "SC"}, False),
        (PrintBatchType.FASTTRACK, {"DispatchMethodCode": "M", "FastTrackCode": "Y", "PostageCode": "RD"}, False),
        (PrintBatchType.LA, {"DispatchMethodCode": "C", "FastTrackCode": "N", "PostageCode": "SC"}, True),
    ],
)
def test_each_batch_type_is_valid_with_its_codes_grouped_by_council(batch, codes, collection):
    report, data = write(batch, [
        (NORTHSHIRE, [person("AB12CD", batch=batch), organisation("AB12CE", batch=batch)]),
        (VALEWYE, [person("AB12CF", VALEWYE, batch)]),
    ])
    document = valid(data)
    assert report.written == ["AB12CD", "AB12CE", "AB12CF"] and report.skipped == []
    assert report.per_council == {"NORTHSHIRE": 2, "VALEWYE": 1}
    assert document.xpath("/BadgePrintExtract/Batch/Filename/text()") == [extract_filename(RUN_AT, batch)]
    assert document.xpath("//LocalAuthority/LACode/text()") == ["NORTHSHIRE", "VALEWYE"]
    assert document.xpath("//LocalAuthority[LACode='NORTHSHIRE']//BadgeIdentifier/text()") == ["AB12CD", "AB12CE"]
    for number in report.written:
        entry = details(document, number)
        assert {tag: texts(entry)[tag] for tag in codes} == codes
        assert (entry.find("CollectionAddress") is not None) is collection
    if collection:
        assert texts(details(document, "AB12CF").find("CollectionAddress")) == {
            "NameLine1": "Vale of Wye Council", "AddressLine1": "Civic Centre", "Town": "Wyeford",
            "Country": "United Kingdom", "Postcode": "CF10 1AA",
        }


def test_a_persons_badge_carries_the_expected_values_in_windows_1252():
    item = person("AB12CD", holder=holder(forenames="Zoë Anne", address=Address(
        line1="Flat 2 & 3 <rear>", line2="Mill Lane", town="Northby", postcode="ne14xf")))
    _, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [item])])
    assert "Zoë".encode(ENCODING) in data and "Zoë".encode("utf-8") not in data  # one byte, 0xEB
    text = data.decode(ENCODING)
    assert "<Name>Lovelace, Zoë Anne</Name>" in text
    assert "<AddressLine1>Flat 2 &amp; 3 &lt;rear&gt;</AddressLine1>" in text
    entry = texts(details(valid(data), "AB12CD"))
    assert entry | {"Photo": "", "LetterAddress": ""} == {
        "BadgeIdentifier": "AB12CD", "PrintedBadgeReference": "AB12CD 0 0958Y1129",
        "StartDate": "2026-11-21", "ExpiryDate": "2029-11-20",
        "DispatchMethodCode": "M", "FastTrackCode": "N", "PostageCode": "SC", "Photo": "",
        "BarCodeData": "58Y1129", "Name": "Lovelace, Zoë Anne", "LetterAddress": "",
    }
    assert base64.b64decode(entry["Photo"]) == JPEG
    assert texts(details(valid(data), "AB12CD").find("LetterAddress")) == {
        "NameLine1": "Mrs Zoë Anne Lovelace", "AddressLine1": "Flat 2 & 3 <rear>", "AddressLine2": "Mill Lane",
        "Town": "Northby", "Country": "United Kingdom", "Postcode": "NE1 4XF",
    }


def test_an_organisations_badge_has_its_name_and_the_given_letter_address_and_no_photo():
    item = organisation("AB12CE")
    _, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [PrintItem(item.badge, photo=JPEG, letter_address=ORGANISATION_ADDRESS)])])
    entry = details(valid(data), "AB12CE")
    assert texts(entry)["PrintedBadgeReference"] == "AB12CE 0 O1129"
    assert texts(entry)["BarCodeData"] == "O1129"
    assert texts(entry)["OrganisationName"] == "Northby Community Transport"
    assert entry.find("Photo") is None and entry.find("Name") is None
    assert texts(entry.find("LetterAddress")) == {
        "NameLine1": "Northby Community Transport", "AddressLine1": "Unit 4, Riverside Park", "AddressLine2": "Mill Road",
        "Town": "Northby", "Country": "United Kingdom", "Postcode": "NE1 5AB",
    }


def test_a_welsh_council_prints_bilingual_badges_issued_in_wales():
    _, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [person("AB12CD")]), (VALEWYE, [person("AB12CE", VALEWYE)])])
    document = valid(data)
    header = {code: texts(document.xpath(f"//LocalAuthority[LACode='{code}']")[0]) for code in ("NORTHSHIRE", "VALEWYE")}
    assert {key: header["VALEWYE"][key] for key in ("LAName", "IssuingCountry", "LanguageCode", "ClockType", "PhoneNumber", "EmailAddress")} == {
        "LAName": "Vale of Wye Council", "IssuingCountry": "W", "LanguageCode": "EW", "ClockType": "Wallet",
        "PhoneNumber": "01632 960002", "EmailAddress": "bathodynlas@valewye.example.gov.uk",
    }
    assert (header["NORTHSHIRE"]["IssuingCountry"], header["NORTHSHIRE"]["LanguageCode"], header["NORTHSHIRE"]["ClockType"]) == ("E", "E", "Standard")


def test_a_re_extract_says_so():
    _, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [person("AB12CD")])], re_extract=True)
    assert valid(data).xpath("/BadgePrintExtract/Batch/ReExtract/text()") == ["yes"]
    _, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [person("AB12CD")])])
    assert valid(data).xpath("/BadgePrintExtract/Batch/ReExtract/text()") == ["no"]


@pytest.mark.parametrize("councils", [[], [(NORTHSHIRE, []), (VALEWYE, [])]], ids=["no councils", "no badges"])
def test_an_empty_batch_is_a_valid_file_with_no_council(councils):
    report, data = write(PrintBatchType.LA, councils)
    assert valid(data).xpath("//LocalAuthority") == []
    assert (report.written, report.skipped, report.per_council) == ([], [], {})


def test_the_schema_and_the_writer_allow_the_same_lengths():
    """MAX_LENGTH in print_extract.py is the XSD's maxLength for each element, so the writer never writes what
    the schema refuses (nor refuses what it allows)."""
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    schema = etree.parse(str(SCHEMA_FILE))
    for tag, limit in MAX_LENGTH.items():
        types = set(schema.xpath(f"//xs:element[@name='{tag}']/@type", namespaces=ns))
        limits = {int(value) for name in types
                  for value in schema.xpath(f"//xs:simpleType[@name='{name}']//xs:maxLength/@value", namespaces=ns)}
        assert types and limits == {limit}, tag


# --------------------------------------------------------------------------------------------- skipped badges


def renamed(**changes) -> dict:
    return {"holder": holder(**changes)}


SKIPPED = [
    ("no photo", lambda n: person(n, photo=None), "the holder's photo is missing"),
    ("a PNG photo", lambda n: person(n, photo=b"\x89PNG\r\n\x1a\n" + bytes(40)), "the holder's photo is not a JPEG image"),
    ("a name windows-1252 cannot carry", lambda n: person(n, **renamed(forenames="Łukasz")),
     "the holder's forenames contains 'Ł' (U+0141 LATIN CAPITAL LETTER L WITH STROKE), which the supplier's windows-1252 file cannot carry"),
    ("an emoji", lambda n: person(n, **renamed(surname="Smith 🙂")), "the holder's surname contains '🙂' (U+1F642"),
    ("a Welsh w-circumflex in the address", lambda n: person(n, **renamed(address=Address(line1="1 Heol Gŵyr", town="Wyeford", postcode="CF10 1AA"))),
     "the holder's address line 1 contains 'ŵ'"),
    # Intake refuses control characters (tests/unit/test_text_characters.py); these are built unchecked, as text stored
    # before that check was, to prove the print guard stays as the last line of defence.
    ("a control character", lambda n: person(n, holder=holder().model_copy(update={
        "address": Address.model_construct(line1="12 Mill\x0bLane", town="Northby", postcode="NE1 4XF")})),
     "the holder's address line 1 contains the control character U+000B, which cannot be printed"),
    ("a line break in a name", lambda n: person(n, holder=holder().model_copy(update={"surname": "Love\nlace"})),
     "the holder's surname contains the control character U+000A"),
    ("no surname", lambda n: person(n, **renamed(surname=None)), "the holder's surname is missing"),
    ("a surname too long for the file", lambda n: person(n, **renamed(surname="Fotheringham-" * 8)),
     "the holder's surname is 104 characters long; the print file allows at most 100"),
    ("a name too long for the file", lambda n: person(n, **renamed(forenames="Adelaide " * 10, surname="Fotheringham")),
     "the holder's name (surname, forenames) is 103 characters long"),
    ("no date of birth", lambda n: person(n, **renamed(date_of_birth=None)), "the holder's date of birth is missing"),
    ("no address", lambda n: person(n, **renamed(address=None)), "the holder's address is missing"),
    ("no postcode", lambda n: person(n, **renamed(address=Address(line1="12 Mill Lane", town="Northby"))), "the holder's postcode is missing"),
    ("a postcode that is not one", lambda n: person(n, **renamed(address=Address(line1="12 Mill Lane", town="Northby", postcode="12345"))),
     "the holder's postcode '12 345' is not a UK postcode"),
    ("no town", lambda n: person(n, **renamed(address=Address(line1="12 Mill Lane", postcode="NE1 4XF"))), "the holder's town is missing"),
    ("an organisation without a letter address", lambda n: organisation(n, address=None), "the organisation's address is missing"),
    ("neither holder nor organisation", lambda n: person(n, holder=None), "either a holder or an organisation name"),
    ("both holder and organisation", lambda n: person(n, organisation_name="Northby Transport"), "either a holder or an organisation name"),
    ("another council's badge", lambda n: person(n, VALEWYE), "the badge belongs to council VALEWYE, not NORTHSHIRE"),
    ("another batch's badge", lambda n: person(n, batch=PrintBatchType.FASTTRACK), "the badge is for the FASTTRACK batch, not this STANDARD file"),
    ("a batch type its delivery contradicts", lambda n: person(n, batch_type=PrintBatchType.FASTTRACK),
     "recorded for the FASTTRACK batch, but its delivery (HOME, STANDARD) belongs in STANDARD"),
    ("a badge rule: fast delivery to the council", lambda n: person(n, deliver_to=DeliverTo.COUNCIL, delivery_option=DeliveryOption.FAST),
     "field 'delivery_option': FAST delivery is only to the holder's home"),
]


@pytest.mark.parametrize(("problem", "make", "reason"), SKIPPED, ids=[case[0] for case in SKIPPED])
def test_a_badge_that_cannot_be_printed_is_skipped_with_its_reason_and_the_rest_is_written(problem, make, reason):
    report, data = write(PrintBatchType.STANDARD, [
        (NORTHSHIRE, [person("AB12CD"), make("AB12CE"), organisation("AB12CF")]),
        (VALEWYE, [person("AB12CG", VALEWYE)]),
    ])
    document = valid(data)
    assert report.written == ["AB12CD", "AB12CF", "AB12CG"]
    assert document.xpath("//BadgeIdentifier/text()") == report.written
    ((skipped),) = report.skipped
    assert (skipped.council_code, skipped.badge_number) == ("NORTHSHIRE", "AB12CE")
    assert reason in skipped.reason, skipped.reason
    assert report.per_council == {"NORTHSHIRE": 2, "VALEWYE": 1}


def test_a_council_whose_own_details_cannot_be_printed_has_each_badge_skipped_with_that_reason():
    gower = VALEWYE.model_copy(update={"name": "Cyngor Bro Gŵyr"})
    report, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [person("AB12CD")]), (gower, [person("AB12CE", VALEWYE), person("AB12CF", VALEWYE)])])
    assert valid(data).xpath("//LACode/text()") == ["NORTHSHIRE"]
    assert [item.badge_number for item in report.skipped] == ["AB12CE", "AB12CF"]
    assert all(item.reason.startswith("the council's details cannot be printed: the council's name contains 'ŵ'")
               for item in report.skipped)


def test_a_council_whose_badges_are_all_skipped_is_left_out():
    report, data = write(PrintBatchType.STANDARD, [(NORTHSHIRE, [person("AB12CD", photo=None)]), (VALEWYE, [person("AB12CE", VALEWYE)])])
    assert valid(data).xpath("//LACode/text()") == ["VALEWYE"]
    assert report.per_council == {"VALEWYE": 1}


def test_only_badges_for_the_council_get_a_collection_address_that_fits():
    long_street = with_badge_settings(NORTHSHIRE, collection_address=badge_settings(NORTHSHIRE).collection_address.model_copy(
        update={"line1": "The Council Offices, Northby County Hall, Market Street"}))
    report, data = write(PrintBatchType.LA, [(long_street, [person("AB12CD", batch=PrintBatchType.LA)])])
    assert valid(data).xpath("//LocalAuthority") == []
    assert report.skipped[0].reason == (
        "the council's collection address line 1 is 55 characters long; the print file allows at most 50")
    report, _ = write(PrintBatchType.STANDARD, [(long_street, [person("AB12CD")])])
    assert report.written == ["AB12CD"]


@pytest.mark.parametrize("filename", ["BADGEEXTRACT_20261120003000.xml", "BADGEEXTRACT_2026112000300_LA.xml", "extract.xml"])
def test_a_bad_filename_is_the_callers_mistake(filename):
    with pytest.raises(ValueError, match="is not an extract filename"):
        write_extract(io.BytesIO(), filename, False, [])


def test_a_council_given_twice_is_the_callers_mistake():
    with pytest.raises(ValueError, match="council NORTHSHIRE is given twice"):
        write(PrintBatchType.STANDARD, [(NORTHSHIRE, [person("AB12CD")]), (NORTHSHIRE, [person("AB12CE")])])


# --------------------------------------------------------------------------------------------- streaming


class CountingSink:
    """A binary stream that keeps nothing: it counts the bytes written to it."""

    def __init__(self) -> None:
        self.count = 0

    def write(self, data: bytes) -> int:
        self.count += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def many(count: int, photo: bytes) -> Iterator[PrintItem]:
    """``count`` different badges, made one at a time as the writer asks for them."""
    template = badge("000000")
    for value in range(count):
        yield PrintItem(badge=template.model_copy(update={"badge_number": badge_number_for(value)}), photo=photo)


def test_each_badge_is_on_the_stream_before_the_next_is_asked_for():
    sink = CountingSink()
    seen: list[int] = []

    def watched() -> Iterator[PrintItem]:
        for item in many(50, JPEG):
            seen.append(sink.count)
            yield item

    write_extract(sink, extract_filename(RUN_AT, PrintBatchType.STANDARD), False, [(NORTHSHIRE, watched())])  # type: ignore[arg-type]
    growth = [later - earlier for earlier, later in zip(seen, seen[1:])]
    assert all(step > len(JPEG) for step in growth[1:])  # each step wrote one whole badge, photo included


def peak_memory(count: int, photo: bytes) -> tuple[int, int]:
    """Peak traced memory while writing ``count`` badges to a sink, and the bytes written."""
    sink = CountingSink()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        report = write_extract(sink, extract_filename(RUN_AT, PrintBatchType.STANDARD), False,  # type: ignore[arg-type]
                               [(NORTHSHIRE, many(count, photo))])
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(report.written) == count and not report.skipped
    return peak, sink.count


def test_memory_stays_flat_however_many_badges_are_written():
    """20,000 badges with a 3 KB photo each make an 80 MB file; writing it holds a few MB at most. What grows is
    only the report (one badge number per badge), far less than the file: a structural check, not a timing."""
    photo = JPEG + bytes(3000)
    small_peak, small_size = peak_memory(1_000, photo)
    peak, size = peak_memory(20_000, photo)
    assert size > 80_000_000 and size > 19 * small_size
    assert peak < 3_000_000, peak
    per_badge = (peak - small_peak) / 19_000
    assert per_badge < 120, per_badge  # the report's badge number, against about 5,000 bytes written per badge
