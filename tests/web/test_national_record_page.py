"""The original national record kept with a case, on its own page: every field, named in words."""

from __future__ import annotations

import secrets

from infra.local.national_api import demo_records
from shared.bootstrap import intake_service
from shared.core.domain.case import utcnow
from shared.services.blue_badge.domain.national import FIELD_WORDS, MAPPING
from tests.web.case_fixtures import open_case
from tests.web.conftest import Browser


def national_case() -> str:
    record = demo_records("NSHIRE", utcnow(), secrets.token_hex(4))[5]  # WALKD: the fullest record
    del record["artifacts"]  # on the bus an artifact must name a file uploaded already; none here
    outcome = intake_service().receive(record, source="national:event:test")
    assert outcome.case_id, outcome
    return outcome.case_id


def test_the_national_record_is_shown_field_by_field_in_words(signed_in):
    browser: Browser = signed_in()
    case_id = national_case()
    assert f'href="/cases/{case_id}/national-record"' in browser.get(f"/cases/{case_id}").html

    page = browser.get(f"/cases/{case_id}/national-record")

    assert page.status == 200, page.text
    text = " ".join(page.text.split())
    for label, value in (("Badge holder, National Insurance number", "ns 12 34 56 a"),  # as sent, not as we normalised it
                         ("Walking difficulty, walking aid 1, description", "Walking stick"),
                         ("Walking difficulty, medication 1, prescribed", "Yes"),
                         ("Walking difficulty, breathlessness, other, described", "In the cold"),  # kept in the original only
                         ("Healthcare professional 1, where", "Northby Surgery"),
                         ("National status", "TODO")):
        assert f"{label} {value}" in text, label
    assert "walkingAids" not in text and "typeCodes" not in text and "isPrescribed" not in text


def test_a_case_not_from_the_national_service_and_another_councils_case_have_no_record_page(signed_in):
    keyed_in = open_case()
    assert signed_in().get(f"/cases/{keyed_in}/national-record").status == 404
    assert signed_in("VALEWYE").get(f"/cases/{national_case()}/national-record").status == 404


def test_every_national_field_has_words():
    """A field added to the mapping without words would show as its split-up name: name it here first."""
    names = {part.removesuffix("[]") for row in MAPPING for part in row.national.split(".")}
    assert names - set(FIELD_WORDS) == set()
