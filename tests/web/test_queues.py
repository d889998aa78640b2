"""My work and the team queue: filters, order, paging, counts, the KPI target, saved views, team leaders' changes."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote


from shared.bootstrap import store_for
from shared.services.blue_badge.domain.case import Stage
from shared.resources import Role
from tests.web.queue_cases import put_case


def someone() -> str:
    """An assignee nobody else's test uses, so a queue filtered by them holds only this test's cases."""
    return f"worker-{uuid.uuid4().hex[:8]}@northshire.example"


def case_ids(page) -> list[str]:
    return re.findall(r'href="/cases/([A-Z0-9-]+)"', page.html)


def row_of(page, case_id: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row[^"]*">(?:(?!</tr>).)*?/cases/{case_id}".*?</tr>', page.html, flags=re.S)
    assert match, f"no row for {case_id}"
    return match.group(0)


def next_link(page) -> str | None:
    match = re.search(r'<div class="govuk-pagination__next">\s*<a class="[^"]*" href="([^"]+)"', page.html)
    return unquote(match.group(1).replace("&amp;", "&")) if match else None


def test_my_work_lists_my_cases_oldest_first_with_overdue_tagged(browser, staff):
    me = staff("NORTHSHIRE", Role.CASEWORKER, email=someone())
    fresh = put_case(stage=Stage.DECISION, days_old=1, assignee=me)
    late = put_case(stage=Stage.DECISION, days_old=60, assignee=me)  # past the 30 working days
    automatic_late = put_case(stage=Stage.PROOF_CHECK, days_old=14, assignee=me)  # PIP: past the 5-day target
    waiting = put_case(stage=Stage.AWAITING_INFORMATION, days_old=90, assignee=me)  # no clock while incomplete
    put_case(stage=Stage.DECISION, assignee=someone())
    browser.sign_in(me)
    page = browser.get("/")
    assert page.status == 200
    assert case_ids(page) == [waiting.case_id, late.case_id, automatic_late.case_id, fresh.case_id]
    assert "Overdue" in row_of(page, late.case_id) and "Overdue" in row_of(page, automatic_late.case_id)
    assert "Within target" in row_of(page, fresh.case_id)
    assert "Overdue" not in row_of(page, waiting.case_id) and "Not measured at this stage" in row_of(page, waiting.case_id)
    assert "within 30 working days" in page.text and "5 for the automatic routes" in page.text
    assert "2 of the cases on this page are past the target" in page.text


def test_team_queue_filters_by_stage_type_route_assignee_age_and_priority(signed_in):
    browser = signed_in()
    worker = someone()
    pip_new = put_case(stage=Stage.DECISION, days_old=40, assignee=worker)
    pip_renew = put_case(stage=Stage.DECISION, days_old=20, assignee=worker, application={"application_type": "RENEW"})
    walkd = put_case(stage=Stage.DECISION, days_old=5, assignee=worker, priority=90,
                     application={"eligibility": {"code": "WALKD", "walking": {"difficulties": ["PAIN"]}}})
    other_stage = put_case(stage=Stage.ASSESSMENT, days_old=50, assignee=worker)

    def shown(query: str) -> list[str]:
        page = browser.get(f"/queue?assignee={worker}&{query}")
        assert page.status == 200, page.text
        return case_ids(page)

    assert shown("stage=DECISION") == [pip_new.case_id, pip_renew.case_id, walkd.case_id]
    assert shown("stage=") == [other_stage.case_id, pip_new.case_id, pip_renew.case_id, walkd.case_id]
    assert shown("stage=DECISION&application_type=RENEW") == [pip_renew.case_id]
    assert shown("stage=DECISION&route=WALKD") == [walkd.case_id]
    # Working days: 20 calendar days ago is at least 10 of them (weekends and a Christmas), 5 at most 5.
    assert shown("stage=DECISION&older_than_days=8") == [pip_new.case_id, pip_renew.case_id]
    assert shown("stage=DECISION&min_priority=80") == [walkd.case_id]
    assert shown("stage=DECISION&sort=newest") == [walkd.case_id, pip_renew.case_id, pip_new.case_id]


def test_sort_by_priority_within_a_stage(signed_in):
    browser = signed_in()
    urgent = put_case(stage=Stage.AWAITING_PAYMENT, days_old=1, priority=100)
    page = browser.get("/queue?stage=AWAITING_PAYMENT&sort=priority")
    assert case_ids(page)[0] == urgent.case_id
    refused = browser.get(f"/queue?assignee={someone()}&sort=priority")
    assert "A person&#39;s cases are sorted by age" in refused.html or "A person's cases are sorted by age" in refused.text
    assert refused.title.startswith("Error: ") and 'href="#sort"' in refused.html


def test_bad_filters_are_named_in_an_error_summary(signed_in):
    page = signed_in().get("/queue?stage=DECISION&older_than_days=soon&min_priority=500")
    assert page.title.startswith("Error: ")
    assert "Enter the age in working days as a whole number from 0 to 3650" in page.text
    assert "Enter a priority from 0 to 100" in page.text
    assert 'href="#older_than_days"' in page.html and 'href="#min_priority"' in page.html


def test_paging_follows_the_cursor_forward_and_back(signed_in):
    browser = signed_in()
    worker = someone()
    made = [put_case(stage=Stage.DECISION, days_old=60 - day, assignee=worker).case_id for day in range(27)]
    first = browser.get(f"/queue?stage=DECISION&assignee={worker}")
    assert case_ids(first) == made[:25]
    assert "govuk-pagination__prev" not in first.html
    second = browser.get(next_link(first))
    assert case_ids(second) == made[25:]
    assert "(page 2)" in second.text and next_link(second) is None
    back = re.search(r'<div class="govuk-pagination__prev">\s*<a class="[^"]*" href="([^"]+)"', second.html).group(1)
    assert case_ids(browser.get(unquote(back.replace("&amp;", "&")))) == made[:25]
    mine = browser.get(f"/queue?stage=DECISION&assignee={worker}&cursor=not-a-cursor")  # an edited link: the first page
    assert case_ids(mine) == made[:25]


def test_counts_per_stage_are_shown_and_follow_new_cases(signed_in):
    browser = signed_in()

    def review_count() -> int:
        page = browser.get("/queue?stage=REVIEW")
        return int(re.search(r'app-stage-counts__number">(\d+)</span> Review', page.html).group(1))

    before = review_count()
    put_case(stage=Stage.REVIEW)
    put_case(stage=Stage.REVIEW)
    assert review_count() == before + 2
    assert before + 2 == store_for("NORTHSHIRE").count_stage(Stage.REVIEW)


def test_another_councils_cases_never_show(signed_in):
    worker = someone()
    theirs = put_case("VALEWYE", stage=Stage.DECISION, assignee=worker)
    browser = signed_in()
    page = browser.get(f"/queue?stage=DECISION&assignee={worker}")
    assert theirs.case_id not in page.html
    assert "No cases match these filters" in page.text


def test_saved_views_are_kept_per_person_and_can_be_deleted(signed_in, staff, browser):
    signed_in()
    query = "stage=DECISION&route=WALKD&sort=newest"
    page = browser.submit(f"/queue?{query}", {"action": "save-view", "view-name": "Walking, newest"})
    assert page.status == 200 and "Saved the view ‘Walking, newest’" in page.text
    link = re.search(r'<a class="govuk-link" href="(/queue\?[^"]+)">Walking, newest</a>', page.html)
    assert link and link.group(1).replace("&amp;", "&") == f"/queue?{query}"
    assert "Walking, newest" in browser.get("/queue").text  # there on the next visit

    empty = browser.submit("/queue", {"action": "save-view", "view-name": ""})
    assert empty.title.startswith("Error: ") and "Enter a name for this view" in empty.text and 'href="#view-name"' in empty.html

    other = type(browser)()
    other.sign_in(staff("NORTHSHIRE", Role.TEAM_LEADER))
    assert "Walking, newest" not in other.get("/queue").text  # views are each person's own

    deleted = browser.submit("/queue", {"action": "delete-view", "view": "Walking, newest"})
    assert "Deleted the view" in deleted.text
    assert "Walking, newest" not in browser.get("/queue").text.replace("Deleted the view ‘Walking, newest’", "")


def test_team_leader_reassigns_selected_cases_each_answering_alone(leader, staff):
    worker, new_owner = someone(), staff("NORTHSHIRE", Role.CASEWORKER, email=someone())  # cases go only to the council's staff
    first = put_case(stage=Stage.DECISION, assignee=worker)
    second = put_case(stage=Stage.DECISION, assignee=worker)
    page = leader.get(f"/queue?stage=DECISION&assignee={worker}")
    assert f'value="{first.case_id}:{first.version}"' in page.html  # a checkbox per row
    assert f'<option value="{new_owner}"' in page.html  # the picker lists the council's staff
    stale = f"{second.case_id}:{second.version + 5}"
    elsewhere = put_case("VALEWYE", stage=Stage.DECISION)
    done = leader.post(f"/queue?stage=DECISION&assignee={worker}", {
        "csrf_token": page.csrf_token, "action": "reassign", "assignee": new_owner,
        "cases": [f"{first.case_id}:{first.version}", stale, f"{elsewhere.case_id}:1"]})
    assert done.status == 200
    assert "1 of 3 cases reassigned to" in done.text
    assert "Not changed: someone else changed the case" in done.text
    assert "Not found: no such case in your council" in done.text
    assert store_for("NORTHSHIRE").get(first.case_id).assignee == new_owner
    assert store_for("NORTHSHIRE").get(second.case_id).assignee == worker
    assert store_for("VALEWYE").get(elsewhere.case_id).assignee is None
    assert case_ids(leader.get(f"/queue?stage=DECISION&assignee={new_owner}")) == [first.case_id]


def test_reassigning_without_cases_or_person_shows_errors(leader):
    page = leader.get("/queue?stage=DECISION")
    nothing = leader.post("/queue?stage=DECISION", {"csrf_token": page.csrf_token, "action": "reassign", "assignee": ""})
    assert nothing.title.startswith("Error: ")
    assert "Select the cases to change" in nothing.text and 'href="#cases"' in nothing.html
    assert "Choose who to give the cases to" in nothing.text and 'href="#assignee-to"' in nothing.html
    case = put_case(stage=Stage.DECISION)
    for typed in ("not an email", "nobody@elsewhere.example"):  # only someone on the list of the council's staff
        bad = leader.post("/queue?stage=DECISION", {"csrf_token": page.csrf_token, "action": "reassign", "assignee": typed,
                                                    "cases": f"{case.case_id}:{case.version}"})
        assert bad.title.startswith("Error: ") and 'href="#assignee-to"' in bad.html and "Choose a member of staff from the list" in bad.text
    assert store_for("NORTHSHIRE").get(case.case_id).assignee is None


def test_caseworkers_cannot_reassign_or_change_priority(signed_in):
    browser = signed_in()
    case = put_case(stage=Stage.DECISION, assignee="someone@northshire.example")
    page = browser.get("/queue?stage=DECISION")
    assert 'name="cases"' not in page.html and "Reassign selected" not in page.text
    for action in ("reassign", "priority"):
        refused = browser.post("/queue?stage=DECISION", {"csrf_token": page.csrf_token, "action": action, "assignee": "me@northshire.example",
                                                         "priority": "90", "cases": f"{case.case_id}:{case.version}"})
        assert refused.status == 403
    stored = store_for("NORTHSHIRE").get(case.case_id)
    assert stored.assignee == "someone@northshire.example" and stored.priority == 50


def test_team_leader_overrides_priority(leader):
    worker = someone()
    case = put_case(stage=Stage.DECISION, assignee=worker)
    page = leader.get(f"/queue?stage=DECISION&assignee={worker}")
    wrong = leader.post(f"/queue?stage=DECISION&assignee={worker}", {"csrf_token": page.csrf_token, "action": "priority", "priority": "101",
                                                                      "cases": f"{case.case_id}:{case.version}"})
    assert wrong.title.startswith("Error: ") and "Enter a priority from 0 to 100" in wrong.text and 'href="#priority"' in wrong.html
    done = leader.post(f"/queue?stage=DECISION&assignee={worker}", {"csrf_token": page.csrf_token, "action": "priority", "priority": "95",
                                                                     "cases": f"{case.case_id}:{case.version}"})
    assert "1 of 1 case given priority 95" in done.text and "govuk-notification-banner--success" in done.html
    assert store_for("NORTHSHIRE").get(case.case_id).priority == 95
    assert "PRIORITY_CHANGED" in [entry.action for entry in store_for("NORTHSHIRE").history(case.case_id)]


def test_an_assessors_work_is_the_cases_referred_to_them(browser, staff):
    assessor = staff("NORTHSHIRE", Role.ASSESSOR, email=f"assessor-{uuid.uuid4().hex[:8]}@northshire.example")
    referred = put_case(stage=Stage.ASSESSMENT, days_old=3, referred_to=assessor,
                        application={"eligibility": {"code": "WALKD", "walking": {"difficulties": ["PAIN"]}}})
    put_case(stage=Stage.ASSESSMENT, days_old=4)
    browser.sign_in(assessor)
    assert case_ids(browser.get("/")) == [referred.case_id]
    assert case_ids(browser.get("/queue?stage=ASSESSMENT")) == [referred.case_id]
