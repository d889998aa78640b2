"""The team leaders' dashboard: who may see it, the period, and the figures for cases this test writes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.core.domain.case import utcnow

from shared.services.blue_badge.domain.case import Decision, DecisionOutcome, Review, Stage
from shared.resources import Role
from tests.web.queue_cases import put_case

# A fortnight long ago, in which only this file's cases were received or decided.
FIRST, LAST = date(2024, 2, 5), date(2024, 2, 18)
PERIOD = "from-day=5&from-month=2&from-year=2024&to-day=18&to-month=2&to-year=2024"
WALKD = {"code": "WALKD", "walking": {"difficulties": ["PAIN"]}}


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)


def decision(outcome: DecisionOutcome, day: date) -> Decision:
    return Decision(outcome=outcome, reasons=["Not eligible"] if outcome is DecisionOutcome.REFUSE else [], by="cw@northshire.example", at=on(day))


def row(page, header: str) -> list[str]:
    """The cells of the table row headed `header`."""
    match = re.search(rf'<th scope="row" class="govuk-table__header">{re.escape(header)}</th>(.*?)</tr>', page.html, flags=re.S)
    assert match, f"no row {header}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), flags=re.S)]


@pytest.mark.parametrize("roles", [(Role.CASEWORKER,), (Role.READ_ONLY,), (Role.ASSESSOR,)])
def test_only_team_leaders_and_council_admins_see_the_dashboard(browser, staff, roles):
    browser.sign_in(staff("NORTHSHIRE", *roles))
    page = browser.get("/dashboard")
    assert page.status == 403 and "You cannot do that" in page.text
    assert "needs the team leader or council administrator role" in page.text and "team-leader" not in page.text  # roles by name
    assert 'href="/dashboard"' not in page.html  # nor is it in their navigation


def test_council_admin_sees_it_for_the_last_28_days_by_default(browser, staff):
    browser.sign_in(staff("NORTHSHIRE", Role.COUNCIL_ADMIN))
    page = browser.get("/dashboard")
    assert page.status == 200 and page.title == "Dashboard - Blue Badge casework"
    today = utcnow().date()
    start = today - timedelta(days=27)
    shown = {part: re.search(rf'id="from-{part}"[^>]*value="(\d+)"', page.html).group(1) for part in ("day", "month", "year")}
    assert shown == {"day": str(start.day), "month": str(start.month), "year": str(start.year)}
    assert "(28 days)" in page.text
    assert "style=" not in page.html  # the CSP allows no style attributes: bars are classes


def test_figures_for_the_period(leader):
    put_case(received_at=on(date(2024, 2, 6)), stage=Stage.SCREENING)
    put_case(received_at=on(date(2024, 2, 7)), stage=Stage.DECISION, application={"channel": "PAPER"}, information_due=on(date(2024, 3, 6)))
    put_case(received_at=on(date(2024, 2, 5)), stage=Stage.ORDERED, badge_numbers=["NS0001"],
             decision=decision(DecisionOutcome.APPROVE, date(2024, 2, 8)))  # PIP, 3 working days: within 5
    put_case(received_at=on(date(2024, 1, 22)), stage=Stage.ORDERED, badge_numbers=["NS0002"],
             decision=decision(DecisionOutcome.APPROVE, date(2024, 2, 9)))  # PIP, 14 working days: late
    put_case(received_at=on(date(2024, 1, 10)), stage=Stage.REVIEW, application={"eligibility": WALKD},
             decision=decision(DecisionOutcome.REFUSE, date(2024, 2, 12)),
             review=Review(requested_at=on(date(2024, 2, 14)), requested_by="cw@northshire.example", grounds="New evidence"))
    put_case("VALEWYE", received_at=on(date(2024, 2, 6)), stage=Stage.DECISION)  # another council's: never counted

    page = leader.get(f"/dashboard?{PERIOD}")
    assert page.status == 200, page.text
    assert "5 February 2024 to 18 February 2024 (14 days)" in page.text
    assert row(page, "Online") == ["2", "67%", ""] and row(page, "Paper") == ["1", "33%", ""] and row(page, "In person")[0] == "0"
    assert "67% complete at first submission (2 of 3)" in page.text
    assert row(page, "Automatic routes")[:4] == ["5", "2", "1", "50%"]
    assert row(page, "Further assessment and other applications")[:4] == ["30", "1", "1", "100%"]
    assert row(page, "PIP")[:3] == ["2", "0", "100%"] and row(page, "Walking difficulty")[:3] == ["0", "1", "0%"]
    assert re.search(r"Requested.*?Upheld.*?Overturned.*?>1</td>\s*<td[^>]*>0</td>\s*<td[^>]*>0</td>", page.html, flags=re.S)
    assert "2 badges ordered" in page.text
    assert 'class="app-chart__bar app-chart__bar--100"' in page.html  # the largest channel's bar is full length


def test_backlog_counts_todays_open_cases_by_age(leader):
    def oldest_band() -> int:
        return int(row(leader.get("/dashboard"), "60 working days or more")[0])

    before = oldest_band()
    put_case(stage=Stage.ASSESSMENT, days_old=100)
    put_case(stage=Stage.ORDERED, days_old=100)  # closed: not backlog
    assert oldest_band() == before + 1


def test_another_council_sees_only_its_own_figures(browser, staff):
    put_case("NORTHSHIRE", received_at=on(date(2024, 3, 5)), stage=Stage.DECISION)
    put_case("VALEWYE", received_at=on(date(2024, 3, 6)), stage=Stage.DECISION, application={"channel": "PAPER"})
    browser.sign_in(staff("VALEWYE", Role.TEAM_LEADER))
    page = browser.get("/dashboard?from-day=4&from-month=3&from-year=2024&to-day=10&to-month=3&to-year=2024")
    assert "Vale of Wye Council" in page.text and "Northshire" not in page.text
    assert row(page, "Paper")[0] == "1" and row(page, "Online")[0] == "0"


@pytest.mark.parametrize(("query", "field", "message"), [
    ("from-day=31&from-month=2&from-year=2024", "from-day", "Enter a real date for the start of the period"),
    ("from-day=10&from-month=2&from-year=2024&to-day=1&to-month=2&to-year=2024", "to-day", "must be the same as or after the start"),
    ("from-day=1&from-month=1&from-year=2020&to-day=1&to-month=1&to-year=2024", "from-day", "Choose a period of 366 days or fewer"),
    ("to-day=1&to-month=1&to-year=2999", "to-day", "must be today or in the past"),
])
def test_bad_periods_are_named(leader, query, field, message):
    page = leader.get(f"/dashboard?{query}")
    assert page.title.startswith("Error: ")
    assert message in page.text and f'href="#{field}"' in page.html
    assert "At a glance" not in page.text
