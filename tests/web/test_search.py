"""Search and the single view of a person, through the web pages."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest

from shared.bootstrap import intake_service
from shared.services.blue_badge.domain.application import Application
from shared.resources import Role
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files


def _unique_nino() -> str:
    digits = f"{uuid.uuid4().int % 1_000_000:06d}"
    return f"JK{digits}A"


def _keyed(council: str = "NORTHSHIRE", **overrides) -> str:
    """A case made through the intake service, as the keying-in journey and the API make them."""
    application = Application.model_validate(upload_intake_files(complete_application(council, **overrides)))
    outcome = intake_service().accept(application, actor="test")
    return outcome.case_id


@pytest.fixture
def person(stack):
    """Two open applications for one person (a possible duplicate) and an unrelated one at the same postcode."""
    surname, nino = f"Searchable{uuid.uuid4().hex[:6]}", _unique_nino()
    first = _keyed(**{"holder.surname": surname, "holder.nino": nino, "holder.address.postcode": "NE3 2AB"})
    second = _keyed(**{"holder.surname": surname, "holder.nino": nino, "holder.address.postcode": "NE3 2AB",
                       "submitted_at": datetime.now(UTC).isoformat()})
    neighbour = _keyed(**{"holder.surname": "Neighbour", "holder.nino": _unique_nino(), "holder.address.postcode": "NE3 2AB"})
    return {"surname": surname, "nino": nino, "cases": (first, second), "neighbour": neighbour}


@pytest.fixture
def staff_browser(signed_in):
    def make(council: str = "NORTHSHIRE", role: Role = Role.CASEWORKER):
        return signed_in(council, role)
    return make


def _search(browser, fields: dict[str, str]):
    """Post a search as its form does; a valid one redirects to its results, which are then fetched."""
    page = browser.submit("/search", fields)
    return browser.get(page.location) if page.status == 303 else page


def _fields(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=True))


def test_search_page_posts_its_forms_with_the_csrf_token(staff_browser):
    page = staff_browser().get("/search")
    assert page.status == 200
    # One posted form per way of searching, each under its own heading, each with the session's CSRF token.
    assert page.html.count('<form method="post" action="/search" novalidate>') == 4
    # ...and the header's search box (posted too), on every page.
    assert page.html.count(f'name="csrf_token" value="{page.csrf_token}"') == 5 and 'action="/search/quick"' in page.html
    assert 'method="get"' not in page.html
    for kind in ("badge", "person", "postcode", "nino"):
        assert f'<section class="app-search" id="search-{kind}"' in page.html
    assert "case found" not in page.text and "cases found" not in page.text


def test_a_search_without_the_csrf_token_is_refused(staff_browser):
    assert staff_browser().post("/search", {"kind": "NINO", "nino": "QQ123456C"}).status == 403


@pytest.mark.parametrize(
    ("query", "message", "field_id"),
    [
        ("kind=", "Select what to search by", "kind"),
        ("kind=SOMETHING", "Select what to search by", "kind"),
        ("kind=BADGE&badge=", "Enter a badge number", "badge"),
        ("kind=BADGE&badge=ABC-12", "Enter a badge number of 6 characters", "badge"),
        ("kind=NINO&nino=123", "Enter a National Insurance number in the correct format", "nino"),
        ("kind=POSTCODE&postcode=NE3", "Enter a full UK postcode", "postcode"),
        ("kind=PERSON&surname=Hopper", "Enter a date of birth", "date-of-birth-day"),
        ("kind=PERSON&surname=Hopper&date-of-birth-day=31&date-of-birth-month=2&date-of-birth-year=1970", "Date of birth must be a real date", "date-of-birth-day"),
        ("kind=PERSON&surname=&date-of-birth-day=1&date-of-birth-month=2&date-of-birth-year=1970", "Enter a last name", "surname"),
    ],
)
def test_a_malformed_search_says_what_to_fix(staff_browser, query, message, field_id):
    page = _search(staff_browser(), _fields(query))
    assert page.status == 400
    assert page.title.startswith("Error: ")
    assert message in page.text
    assert f'href="#{field_id}"' in page.html


def test_a_search_redirects_to_results_whose_address_names_no_one(staff_browser, person):
    browser = staff_browser()
    posted = browser.submit("/search", {"kind": "NINO", "nino": person["nino"]})
    assert posted.status == 303
    assert re.fullmatch(r"/search\?results=[\w-]{20,}", posted.location)
    assert person["nino"] not in posted.location and person["nino"].lower() not in posted.location
    results = browser.get(posted.location)
    assert "2 cases found" in results.text
    # Back or reload asks the server again (no resubmission); the results are fetched afresh.
    again = browser.get(posted.location)
    assert again.status == 200 and "2 cases found" in again.text
    assert all(f'href="/cases/{case_id}"' in again.html for case_id in person["cases"])
    # No link on the results page carries what was searched for.
    assert all(person["nino"] not in href and person["surname"] not in href for href in re.findall(r'href="([^"]*)"', results.html))


def test_search_results_open_only_for_the_user_who_searched(staff_browser, person, browser, staff):
    location = staff_browser().submit("/search", {"kind": "NINO", "nino": person["nino"]}).location
    other = staff("NORTHSHIRE", Role.CASEWORKER, email="other-searcher.northshire@example.gov.uk")
    browser.cookies.clear()
    assert browser.sign_in(other).status == 303
    page = browser.get(location)
    assert page.status == 200
    assert "no longer available" in page.text and "cases found" not in page.text
    assert "no longer available" in browser.get("/search?results=made-up").text


def test_search_by_each_kind(staff_browser, person):
    browser = staff_browser()
    first, second = person["cases"]
    by_nino = _search(browser, {"kind": "NINO", "nino": f"{person['nino'][:2]} {person['nino'][2:].lower()}"})
    assert by_nino.status == 200
    assert "2 cases found" in by_nino.text
    assert f'href="/cases/{first}"' in by_nino.html and f'href="/cases/{second}"' in by_nino.html
    assert person["neighbour"] not in by_nino.html

    by_person = _search(browser, {"kind": "PERSON", "surname": person["surname"].lower(), "date-of-birth-day": "10",
                                  "date-of-birth-month": "12", "date-of-birth-year": "1958"})
    assert "2 cases found" in by_person.text and "10 December 1958" in by_person.text

    by_postcode = _search(browser, {"kind": "POSTCODE", "postcode": "ne32ab"})
    assert f'href="/cases/{person["neighbour"]}"' in by_postcode.html and f'href="/cases/{first}"' in by_postcode.html

    nothing = _search(browser, {"kind": "NINO", "nino": "JL000000D"})
    assert "0 cases found" in nothing.text and "No cases of your council match" in nothing.text


def test_search_by_badge_number(staff_browser):
    case_id = _keyed(**{"application_type": "REPLACE", "replace_reason": "LOST", "existing_badge_number": "7H2B3C"})
    page = _search(staff_browser(), {"kind": "BADGE", "badge": "7h2b3c"})
    assert page.status == 200
    assert f'href="/cases/{case_id}"' in page.html


def test_read_only_staff_can_search_and_assessors_cannot(staff_browser, person):
    assert _search(staff_browser("NORTHSHIRE", Role.READ_ONLY), {"kind": "NINO", "nino": person["nino"]}).status == 200
    assessor = staff_browser("NORTHSHIRE", Role.ASSESSOR)
    assert assessor.get("/search").status == 403
    assert assessor.post("/search", {"kind": "NINO", "nino": person["nino"], "csrf_token": assessor.get("/").csrf_token}).status == 403
    assert assessor.get(f"/cases/{person['cases'][0]}/person").status == 403


def test_another_councils_people_are_never_found(staff_browser, person):
    browser = staff_browser("VALEWYE")
    page = _search(browser, {"kind": "NINO", "nino": person["nino"]})
    assert "0 cases found" in page.text
    assert browser.get(f"/cases/{person['cases'][0]}/person").status == 404


def test_single_view_of_a_person_flags_open_duplicates(staff_browser, person):
    first, second = person["cases"]
    page = staff_browser().get(f"/cases/{first}/person")
    assert page.status == 200
    assert person["surname"] in page.title
    assert "Possible duplicate" in page.text
    assert f'href="/cases/{second}"' in page.html and "Open duplicate" in page.text
    assert person["neighbour"] not in page.html  # same postcode is not the same person
    assert "AB123456C" not in page.text and person["nino"] in page.text
    assert "style=" not in page.html


def test_single_view_of_an_unknown_case_is_not_found(staff_browser):
    assert staff_browser().get("/cases/NORTHSHIRE-000000-NOPE00/person").status == 404
