"""The supplier's result files: both kinds parse (validating against their XSDs), and every malformed file is
refused whole with a reason naming the entry and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from shared.services.blue_badge.domain.print_results import (
    MAX_ERROR_MESSAGE,
    Confirmation,
    MalformedResultFile,
    PrintResults,
    Rejection,
    ResultKind,
    parse_results,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "print"
CONFIRMATION_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "print-confirmation.xsd")))
REJECTION_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "print-rejection.xsd")))


def confirmations(*entries: tuple[str, str, str], encoding: str = "windows-1252") -> bytes:
    body = "".join(
        f"  <Confirmation>\n    <BadgeIdentifier>{number}</BadgeIdentifier>\n    <Cancellation>{cancelled}</Cancellation>\n"
        f"    <DispatchedDate>{dispatched}</DispatchedDate>\n  </Confirmation>\n"
        for number, cancelled, dispatched in entries
    )
    return f'<?xml version="1.0" encoding="{encoding}"?>\n<BadgePrintConfirmations>\n{body}</BadgePrintConfirmations>\n'.encode(encoding)


def rejections(*entries: tuple[str, str], encoding: str = "windows-1252") -> bytes:
    body = "".join(
        f"  <Rejection>\n    <BadgeIdentifier>{number}</BadgeIdentifier>\n    <ErrorMessage>{error}</ErrorMessage>\n  </Rejection>\n"
        for number, error in entries
    )
    return f'<?xml version="1.0" encoding="{encoding}"?>\n<BadgePrintRejections>\n{body}</BadgePrintRejections>\n'.encode(encoding)


def schema_for(data: bytes) -> etree.XMLSchema:
    return CONFIRMATION_SCHEMA if b"<BadgePrintConfirmations" in data else REJECTION_SCHEMA


def parsed_and_valid(data: bytes) -> PrintResults:
    schema_for(data).assertValid(etree.fromstring(data))
    return parse_results(data)


# --------------------------------------------------------------------------------------------- valid files


@pytest.mark.parametrize("encoding", ["windows-1252", "UTF-8"])
def test_confirmations_parse_in_file_order(encoding):
    data = confirmations(("AB12CD", "no", "2026-11-21"), ("AB12CE", "yes", "2026-11-22"),
                         ("AB12CF", "no", "2026-11-21T14:24:34"), encoding=encoding)
    assert parsed_and_valid(data) == PrintResults(kind=ResultKind.CONFIRMATIONS, confirmations=(
        Confirmation(badge_number="AB12CD", cancelled=False, dispatched=date(2026, 11, 21)),
        Confirmation(badge_number="AB12CE", cancelled=True, dispatched=date(2026, 11, 22)),
        Confirmation(badge_number="AB12CF", cancelled=False, dispatched=date(2026, 11, 21)),
    ))


@pytest.mark.parametrize("encoding", ["windows-1252", "UTF-8"])
def test_rejections_parse_with_their_errors_in_the_declared_encoding(encoding):
    data = rejections(("AB12CD", "Photograph not found"), ("AB12CE", "Name 'Zoë' too long for the card – 40 € max"), encoding=encoding)
    assert parsed_and_valid(data) == PrintResults(kind=ResultKind.REJECTIONS, rejections=(
        Rejection(badge_number="AB12CD", error="Photograph not found"),
        Rejection(badge_number="AB12CE", error="Name 'Zoë' too long for the card – 40 € max"),
    ))


def test_a_file_with_its_elements_in_a_namespace_reads_the_same():
    """As the national service's supplier sends them (its samples use a placeholder namespace and US-ASCII)."""
    data = (b'<?xml version="1.0" encoding="US-ASCII"?>\n'
            b'<BadgePrintConfirmations xmlns="http://YourSite.com/BadgePrintConfirmations">\n'
            b"  <Confirmation><BadgeIdentifier>AAAAAA</BadgeIdentifier><Cancellation>no</Cancellation>"
            b"<DispatchedDate>2018-02-02T14:24:34</DispatchedDate></Confirmation>\n"
            b"</BadgePrintConfirmations>\n")
    assert parse_results(data).confirmations == (Confirmation("AAAAAA", cancelled=False, dispatched=date(2018, 2, 2)),)


def test_spaces_around_values_are_ignored_as_the_schema_does():
    data = confirmations((" AB12CD\n", " no ", "\n 2026-11-21 "))
    assert parsed_and_valid(data).confirmations == (Confirmation("AB12CD", cancelled=False, dispatched=date(2026, 11, 21)),)


def test_the_same_entry_twice_is_one_result():
    data = rejections(("AB12CD", "Photograph not found"), ("AB12CE", "Blurred photo"), ("AB12CD", "Photograph not found"))
    assert [entry.badge_number for entry in parsed_and_valid(data).rejections] == ["AB12CD", "AB12CE"]


def test_the_schema_and_the_reader_allow_the_same_error_message_length():
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    schema = etree.parse(str(SCHEMAS / "print-rejection.xsd"))
    assert schema.xpath("//xs:simpleType[@name='ErrorMessage']//xs:maxLength/@value", namespaces=ns) == [str(MAX_ERROR_MESSAGE)]
    assert parsed_and_valid(rejections(("AB12CD", "x" * MAX_ERROR_MESSAGE))).rejections[0].error == "x" * MAX_ERROR_MESSAGE


# --------------------------------------------------------------------------------------------- malformed files

GOOD = ("AB12CD", "no", "2026-11-21")
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<BadgePrintRejections><Rejection><BadgeIdentifier>AB12CD</BadgeIdentifier><ErrorMessage>&lol3;</ErrorMessage></Rejection></BadgePrintRejections>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<BadgePrintRejections><Rejection><BadgeIdentifier>AB12CD</BadgeIdentifier><ErrorMessage>&secret;</ErrorMessage></Rejection></BadgePrintRejections>"""


def replaced(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


# (id, file, what the reason says, whether the XSDs refuse it too: False where only the reader can tell, None where
# the file is not even well-formed XML or declares a DOCTYPE)
MALFORMED = [
    ("not XML", b"BadgeIdentifier,Cancellation\nAB12CD,no\n", "the file is not well-formed XML", None),
    ("empty", b"", "the file is not well-formed XML: no element found", None),
    ("truncated", confirmations(GOOD)[:-40], "the file is not well-formed XML", None),
    ("bytes not in the declared encoding", confirmations(("AB12CD", "no", "2026-11-21")).replace(b"no<", b"n\xf6<").replace(b"windows-1252", b"UTF-8"),
     "the file is not well-formed XML: not well-formed (invalid token)", None),
    ("an unknown encoding", confirmations(GOOD).replace(b"windows-1252", b"x-klingon"), "unknown encoding: x-klingon", None),
    ("a DOCTYPE with entities (billion laughs)", BILLION_LAUGHS, "the file has a DOCTYPE declaration", None),
    ("an external entity", EXTERNAL_ENTITY, "the file has a DOCTYPE declaration", None),
    ("an unknown root", replaced(replaced(confirmations(GOOD), "<BadgePrintConfirmations>", "<BadgePrintResults>"), "</BadgePrintConfirmations>", "</BadgePrintResults>"),
     "the root element is 'BadgePrintResults', not BadgePrintConfirmations or BadgePrintRejections", True),
    ("the extract sent back", b'<?xml version="1.0"?><BadgePrintExtract><Batch/></BadgePrintExtract>', "the root element is 'BadgePrintExtract'", True),
    ("no entries", confirmations(), "the file has no Confirmation entries", True),
    ("a rejection in a confirmations file", replaced(replaced(confirmations(GOOD), "<Confirmation>", "<Rejection>"), "</Confirmation>", "</Rejection>"),
     "Confirmation 1: element 'Rejection' where a Confirmation was expected", True),
    ("a missing field", replaced(confirmations(GOOD, ("AB12CE", "no", "2026-11-21")), "<DispatchedDate>2026-11-21</DispatchedDate>\n  </Confirmation>\n</Bad", "</Confirmation>\n</Bad"),
     "Confirmation 2: field 'DispatchedDate' is missing", True),
    ("a field twice", replaced(confirmations(GOOD), "<Cancellation>no</Cancellation>", "<Cancellation>no</Cancellation><Cancellation>yes</Cancellation>"),
     "Confirmation 1: field 'Cancellation' appears more than once", True),
    ("an unknown field", replaced(rejections(("AB12CD", "Blurred")), "<ErrorMessage>", "<Severity>high</Severity><ErrorMessage>"),
     "Rejection 1: unexpected element 'Severity' (expected BadgeIdentifier, ErrorMessage)", True),
    ("a field with elements inside", replaced(rejections(("AB12CD", "Blurred")), "Blurred", "<b>Blurred</b>"),
     "Rejection 1: field 'ErrorMessage' has child elements", True),
    ("text between entries", replaced(confirmations(GOOD), "</Confirmation>", "</Confirmation>stray"), "BadgePrintConfirmations has text outside its elements", True),
    ("a badge number with I", confirmations(("AB12CI", "no", "2026-11-21")), "Confirmation 1: field 'BadgeIdentifier': 'AB12CI' is not a badge number", True),
    ("a badge number in lower case", confirmations(GOOD, ("ab12ce", "no", "2026-11-21")), "Confirmation 2: field 'BadgeIdentifier': 'ab12ce'", True),
    ("a badge number of 7 characters", rejections(("AB12CDE", "Blurred")), "Rejection 1: field 'BadgeIdentifier': 'AB12CDE'", True),
    ("an empty badge number", rejections(("", "Blurred")), "Rejection 1: field 'BadgeIdentifier': '' is not a badge number", True),
    ("Cancellation neither yes nor no", confirmations(("AB12CD", "Y", "2026-11-21")), "Confirmation 1 (badge AB12CD): field 'Cancellation': 'Y' is not yes or no", True),
    ("an impossible date", confirmations(("AB12CD", "no", "2026-02-30")), "Confirmation 1 (badge AB12CD): field 'DispatchedDate': '2026-02-30' is not a date", True),
    ("a date in UK order", confirmations(("AB12CD", "no", "21/11/2026")), "field 'DispatchedDate': '21/11/2026' is not a date", True),
    ("a compact date", confirmations(("AB12CD", "no", "20261121")), "field 'DispatchedDate': '20261121' is not a date", True),
    ("an empty date", confirmations(("AB12CD", "no", "")), "field 'DispatchedDate': '' is not a date", True),
    ("an empty error message", rejections(("AB12CD", "  ")), "Rejection 1 (badge AB12CD): field 'ErrorMessage' is empty", True),
    ("an error message too long", rejections(("AB12CD", "x" * (MAX_ERROR_MESSAGE + 1))), "field 'ErrorMessage' is 1001 characters long (at most 1000)", True),
    ("one badge confirmed on two dates", confirmations(GOOD, ("AB12CE", "no", "2026-11-21"), ("AB12CD", "no", "2026-11-22")),
     "Confirmation 3 (badge AB12CD): the file has another Confirmation for this badge with a different outcome", False),
    ("one badge both posted and cancelled", confirmations(GOOD, ("AB12CD", "yes", "2026-11-21")), "Confirmation 2 (badge AB12CD)", False),
    ("one badge with two errors", rejections(("AB12CD", "Blurred"), ("AB12CD", "Photograph not found")),
     "Rejection 2 (badge AB12CD): the file has another Rejection for this badge with a different outcome", False),
]


@pytest.mark.parametrize(("case", "data", "reason", "xsd_refuses"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_a_malformed_file_is_refused_whole_with_a_reason(case, data, reason, xsd_refuses):
    with pytest.raises(MalformedResultFile) as refused:
        parse_results(data)
    assert reason in refused.value.reason, refused.value.reason
    assert str(refused.value) == refused.value.reason
    if xsd_refuses is not None:  # well-formed XML: the schemas agree with the reader, except where they cannot tell
        root = etree.fromstring(data)
        accepted = CONFIRMATION_SCHEMA.validate(root) or REJECTION_SCHEMA.validate(root)
        assert accepted is not xsd_refuses
