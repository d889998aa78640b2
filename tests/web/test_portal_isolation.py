"""Partners and staff kept apart, and partners kept to their own work (issue 13's isolation tests).

- A partner's session reaches no staff page: every page the web handler has outside the portal (GET and POST, with the
  partner's own CSRF token), whether the partner's session id is sent in the portal's cookie or in the staff cookie.
- A staff session never counts as a partner on any portal page.
- A partner of agency A opens none of agency B's submissions or drafts, by id, on every portal page whose address names
  one; nor does a partner of council A open council B's; each answers the same page as an id that does not exist, and
  nothing changes.

A page added to the handler is probed by the enumerations below; a portal page whose address has a parameter not known
here fails `test_every_portal_page_with_an_id_is_probed`.
"""

from __future__ import annotations

import re

import pytest

from shared.bootstrap import store_for
from shared.resources import PORTAL_PATH, Role
from tests.web.conftest import Browser, Page
from tests.web.portal_fixtures import approve, complete_concern, new_partner, post_draft, send_concern, start_draft
from tests.web.test_cross_council_pages import registered_pages
from web.security import is_public

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
ID_PARAMETERS = {"draft_id", "reference"}
OTHER_PARAMETERS = {"slug"}  # the form to start: no one's data


def _filled(path: str, value: str = "PROBE-1") -> str:
    return re.sub(r"<\w+>", value, path)


def staff_pages() -> list[tuple[str, str]]:
    return [(method, path) for method, path in registered_pages() if not path.startswith(PORTAL_PATH) and not is_public(_filled(path))]


def portal_pages() -> list[tuple[str, str]]:
    return [(method, path) for method, path in registered_pages() if path.startswith(PORTAL_PATH)]


@pytest.fixture(scope="module")
def partners(stack) -> dict[str, Browser]:
    """Signed-in partners: Northshire's agencies A and B, and Vale of Wye's agency (its own allow-list)."""
    approve(NORTHSHIRE, "isolation-a", "isolation-a.sch.example")
    approve(NORTHSHIRE, "isolation-b", "isolation-b.nhs.example")
    approve(VALEWYE, "isolation-vale", "isolation-vale.sch.example")
    signed_in = {name: Browser() for name in ("A", "B", "VALE")}
    new_partner(signed_in["A"], NORTHSHIRE, "isolation-a.sch.example")
    new_partner(signed_in["B"], NORTHSHIRE, "isolation-b.nhs.example")
    new_partner(signed_in["VALE"], VALEWYE, "isolation-vale.sch.example")
    return signed_in


@pytest.fixture(scope="module")
def b_work(partners) -> dict[str, str]:
    """Agency B's submission and draft, and a Vale of Wye submission; B's submission settled in the holding area (its
    workflow's first steps would otherwise change its version while a probe compares it)."""
    from tests.integration.conftest import wait_until

    work = {"submission": send_concern(partners["B"]), "draft": start_draft(partners["B"]),
            "vale_submission": send_concern(partners["VALE"], **{"child.address.postcode": "NP1 1AA"})}
    wait_until(lambda: (case := store_for(NORTHSHIRE).get(work["submission"])).stage == "SCREENING" and case.task_token,
               what="B's submission waiting at screening")
    return work


def _refused_to_staff_sign_in(page: Page) -> bool:
    return page.status == 303 and page.location.startswith("/sign-in?")


def test_the_enumerations_cover_the_pages(stack):
    assert len(staff_pages()) > 40 and ("GET", "/partners") in staff_pages() and ("GET", "/queue") in staff_pages()
    assert ("GET", f"{PORTAL_PATH}/submissions/<reference>") in portal_pages()


@pytest.mark.parametrize(("method", "path"), staff_pages())
def test_a_partner_session_reaches_no_staff_page(partners, method, path):
    partner = partners["A"]
    token = partner.get("/portal/home").csrf_token
    address = _filled(path)
    as_sent = partner.request(method, address, {"csrf_token": token} if method == "POST" else None)
    assert _refused_to_staff_sign_in(as_sent), (method, path, as_sent.status, as_sent.location)
    # The partner's session id in the staff cookie: still no staff session.
    smuggled = Browser()
    smuggled.cookies["casework_session"] = partner.cookies["casework_portal_session"]
    page = smuggled.request(method, address, {"csrf_token": token} if method == "POST" else None)
    assert _refused_to_staff_sign_in(page), (method, path, page.status)


@pytest.mark.parametrize(("method", "path"), [page for page in portal_pages() if not _filled(page[1]).startswith(
    (f"{PORTAL_PATH}/sign-in", f"{PORTAL_PATH}/register", f"{PORTAL_PATH}/sign-out")) and page[1] != PORTAL_PATH])
def test_a_staff_session_never_counts_as_a_partner(browser: Browser, staff, method, path):
    browser.sign_in(staff(NORTHSHIRE, Role.COUNCIL_ADMIN))
    token = browser.get("/").csrf_token
    page = browser.request(method, _filled(path), {"csrf_token": token} if method == "POST" else None)
    assert page.status == 303 and page.location.startswith("/portal/sign-in?"), (method, path, page.status)
    smuggled = Browser()
    smuggled.cookies["casework_portal_session"] = browser.cookies["casework_session"]
    page = smuggled.request(method, _filled(path), {"csrf_token": token} if method == "POST" else None)
    assert page.status == 303 and page.location.startswith("/portal/sign-in?"), (method, path, page.status)


def test_every_portal_page_with_an_id_is_probed(stack):
    for _, path in portal_pages():
        unknown = set(re.findall(r"<(\w+)>", path)) - ID_PARAMETERS - OTHER_PARAMETERS
        assert not unknown, f"{path}: add its parameters to the isolation probes"


def _probes() -> list[tuple[str, str]]:
    return [(method, path) for method, path in portal_pages() if set(re.findall(r"<(\w+)>", path)) & ID_PARAMETERS]


def _post_fields(path: str, token: str) -> dict:
    if path.endswith("/answer"):
        return {"answer": "Here is more detail", "expected_version": "1", "csrf_token": token}
    return {**complete_concern(), "action": "send", "csrf_token": token}


def _same_as_unknown(partner: Browser, method: str, path: str, real_id: str, unknown_id: str) -> None:
    token = partner.get("/portal/home").csrf_token
    answers = []
    for value in (real_id, unknown_id):
        address = _filled(path, value) + ("?key=" + f"councils/northshire/cases/{value}/reply-portal-x.pdf" if path.endswith("/uploaded") else "")
        page = partner.request(method, address, _post_fields(path, token) if method == "POST" else None)
        answers.append((page.status, page.text.replace(value, "<id>")))
    assert answers[0][0] == 404, (method, path, answers[0][0])
    assert answers[0] == answers[1], (method, path)


@pytest.mark.parametrize(("method", "path"), _probes())
def test_agency_b_s_work_is_not_found_for_agency_a(partners, b_work, method, path):
    before = store_for(NORTHSHIRE).get(b_work["submission"])
    real = b_work["draft"] if "<draft_id>" in path else b_work["submission"]
    _same_as_unknown(partners["A"], method, path, real, "NORTHSHIRE-991231-ZZZZZZ")
    assert store_for(NORTHSHIRE).get(b_work["submission"]).version == before.version
    assert post_draft(partners["B"], b_work["draft"], {"categories": ["NEGLECT"]}).status == 303  # B's draft is still B's


@pytest.mark.parametrize(("method", "path"), _probes())
def test_council_a_s_partner_cannot_reach_council_b_s_work(partners, b_work, method, path):
    real = b_work["draft"] if "<draft_id>" in path else b_work["submission"]
    _same_as_unknown(partners["VALE"], method, path, real, "NORTHSHIRE-991231-YYYYYY")
    northshire = b_work["vale_submission"] if "<draft_id>" not in path else b_work["draft"]
    _same_as_unknown(partners["A"], method, path, northshire, "VALEWYE-991231-XXXXXX")


def test_my_submissions_lists_only_ones_own_and_where_the_council_allows_the_agency_s(partners, b_work):
    a_reference = send_concern(partners["A"])
    a_list, b_list = partners["A"].get("/portal/submissions").text, partners["B"].get("/portal/submissions").text
    assert a_reference in a_list and b_work["submission"] not in a_list and b_work["vale_submission"] not in a_list
    assert b_work["submission"] in b_list and a_reference not in b_list
    # A colleague at the same agency sees A's, in Northshire (its policy allows it), never the team's notes.
    colleague = Browser()
    new_partner(colleague, NORTHSHIRE, "isolation-a.sch.example", "Colleague Person")
    shown = colleague.get("/portal/submissions")
    assert "Sent by your colleagues" in shown.text and a_reference in shown.text
    assert colleague.get(f"/portal/submissions/{a_reference}").status == 200
    # Vale of Wye's policy does not: a colleague there sees only their own.
    vale_colleague = Browser()
    new_partner(vale_colleague, VALEWYE, "isolation-vale.sch.example", "Vale Colleague")
    assert "Sent by your colleagues" not in vale_colleague.get("/portal/submissions").text
    assert vale_colleague.get(f"/portal/submissions/{b_work['vale_submission']}").status == 404
