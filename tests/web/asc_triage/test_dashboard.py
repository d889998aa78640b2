"""The ASC front door dashboard: who may see it, its figures for referrals this test writes, and each table's CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry
from shared.core.domain.council import load_councils
from shared.resources import Role
from shared.services.asc_triage.domain.case import ReferralCase, ScreeningOutcome
from shared.services.asc_triage.domain.triage import TriageRoute
from tests.unit.asc_triage.test_statistics import referral, screened

# A week long ago (Monday to Sunday, London on GMT) in which only this file's referrals were received or decided.
PERIOD = "from-day=3&from-month=3&from-year=2025&to-day=9&to-month=3&to-year=2025"
TABLES = ("key-figures", "referrers", "organisations", "recommendations", "decisions", "overrides", "routing")


def on(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


def put(case: ReferralCase) -> ReferralCase:
    store_for(case.council_code).create(case, AuditEntry(case_id=case.case_id, at=case.received_at, actor="test", action="CASE_OPENED"))
    return case


def row(page, header: str) -> list[str]:
    """The cells of the table row headed `header`."""
    match = re.search(rf'<th scope="row" class="govuk-table__header">{re.escape(header)}</th>(.*?)</tr>', page.html, flags=re.S)
    assert match, f"no row {header}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), flags=re.S)]


def rows_of(download) -> list[list[str]]:
    return list(csv.reader(io.StringIO(download.html.removeprefix("\ufeff"))))


@pytest.fixture(scope="module")
def referrals(stack):
    """The week's referrals at Northshire, and one at Vale of Wye that Northshire never counts."""
    monday = on(3)  # due Thursday 10:00
    return [put(case) for case in (
        referral(on(3), kind="SELF"),
        screened(monday, ScreeningOutcome.ROUTE, on(3, 15)),  # 5 business hours, from Mill Lane Surgery
        screened(monday, ScreeningOutcome.ROUTE, on(7, 10), TriageRoute.URGENT, organisation="mill lane surgery"),  # 32: late
        screened(on(4), ScreeningOutcome.SIGNPOST, on(4, 12), TriageRoute.SUPPORT_NEEDS, kind="FAMILY_OR_FRIEND"),
        screened(on(4), ScreeningOutcome.ROUTE, on(5), TriageRoute.SUPPORT_NEEDS, organisation="=HYPERLINK(\"http://x.example\")"),
        screened(on(5), ScreeningOutcome.CLOSE, on(6), organisation="@Northby Hospital"),  # no further action: overrides ROUTE
        screened(on(5), ScreeningOutcome.ROUTE, on(5, 12), council="VALEWYE", organisation="Vale Surgery"),
    )]


@pytest.mark.parametrize("roles", [(Role.CASEWORKER,), (Role.READ_ONLY,), (Role.ASSESSOR,)])
def test_only_team_leaders_and_council_admins_see_it(browser, staff, roles):
    browser.sign_in(staff("NORTHSHIRE", *roles))
    for path in ("/referrals/dashboard", "/referrals/dashboard.csv?table=referrers"):
        page = browser.get(path)
        assert page.status == 403 and "You cannot do that" in page.text


def test_a_council_admin_sees_the_last_28_days_by_default(browser, staff):
    browser.sign_in(staff("NORTHSHIRE", Role.COUNCIL_ADMIN))
    page = browser.get("/referrals/dashboard")
    assert page.status == 200, page.text
    assert page.title == "Referrals dashboard - Adult social care referrals"
    assert "(28 days)" in page.text and "At a glance" in page.text
    assert "style=" not in page.html


def test_a_council_not_running_adult_social_care_has_no_dashboard(leader, monkeypatch):
    northshire = load_councils().get("NORTHSHIRE")
    without_triage = northshire.model_copy(update={"services": {"blue-badge": northshire.services["blue-badge"]}})

    class Councils:
        def get(self, code: str):
            return without_triage

    monkeypatch.setattr("web.pages.asc_dashboard.councils", Councils)
    for path in ("/referrals/dashboard", "/referrals/dashboard.csv?table=referrers"):
        page = leader.get(path)
        assert page.status == 404 and "does not run adult social care referrals" in page.text


def test_figures_for_the_period(leader, referrals):
    page = leader.get(f"/referrals/dashboard?{PERIOD}")
    assert page.status == 200, page.text
    assert "Northshire" in page.text and "3 March 2025 to 9 March 2025 (7 days)" in page.text
    assert "40% (2 of 5)" in page.text  # inappropriate: signposted or closed, of the 5 decided (one waits)
    assert row(page, "The person themselves") == ["1", "17%"]
    assert row(page, "Family member or friend") == ["1", "17%"] and row(page, "Professional") == ["4", "67%"]
    assert row(page, "Mill Lane Surgery") == ["2", "50%"]  # both spellings
    assert row(page, "Support needs (signpost)") == ["2", "33%"] and row(page, "Urgent") == ["1", "17%"]
    assert row(page, "Routed to a team") == ["3", "60%"] and row(page, "Closed with no further action") == ["1", "20%"]
    assert row(page, "All routed referrals") == ["3", "2", "67%", "8.0", "32.0"]  # 5, 8 and 32 business hours
    overrides = re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>\s*<td class="govuk-table__cell">(.*?)</td>', page.html)
    assert overrides == [("Likely eligible", "Close"), ("Support needs (signpost)", "Route to a team")]
    assert "Vale Surgery" not in page.text


def test_every_table_on_the_page_has_its_csv(leader, referrals):
    page = leader.get(f"/referrals/dashboard?{PERIOD}")
    captions = re.findall(r'<caption class="govuk-table__caption[^"]*"', page.html)
    links = re.findall(r'href="/referrals/dashboard\.csv\?table=([a-z-]+)&amp;from-day=3&amp;from-month=3&amp;from-year=2025'
                       r'&amp;to-day=9&amp;to-month=3&amp;to-year=2025"', page.html)
    assert sorted(links) == sorted(TABLES)
    assert len(captions) == len(TABLES) - 1  # the figures at a glance are a summary card
    assert page.text.count("Download as CSV") == len(TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_each_table_downloads_with_a_header_row(leader, referrals, table):
    download = leader.get(f"/referrals/dashboard.csv?table={table}&{PERIOD}")
    assert download.status == 200
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"] == f'attachment; filename="northshire-referrals-{table}-2025-03-03-to-2025-03-09.csv"'
    assert download.headers["Cache-Control"] == "no-store"
    rows = rows_of(download)
    assert len(rows) >= 2 and all(len(line) == len(rows[0]) for line in rows)


def test_the_csv_holds_what_the_page_shows(leader, referrals):
    rows = rows_of(leader.get(f"/referrals/dashboard.csv?table=routing&{PERIOD}"))
    assert rows[0] == ["Recommendation", "Routed", "Within target", "Within target (%)", "Median (business hours)",
                       "90th percentile (business hours)"]
    assert rows[-1] == ["All routed referrals", "3", "2", "67%", "8.0", "32.0"]
    assert ["Likely eligible", "1", "1", "100%", "5.0", "5.0"] in rows
    assert rows_of(leader.get(f"/referrals/dashboard.csv?table=key-figures&{PERIOD}"))[1] == ["Referrals received", "6", "", ""]


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(leader, referrals):
    organisations = {line[0]: line[1] for line in rows_of(leader.get(f"/referrals/dashboard.csv?table=organisations&{PERIOD}"))[1:]}
    assert organisations == {"Mill Lane Surgery": "2", "'=HYPERLINK(\"http://x.example\")": "1", "'@Northby Hospital": "1"}


def test_an_unknown_table_is_not_found(leader):
    page = leader.get(f"/referrals/dashboard.csv?table=everything&{PERIOD}")
    assert page.status == 404 and "There is no dashboard table" in page.text


@pytest.mark.parametrize("path", ["/referrals/dashboard", "/referrals/dashboard.csv"])
def test_a_bad_period_is_named_on_the_page(leader, path):
    page = leader.get(f"{path}?table=referrers&from-day=31&from-month=2&from-year=2025")
    assert page.title.startswith("Error: ") and page.headers["Content-Type"].startswith("text/html")
    assert "Enter a real date for the start of the period" in page.text and 'href="#from-day"' in page.html
    assert "At a glance" not in page.text


def test_another_council_sees_only_its_own_referrals(browser, staff, referrals):
    browser.sign_in(staff("VALEWYE", Role.TEAM_LEADER))
    page = browser.get(f"/referrals/dashboard?{PERIOD}")
    assert "Vale of Wye Council" in page.text and "Mill Lane Surgery" not in page.text
    assert row(page, "Vale Surgery") == ["1", "100%"] and row(page, "All routed referrals")[:2] == ["1", "1"]
