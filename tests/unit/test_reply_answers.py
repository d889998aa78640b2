"""The applicant's typed answers: what each missing item asks, and the merge patch the answers make."""

from datetime import date

import pytest

from shared.services.blue_badge.domain.completeness import DESCRIPTIONS, MissingCode
from shared.services.blue_badge.domain.reply import REPLY_ITEMS, ReplyBy, read_answers, reply_items
from shared.core.domain.uploads import FileFormat, sniff
from shared.core.domain.reply_tokens import new_token, parse_token

TODAY = date(2026, 11, 23)


def answers(*codes: MissingCode, **fields: str):
    return read_answers(reply_items(list(codes)), fields, TODAY)


def test_every_missing_item_has_plain_english_for_the_applicant():
    assert set(REPLY_ITEMS) == set(DESCRIPTIONS)
    assert all(item.heading and item.hint for item in REPLY_ITEMS.values())
    assert all((item.by is ReplyBy.UPLOAD) == (item.evidence_type is not None) for item in REPLY_ITEMS.values())


def test_a_missing_address_asks_for_its_postcode_once():
    assert [item.code for item in reply_items([MissingCode.ADDRESS, MissingCode.POSTCODE, MissingCode.PHOTO])] == [
        MissingCode.ADDRESS, MissingCode.PHOTO]


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({}, "dob-day", "Enter the date of birth"),
        ({"dob-day": "1", "dob-year": "1950"}, "dob-month", "The date of birth must include a month"),
        ({"dob-day": "30", "dob-month": "2", "dob-year": "1950"}, "dob-day", "The date of birth must be a real date"),
        ({"dob-day": "1", "dob-month": "1", "dob-year": "50"}, "dob-day", "The date of birth must be a real date"),
        ({"dob-day": "23", "dob-month": "11", "dob-year": "2026"}, "dob-day", "Date of birth must be in the past"),
        ({"dob-day": "1", "dob-month": "1", "dob-year": "1899"}, "dob-year", "Date of birth must be after 1900"),
    ],
)
def test_dates_of_birth(fields, field_id, message):
    assert answers(MissingCode.DATE_OF_BIRTH, **fields).errors == {field_id: message}


def test_good_answers_make_a_merge_patch_in_the_applications_formats():
    given = answers(MissingCode.NINO, MissingCode.POSTCODE, MissingCode.AWARD_DATES, nino="ab 12 34 56 c", postcode="ne14xf",
                    **{"award-start-day": "1", "award-start-month": "2", "award-start-year": "2025", "award-end-day": "1",
                       "award-end-month": "2", "award-end-year": "2028"})
    assert given.errors == {}
    assert given.changes == {
        "holder": {"nino": "AB123456C", "address": {"postcode": "NE1 4XF"}},
        "eligibility": {"benefit": {"award_start": "2025-02-01", "award_end": "2028-02-01", "indefinite": False}},
    }


def test_an_award_that_ends_before_it_starts_and_over_long_text_are_refused():
    given = answers(MissingCode.AWARD_DATES, MissingCode.HOLDER_NAME, forenames="A" * 201, surname="Lovelace",
                    **{"award-start-day": "1", "award-start-month": "2", "award-start-year": "2025", "award-end-day": "1",
                       "award-end-month": "2", "award-end-year": "2024"})
    assert given.errors == {"award-end-day": "The date the award ends must be after the date it started",
                            "forenames": "Enter 200 characters or fewer"}


def test_only_the_questions_asked_are_read():
    assert answers(MissingCode.PHOTO, nino="AB123456C", **{"holder": "x"}).changes == {}


def test_tokens_name_their_case_and_carry_192_random_bits():
    token = new_token("NORTHSHIRE-261123-ABC234")
    parts = parse_token(token)
    assert parts is not None and (parts.council_code, parts.case_id) == ("NORTHSHIRE", "NORTHSHIRE-261123-ABC234")
    assert len(token.rpartition(".")[2]) == 32 and new_token("NORTHSHIRE-261123-ABC234") != token
    for bad in ("", "garbage", "NORTHSHIRE-261123-ABC234", "NORTHSHIRE-261123-ABC234.short", "../etc.passwd" + "x" * 30):
        assert parse_token(bad) is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [(b"\xff\xd8\xff\xe0\0\0", FileFormat.JPEG), (b"\x89PNG\r\n\x1a\n", FileFormat.PNG), (b"%PDF-1.7", FileFormat.PDF),
     (b"<svg xml", None), (b"", None)],
)
def test_files_are_known_by_their_first_bytes(head, expected):
    assert sniff(head) is expected
