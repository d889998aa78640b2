"""Every service's dashboard tables as CSV (GET /dashboards/<service>/<table>.csv): Blue Badge's for a period and a
team, the referrals dashboard's as its old address gives them, only for the caller's council and only for leaders."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from shared.bootstrap import councils
from shared.core.domain.council import CouncilRegistry
from shared.core.domain.statistics import Table, csv_text
from shared.resources import Role
from shared.services.asc_triage.domain.case import ScreeningOutcome
from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.blue_badge.domain.case import Decision, DecisionOutcome, Stage
from tests.unit.asc_triage.test_statistics import referral, screened
from tests.web.queue_cases import put_case
from tests.web.test_team_dashboards import on, put_referral
from web.pages import dashboards

# Periods long ago in which only this file's cases were received or decided.
BADGE_PERIOD = "from-day=4&from-month=9&from-year=2023&to-day=17&to-month=9&to-year=2023"
REFERRAL_PERIOD = "from-day=13&from-month=1&from-year=2025&to-day=19&to-month=1&to-year=2025"
BADGE_TABLES = ("key-figures", "channels", "decided-on-time", "outcomes", "badges-by-route", "reviews", "backlog")
NO_BADGES_ORDERED = "badges-by-route"  # no badge was ordered in BADGE_PERIOD: its page says so, with nothing to download
REFERRAL_TABLES = ("key-figures", "referrers", "organisations", "recommendations", "decisions", "overrides", "routing")


def rows_of(download) -> list[list[str]]:
    assert download.status == 200, download.text
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(download.html.removeprefix("\ufeff"))))



@pytest.fixture(scope="module")
def badge_cases(stack):
    """The fortnight's applications at Northshire: two in the Blue Badge team (one approved), one paper application in
    Community OT; and one at Vale of Wye that Northshire never counts."""
    approved = Decision(outcome=DecisionOutcome.APPROVE, reasons=[], by="cw@northshire.example", at=on(date(2023, 9, 7)))
    return [put_case(received_at=on(date(2023, 9, 5)), stage=Stage.SCREENING, team="blue-badge"),
            put_case(received_at=on(date(2023, 9, 5)), stage=Stage.ORDERED, team="blue-badge", decision=approved),
            put_case(received_at=on(date(2023, 9, 6)), stage=Stage.DECISION, team="community-ot", application={"channel": "PAPER"}),
            put_case("VALEWYE", received_at=on(date(2023, 9, 6)), stage=Stage.DECISION, application={"channel": "PHONE"})]


@pytest.fixture(scope="module")
def referrals(stack):
    """The week's referrals at Northshire, one from an organisation whose name a spreadsheet would run as a formula."""
    return [put_referral(case) for case in (
        referral(on(date(2025, 1, 13)), kind="SELF"),
        screened(on(date(2025, 1, 14)), ScreeningOutcome.ROUTE, on(date(2025, 1, 15)), organisation='=HYPERLINK("http://x.example")'),
        screened(on(date(2025, 1, 15)), ScreeningOutcome.SIGNPOST, on(date(2025, 1, 16)), team="safeguarding"),
    )]


def test_blue_badge_tables_download_for_the_period(leader, badge_cases):
    download = leader.get(f"/dashboards/blue-badge/channels.csv?{BADGE_PERIOD}")
    assert download.headers["Content-Disposition"] == 'attachment; filename="northshire-blue-badge-channels-2023-09-04-to-2023-09-17.csv"'
    assert download.headers["Cache-Control"] == "no-store"
    assert rows_of(download) == [["Channel", "Applications", "Share"], ["Online", "2", "67%"], ["Paper", "1", "33%"],
                                 ["Phone", "0", "0%"], ["In person", "0", "0%"]]
    glance = {line[0]: line[1:] for line in rows_of(leader.get(f"/dashboards/blue-badge/key-figures.csv?{BADGE_PERIOD}"))}
    assert glance["Figure"] == ["Number", "Out of", "Per cent"]
    assert glance["Applications received"] == ["3", "", ""] and glance["Badges ordered"] == ["0", "", ""]
    assert glance["Decided within target"] == ["1", "1", "100%"]
    assert rows_of(leader.get(f"/dashboards/blue-badge/outcomes.csv?{BADGE_PERIOD}"))[1] == ["PIP", "1", "0", "100%"]
    assert glance["Badges rejected by the printer, waiting to be corrected (whole council, today)"] == ["0", "", ""]
    assert rows_of(leader.get(f"/dashboards/blue-badge/{NO_BADGES_ORDERED}.csv?{BADGE_PERIOD}")) == [["Route", "Badges ordered"]]
    for table in BADGE_TABLES:
        rows = rows_of(leader.get(f"/dashboards/blue-badge/{table}.csv?{BADGE_PERIOD}"))
        assert (len(rows) >= 2 or table == NO_BADGES_ORDERED) and all(len(line) == len(rows[0]) for line in rows)


def test_blue_badge_tables_download_for_a_team(leader, badge_cases):
    download = leader.get(f"/dashboards/blue-badge/channels.csv?{BADGE_PERIOD}&team=community-ot")
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="northshire-blue-badge-channels-community-ot-2023-09-04-to-2023-09-17.csv"'
    assert rows_of(download)[1:3] == [["Online", "0", "0%"], ["Paper", "1", "100%"]]


def test_the_blue_badge_page_links_each_table_to_its_csv(leader, badge_cases):
    page = leader.get(f"/dashboard?{BADGE_PERIOD}&team=blue-badge")
    assert page.status == 200, page.text
    links = re.findall(r'href="/dashboards/blue-badge/([a-z-]+)\.csv\?from-day=4&amp;from-month=9&amp;from-year=2023'
                       r'&amp;to-day=17&amp;to-month=9&amp;to-year=2023&amp;team=blue-badge"', page.html)
    assert sorted(links) == sorted(set(BADGE_TABLES) - {NO_BADGES_ORDERED})
    assert page.text.count("Download as CSV") == len(BADGE_TABLES) - 1 and "No badges were ordered in this period." in page.text
    assert "Download as CSV (Backlog by age)" in page.text  # each link names its table for screen reader users


def test_the_referrals_csv_is_the_same_at_either_address(leader, referrals):
    for table in REFERRAL_TABLES:
        for team in ("", "&team=safeguarding"):
            new = leader.get(f"/dashboards/asc-triage/{table}.csv?{REFERRAL_PERIOD}{team}")
            old = leader.get(f"/referrals/dashboard.csv?table={table}&{REFERRAL_PERIOD}{team}")
            assert rows_of(new) == rows_of(old) and new.html == old.html
    assert rows_of(leader.get(f"/dashboards/asc-triage/key-figures.csv?{REFERRAL_PERIOD}&team=safeguarding"))[1] == \
        ["Referrals received", "1", "", ""]


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(leader, referrals):
    organisations = {line[0]: line[1] for line in rows_of(leader.get(f"/dashboards/asc-triage/organisations.csv?{REFERRAL_PERIOD}"))[1:]}
    assert organisations == {"'=HYPERLINK(\"http://x.example\")": "1", "Mill Lane Surgery": "1"}
    assert csv_text(Table("t", "", "", ("-1", "+a"), [("@b", "\tc", "ok")])).splitlines() == ["'-1,'+a", "'@b,'\tc,ok"]


def test_another_councils_leader_gets_their_own_councils_figures(browser, staff, badge_cases):
    browser.sign_in(staff("VALEWYE", Role.TEAM_LEADER))
    download = browser.get(f"/dashboards/blue-badge/channels.csv?{BADGE_PERIOD}")
    assert download.headers["Content-Disposition"].startswith('attachment; filename="valewye-blue-badge-channels-')
    assert rows_of(download)[1:] == [["Online", "0", "0%"], ["Paper", "0", "0%"], ["Phone", "1", "100%"], ["In person", "0", "0%"]]


@pytest.mark.parametrize("roles", [(Role.CASEWORKER,), (Role.READ_ONLY,), (Role.ASSESSOR,)])
def test_only_team_leaders_and_council_admins_download(browser, staff, roles):
    browser.sign_in(staff("NORTHSHIRE", *roles))
    page = browser.get(f"/dashboards/blue-badge/channels.csv?{BADGE_PERIOD}")
    assert page.status == 403 and "You cannot do that" in page.text


def test_a_council_admin_downloads_too(browser, staff):
    browser.sign_in(staff("NORTHSHIRE", Role.COUNCIL_ADMIN))
    assert rows_of(browser.get("/dashboards/asc-triage/referrers.csv"))[0] == ["Referrer", "Referrals", "Share"]


@pytest.mark.parametrize("path", ["/dashboards/blue-badge/everything.csv", "/dashboards/asc-triage/channels.csv",
                                  "/dashboards/parcels/channels.csv"])
def test_an_unknown_table_or_service_is_not_found(leader, path):
    page = leader.get(path)
    assert page.status == 404 and page.headers["Content-Type"].startswith("text/html")


def test_a_council_running_only_adult_social_care_has_no_blue_badge_tables(leader, monkeypatch):
    only_triage = [council.model_copy(update={"services": {key: value for key, value in council.services.items() if key != BLUE_BADGE}})
                   if council.code == "NORTHSHIRE" else council for council in councils()]
    monkeypatch.setattr(dashboards, "councils", lambda: CouncilRegistry(only_triage))
    page = leader.get(f"/dashboards/blue-badge/channels.csv?{BADGE_PERIOD}")
    assert page.status == 404 and "does not run this service" in page.text
    assert rows_of(leader.get(f"/dashboards/asc-triage/referrers.csv?{REFERRAL_PERIOD}"))[0][0] == "Referrer"


@pytest.mark.parametrize(("query", "named"), [
    ("from-day=31&from-month=2&from-year=2024", "from-day: Enter a real date for the start of the period"),
    ("to-day=1&to-month=1&to-year=2999", "to-day: The end of the period must be today or in the past"),
    ("team=no-such-team", "team: Select a team from the list"),
])
def test_a_bad_period_or_team_is_named_in_a_plain_message(leader, query, named):
    answer = leader.get(f"/dashboards/blue-badge/channels.csv?{query}")
    assert answer.status == 400 and answer.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert named in answer.html and "Content-Disposition" not in answer.headers
