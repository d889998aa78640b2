"""Both dashboards narrowed to one team: the Team select (GET `team`, all teams by default) counts only that team's
cases in every figure, the referrals dashboard's CSV downloads too, and a team the council does not have is an error."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest

from shared.bootstrap import store_for
from shared.core.domain.case import AuditEntry
from shared.services.asc_triage.domain.case import ReferralCase, ScreeningOutcome
from shared.services.blue_badge.domain.case import Stage
from tests.unit.asc_triage.test_statistics import referral, screened
from tests.web.case_fixtures import error_summary
from tests.web.queue_cases import put_case

# Periods long ago in which only this file's cases were received.
BADGE_PERIOD = "from-day=5&from-month=6&from-year=2023&to-day=18&to-month=6&to-year=2023"
REFERRAL_PERIOD = "from-day=2&from-month=6&from-year=2025&to-day=8&to-month=6&to-year=2025"


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)


def put_referral(case: ReferralCase) -> ReferralCase:
    store_for(case.council_code).create(case, AuditEntry(case_id=case.case_id, at=case.received_at, actor="test", action="CASE_OPENED"))
    return case


def team_options(page) -> dict[str, bool]:
    """The Team select's options: value -> whether it is selected."""
    select = re.search(r'<select class="govuk-select[^"]*" id="team" name="team".*?</select>', page.html, flags=re.S).group(0)
    return {value: bool(selected) for value, selected in re.findall(r'<option value="([^"]*)"( selected)?', select)}


@pytest.fixture(scope="module")
def badge_cases(stack):
    """Three applications of the period: two in the Blue Badge team, one moved to Community OT."""
    return [put_case(received_at=on(date(2023, 6, 6)), stage=Stage.SCREENING, team="blue-badge"),
            put_case(received_at=on(date(2023, 6, 7)), stage=Stage.DECISION, team="blue-badge", application={"channel": "PAPER"}),
            put_case(received_at=on(date(2023, 6, 8)), stage=Stage.DECISION, team="community-ot")]


@pytest.fixture(scope="module")
def referrals(stack):
    """Four referrals of the week: three at the front door (one screened and signposted), one at safeguarding."""
    return [put_referral(case) for case in (
        referral(on(date(2025, 6, 2)), kind="SELF"),
        referral(on(date(2025, 6, 3))),
        screened(on(date(2025, 6, 3)), ScreeningOutcome.SIGNPOST, on(date(2025, 6, 4))),
        referral(on(date(2025, 6, 4)), kind="SELF", team="safeguarding"),
    )]


def test_the_blue_badge_dashboard_counts_all_teams_unless_one_is_chosen(leader, badge_cases):
    every = leader.get(f"/dashboard?{BADGE_PERIOD}")
    assert every.status == 200, every.text
    assert "3 applications received" in every.text
    assert team_options(every) == {"": True, "blue-badge": False, "asc-front-door": False, "community-ot": False, "safeguarding": False,
                                   "family-front-door": False}
    badge_team = leader.get(f"/dashboard?{BADGE_PERIOD}&team=blue-badge")
    assert "2 applications received" in badge_team.text and "Blue Badge team" in badge_team.text
    assert team_options(badge_team)["blue-badge"] and not team_options(badge_team)[""]
    occupational = leader.get(f"/dashboard?{BADGE_PERIOD}&team=community-ot")
    assert "1 applications received" in occupational.text
    assert "0 applications received" in leader.get(f"/dashboard?{BADGE_PERIOD}&team=safeguarding").text


def test_the_referrals_dashboard_and_its_csv_count_the_team_chosen(leader, referrals):
    def received(query: str) -> str:
        download = leader.get(f"/referrals/dashboard.csv?table=key-figures&{REFERRAL_PERIOD}{query}")
        assert download.status == 200, download.text
        return list(csv.reader(io.StringIO(download.html.removeprefix("\ufeff"))))[1][1]

    assert received("") == "4"
    assert received("&team=asc-front-door") == "3" and received("&team=safeguarding") == "1"
    page = leader.get(f"/referrals/dashboard?{REFERRAL_PERIOD}&team=asc-front-door")
    assert page.status == 200 and "ASC front door team" in page.text
    assert "Referrals received 3" in page.text and "Screening decisions 1" in page.text
    assert 'href="/referrals/dashboard.csv?table=referrers&amp;from-day=2&amp;from-month=6&amp;from-year=2025&amp;to-day=8' \
           '&amp;to-month=6&amp;to-year=2025&amp;team=asc-front-door"' in page.html  # each download keeps the team
    named = leader.get(f"/referrals/dashboard.csv?table=referrers&{REFERRAL_PERIOD}&team=safeguarding")
    assert named.headers["Content-Disposition"] == 'attachment; filename="northshire-referrals-referrers-safeguarding-2025-06-02-to-2025-06-08.csv"'


@pytest.mark.parametrize("path", ["/dashboard", "/referrals/dashboard", "/referrals/dashboard.csv?table=referrers"])
def test_a_team_the_council_does_not_have_is_named_in_an_error(leader, path):
    page = leader.get(f"{path}{'&' if '?' in path else '?'}team=no-such-team")
    assert page.title.startswith("Error: ")
    assert error_summary(page) == ["Select a team from the list"] and 'href="#team"' in page.html
    assert "At a glance" not in page.text  # no figures for a team that is not there
    assert team_options(page)[""]  # the select is shown again, at all teams
