"""Cross-council probes of the web UI (issue 10): Northshire's caseworker and team leader on Vale of Wye's pages.

Every page registered with the web handler whose address names a case or a badge is asked for (GET, and POST with
the session's CSRF token and a plausible filled-in form) with Vale of Wye's real id and with a well-formed id that
does not exist: the two answers must be the same page (apart from the id echoed), a 404, and Vale of Wye's data must
not change (the case, its badges and its history, a CASE_VIEWED included). The document viewer must not carry a
pre-signed link. Search, the team queue and its bulk changes are probed with Vale of Wye's values; the applicant's
reply page with tokens and uploaded keys that mix the two councils.

A page added to the handler is probed by the parametrisation below; one whose address has a parameter not known here
fails `test_every_registered_page_is_probed_or_has_no_other_councils_id`.
"""

from __future__ import annotations

import os
import re
import secrets
from collections import Counter
from urllib.parse import urlencode

import pytest

from shared.bootstrap import badge_store_for, store_for
from shared.services.blue_badge.domain.badge import badge_number_for
from shared.resources import Role
from tests.integration.test_cross_council_api import (  # noqa: F401  (`unchanged` is a fixture, used with this module's `valewye`)
    CASE_FOR_STEP,
    NORTHSHIRE,
    VALE_CASEWORKER,
    VALEWYE,
    Council,
    case_awaiting_information,
    council_with_cases,
    evidence_folder,
    search_keys,
    unchanged,
    unknown_like,
)
from tests.web.conftest import Browser, Page
from tests.web.test_reply import JPEG, link_for

pytestmark = pytest.mark.xdist_group("cross-council-pages")

PROBES: Counter[str] = Counter()
ROLES = (Role.CASEWORKER, Role.TEAM_LEADER)


def registered_pages() -> list[tuple[str, str]]:
    """(method, path) of every page of the web handler. Powertools has no public listing of a resolver's routes (its
    OpenAPI generator fails on pages that return a Response), so this reads the resolver's own route lists."""
    from functions.web.handler import app

    return sorted({(route.method, route.path) for route in (*app._static_routes, *app._dynamic_routes)}, key=lambda page: (page[1], page[0]))


def parameters(path: str) -> list[str]:
    return re.findall(r"<(\w+)>", path)


# Pages with no other council's id in their address, and where each is probed instead (or why it need not be).
PAGES_WITHOUT_IDS = {
    "/": "my work: the caller's own cases only",
    "/queue": "test_the_team_queue_shows_nothing_of_another_council, test_bulk_changes_to_another_councils_cases_answer_not_found",
    "/search": "test_search_finds_nothing_of_another_council, test_another_users_search_results_are_not_shown",
    "/search/quick": "test_the_header_search_never_finds_another_councils_case_badge_or_referral (tests/web/test_fewer_steps.py)",
    "/dashboard": "the caller's council's figures only; no id to give",
    "/dashboards/<service_key>/<table_name>.csv": "test_another_councils_leader_gets_their_own_councils_figures (tests/web/test_dashboard_csv.py)",
    "/drafts": "the caller's own drafts, keyed by their sign-in",
    "/session/extend": "the caller's own session",
    "/applications/new": "keying in starts a case of the caller's council",
    "/applications/new/check": "the caller's own draft application",
    "/applications/new/<slug>": "a question page of the caller's own draft application",
    "/applications/new/uploaded": "a scan of the caller's own draft application: only a key in its own intake folder counts "
                                 "(test_a_paper_application_with_its_photo_scanned_and_the_rest_seen_arrives_complete, tests/web/test_intake_scans.py)",
    "/reply/<token>": "test_a_reply_link_mixing_the_councils_is_an_unknown_link",
    "/reply/<token>/uploaded": "test_a_reply_link_mixing_the_councils_is_an_unknown_link, test_a_reply_upload_refuses_another_councils_key",
    "/sign-in": "before signing in", "/sign-in/new-password": "before signing in", "/sign-in/authenticator": "before signing in",
    "/sign-in/code": "before signing in", "/sign-out": "the caller's own session", "/health": "no data",
    "/accessibility": "no data", "/privacy": "no data",
    "/operations": "links only",
    "/operations/parked": "test_another_councils_parked_application_is_not_found_and_assessors_may_not_replay (tests/web/test_operations.py)",
    "/operations/parked/<parked_id>": "test_another_councils_parked_application_is_not_found_and_assessors_may_not_replay",
    "/operations/rejected-badges": "the caller's council's badges only; each links to its case's reorder page, probed here",
    "/operations/attention": "test_cases_needing_attention_are_listed_with_the_reason_only_in_their_council (tests/web/test_operations.py)",
    "/referrals": "test_another_councils_referral_and_a_blue_badge_case_are_not_found (tests/web/asc_triage/test_screening_pages.py)",
    "/referrals/dashboard": "test_another_council_sees_only_its_own_referrals (tests/web/asc_triage/test_dashboard.py)",
    "/referrals/questions": "test_each_council_edits_its_own_set (tests/web/asc_triage/test_question_editor.py)",
    "/referrals/questions/<version>": "test_each_council_edits_its_own_set",
    "/referrals/dashboard.csv": "test_another_council_sees_only_its_own_referrals (tests/web/asc_triage/test_dashboard.py)",
    "/family-front-door": "test_another_councils_contact_is_not_found_on_any_route (tests/web/test_ffd_holding.py)",
    "/family-front-door/dashboard": "test_the_dashboard_counts_the_councils_contacts_and_leads_to_each (tests/web/test_ffd_dashboard.py)",
    "/reply/<token>/referral": "test_a_link_that_is_not_one_of_ours_or_another_services_gets_the_same_page (tests/web/asc_triage/test_referrer_reply.py)",
    # The public referral form and hub bookings: the council is in the address and nothing else of it is reachable.
    "/adult-social-care/<council>/refer": "test_a_journey_belongs_to_its_council (tests/web/asc_triage/test_referral_form.py)",
    "/adult-social-care/<council>/refer/<slug>": "test_a_journey_belongs_to_its_council",
    "/adult-social-care/<council>/refer/check": "test_a_journey_belongs_to_its_council",
    "/adult-social-care/<council>/refer/confirmation": "test_a_journey_belongs_to_its_council",
    "/adult-social-care/<council>/hubs/<hub_id>": "a hub of the council in the address, from its config",
    "/adult-social-care/<council>/hubs/bookings/<booking_id>": "test_another_councils_booking_is_not_found (tests/web/asc_triage/test_referral_form.py)",
    "/adult-social-care/<council>/hubs/bookings/<booking_id>/cancel": "test_another_councils_booking_is_not_found",
    "/adult-social-care/<council>/hubs/bookings/<booking_id>/cancelled": "test_another_councils_booking_is_not_found",
    # The Family Front Door's partner agencies (council admins) and its partner portal (partners' own sessions only).
    **dict.fromkeys(("/partners", "/partners/agencies", "/partners/domains", "/partners/domains/remove", "/partners/accounts/suspend",
                     "/partners/accounts/enable"), "the admin's own council's table only; another council's partner is not "
                    "found (test_the_council_admin_manages_the_allow_list_and_suspends_a_partner_audited, tests/web/test_portal_pages.py)"),
    # The council admin's pages: the admin's own council only (tests/web/test_council_admin.py).
    **dict.fromkeys(("/admin/staff", "/admin/staff/invite", "/admin/staff/<username>", "/admin/staff/<username>/<action>"),
                    "another council's account, a national administrator's or one in two councils is not found on every route "
                    "(test_another_councils_account_is_not_found_on_every_route, test_an_account_in_two_councils_is_managed_by_neither)"),
    **dict.fromkeys(("/admin/settings", "/admin/settings/emails", "/admin/settings/emails/<service_key>/<kind>",
                     "/admin/settings/emails/<service_key>/<kind>/welsh", "/admin/settings/services/<service_key>"),
                    "the admin's own council's settings only (test_the_admin_of_another_council_changes_only_their_own, "
                    "test_a_service_the_council_does_not_run_has_no_email_wording_here, tests/web/test_council_admin_services.py)"),
    **dict.fromkeys(("/portal", "/portal/register", "/portal/register/confirm", "/portal/sign-in", "/portal/sign-in/authenticator",
                     "/portal/sign-in/code", "/portal/sign-out"), "before signing in to the portal"),
    **dict.fromkeys(("/portal/home", "/portal/forms/<slug>", "/portal/drafts", "/portal/drafts/<draft_id>", "/portal/drafts/<draft_id>/delete",
                     "/portal/drafts/<draft_id>/uploaded", "/portal/submissions", "/portal/submissions/<reference>",
                     "/portal/submissions/<reference>/answer"),
                    "partners only, by id on every route: tests/web/test_portal_isolation.py (no staff session opens them)"),
}
ID_PARAMETERS = {"case_id", "badge_number"}
# The other parameters of a case's pages, and every value each is probed with.
OTHER_VALUES = {"index": ("1",), "step": ("order", "reasons", "check"), "action": None}


def done_actions() -> tuple[str, ...]:
    from web.pages.cases import CONFIRMATIONS

    return tuple(CONFIRMATIONS)


def probed_pages() -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, the values of its non-id parameters) for each page and value to probe."""
    probes = []
    for method, path in registered_pages():
        names = parameters(path)
        if not set(names) & ID_PARAMETERS:
            continue
        others = [name for name in names if name not in ID_PARAMETERS]
        assert len(others) <= 1, f"{path}: probe each combination of {others}"
        values = [{}] if not others else [{others[0]: value} for value in (OTHER_VALUES.get(others[0]) or done_actions())]
        probes += [(method, path, value) for value in values]
    return probes


PAGES = probed_pages()


def test_every_registered_page_is_probed_or_has_no_other_councils_id():
    without_ids = {path for _, path in registered_pages() if not set(parameters(path)) & ID_PARAMETERS}
    assert without_ids == set(PAGES_WITHOUT_IDS), "a page without a case or badge in its address needs its own probe, or a reason"
    unknown = {name for _, path in registered_pages() if set(parameters(path)) & ID_PARAMETERS
               for name in parameters(path) if name not in ID_PARAMETERS | set(OTHER_VALUES)}
    assert not unknown, f"give these parameters values in OTHER_VALUES: {unknown}"
    assert len(PAGES) >= 40, PAGES


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def valewye(stack) -> Council:
    return council_with_cases(VALEWYE, VALE_CASEWORKER)


@pytest.fixture(scope="module")
def northshire_case(stack) -> str:
    """Northshire's own case, for addresses that pair it with Vale of Wye's badge."""
    return case_awaiting_information(NORTHSHIRE, "north.pages@northshire.example.gov.uk")


@pytest.fixture(scope="module")
def as_northshire(staff) -> dict[Role, Browser]:
    """One signed-in browser per Northshire role for the module (signing in for each probe would double its time)."""
    browsers = {}
    for role in ROLES:
        browser = Browser()
        assert browser.sign_in(staff(NORTHSHIRE, role)).status == 303
        browsers[role] = browser
    return browsers


@pytest.fixture(scope="module")
def as_valewye(staff) -> Browser:
    browser = Browser()
    assert browser.sign_in(staff(VALEWYE, Role.CASEWORKER)).status == 303
    return browser


# ------------------------------------------------------------------ comparing two pages


NONCE = re.compile(r"nonce-[A-Za-z0-9+/=_-]+|nonce=\"[^\"]*\"")


SESSION_SECONDS = re.compile(r'data-session-seconds="\d+"')  # counts down between two requests


def page_without(page: Page, *ids: str) -> tuple[int, str, str]:
    """Status, redirect and HTML with the ids it echoes, the per-response nonce and the session's seconds left blanked."""
    html, location = SESSION_SECONDS.sub("", NONCE.sub("nonce", page.html)), page.location
    for echoed in ids:
        html, location = html.replace(echoed, "<id>"), location.replace(echoed, "<id>")
    return page.status, location, html


def form_for(action: str) -> dict[str, str]:
    """A plausible filled-in form for each action page (fields a page does not read are ignored by it)."""
    outcome = {"decision": "APPROVE", "review": "OVERTURN", "assessment": "ELIGIBLE"}.get(action, "")
    return {"outcome": outcome, "text": "Phoned the applicant.", "confirmed": "yes", "notes": "Seen.", "summary": "Walks 20 m.",
            "assessor": "olu.assessor@northshire.example.gov.uk", "items": "PHOTO", "amount": "10.00", "reference": "PAY-1",
            "grounds": "New evidence.", "reasons": "Walks more than 80 metres.", "deliver-to": "HOME", "delivery-option": "STANDARD",
            "reason": "LOST", "channel": "PHONE", "forenames": "Ada"}


def action_of(path: str) -> str:
    """The page's action: the first fixed part after the case (e.g. proof-check, decision, badges)."""
    rest = [part for part in path.split("/")[3:] if not part.startswith("<")]
    return rest[-1] if rest and rest[0] == "badges" else (rest[0] if rest else "")


def addresses(path: str, values: dict[str, str], council: Council, northshire_case: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(the address with the other council's ids, the same with ids that do not exist, the ids to blank)."""
    def fill(case_id: str, badge_number: str) -> str:
        filled = path.replace("<case_id>", case_id).replace("<badge_number>", badge_number)
        for name, value in values.items():
            filled = filled.replace(f"<{name}>", value)
        return filled

    case_id = council.cases["ordered" if "<badge_number>" in path else CASE_FOR_STEP.get(action_of(path), "proof_check")]
    unknown_case, unknown_badge = unknown_like(case_id, "ZZZZZZ"), badge_number_for(4321)
    pairs = [(fill(case_id, council.badge_number), fill(unknown_case, unknown_badge), (case_id, unknown_case, council.badge_number, unknown_badge))]
    if "<badge_number>" in path:  # the other council's badge on a case of the caller's own council
        pairs.append((fill(northshire_case, council.badge_number), fill(northshire_case, unknown_badge), (council.badge_number, unknown_badge)))
    return pairs


def version_of(council: Council, path: str) -> str:
    store = badge_store_for(council.code)
    if "<badge_number>" in path:
        return str(store.get_badge(council.badge_number).version)
    case = store.get(council.cases[CASE_FOR_STEP.get(action_of(path), "proof_check")])
    return str(case.version)


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize(("method", "path", "values"), PAGES, ids=[f"{method} {path} {values}".strip(" {}") for method, path, values in PAGES])
def test_another_councils_page_is_the_page_of_a_nonexistent_one(valewye, northshire_case, as_northshire, unchanged, method, path, values, role):
    browser = as_northshire[role]
    for real, unknown, ids in addresses(path, values, valewye, northshire_case):
        fields = None
        if method == "POST":
            fields = form_for(action_of(path)) | {"expected_version": version_of(valewye, path), "csrf_token": browser.get("/").csrf_token}
        answers = [browser.request(method, address, fields) for address in (real, unknown)]
        PROBES[f"{method} {path}"] += 1
        assert page_without(answers[0], *ids) == page_without(answers[1], *ids), f"{role} on {real} answers unlike on {unknown}"
        assert answers[0].status == 404, (answers[0].status, answers[0].text[:300])
        assert "X-Amz-Signature" not in answers[0].html and f"councils/{VALEWYE.lower()}" not in answers[0].html


# ------------------------------------------------------------------ search, and the team queue


def search_forms(page: Page) -> dict[str, tuple[str, str]]:
    """Each search form on the page: its kind -> (method, action), read from the page as it is now."""
    forms = {}
    for attributes, inner in re.findall(r"<form([^>]*)>(.*?)</form>", page.html, flags=re.S):
        kind = re.search(r'name="kind" value="(\w+)"', inner)
        if kind:
            method = re.search(r'method="(\w+)"', attributes)
            action = re.search(r'action="([^"]+)"', attributes)
            forms[kind.group(1)] = ((method.group(1) if method else "get").upper(), action.group(1) if action else "/search")
    return forms


def search_fields(query: dict) -> dict[str, str]:
    """The page's inputs for a search of the API's kind and value."""
    if query["kind"] == "PERSON":
        year, month, day = query["date_of_birth"].split("-")
        return {"surname": query["value"], "date-of-birth-day": day, "date-of-birth-month": month, "date-of-birth-year": year}
    return {{"BADGE": "badge", "NINO": "nino", "POSTCODE": "postcode"}[query["kind"]]: query["value"]}


def run_search(browser: Browser, query: dict) -> Page:
    method, action = search_forms(browser.get("/search"))[query["kind"]]
    fields = {"kind": query["kind"], **search_fields(query)}
    if method == "GET":
        return browser.get(f"{action}?{urlencode(fields)}")
    posted = browser.post(action, fields | {"csrf_token": browser.get("/search").csrf_token})
    return browser.get(posted.location) if posted.status == 303 else posted  # Post/Redirect/Get


NOBODYS = {"BADGE": badge_number_for(4322), "NINO": "JK999999D", "POSTCODE": "ZA99 9XX", "PERSON": "Nobodysname"}


@pytest.mark.parametrize("kind", ["BADGE", "NINO", "POSTCODE", "PERSON"])
def test_search_finds_nothing_of_another_council(valewye, as_northshire, as_valewye, unchanged, kind):
    [query] = [query for query in search_keys(valewye) if query["kind"] == kind]
    assert valewye.cases["ordered"] in run_search(as_valewye, query).html  # the council's own staff find it
    nobody = query | {"value": NOBODYS[kind]}
    for role, browser in as_northshire.items():
        found, not_there = run_search(browser, query), run_search(browser, nobody)
        PROBES["search"] += 1
        assert not [case_id for case_id in valewye.case_ids if case_id in found.html], role
        assert page_without(found, query["value"]) == page_without(not_there, NOBODYS[kind]), role


def test_another_users_search_results_are_not_shown(valewye, as_northshire, as_valewye, unchanged):
    """Where a posted search redirects (/search?results=<id>): Vale of Wye's id shows what an unknown id shows."""
    [query] = [query for query in search_keys(valewye) if query["kind"] == "NINO"]
    method, action = search_forms(as_valewye.get("/search"))["NINO"]
    if method == "GET":
        pytest.skip("search is a GET form: its results have no id of their own")
    posted = as_valewye.post(action, {"kind": "NINO", **search_fields(query), "csrf_token": as_valewye.get("/search").csrf_token})
    assert posted.status == 303 and valewye.cases["ordered"] in as_valewye.get(posted.location).html
    real = posted.location
    unknown = real[: -6] + ("AAAAAA" if not real.endswith("AAAAAA") else "BBBBBB")
    for role, browser in as_northshire.items():
        pages = [browser.get(address) for address in (real, unknown)]
        PROBES["GET /search?results"] += 1
        assert page_without(pages[0], real, unknown) == page_without(pages[1], real, unknown), role
        assert valewye.cases["ordered"] not in pages[0].html and query["value"] not in pages[0].html, role


@pytest.mark.parametrize("query", [{"assignee": VALE_CASEWORKER}, {"stage": "PROOF_CHECK"}, {"stage": "REVIEW"}], ids=urlencode)
def test_the_team_queue_shows_nothing_of_another_council(valewye, as_northshire, as_valewye, unchanged, query):
    assert valewye.cases["proof_check" if "assignee" in query or query["stage"] == "PROOF_CHECK" else "review"] in as_valewye.get(
        f"/queue?{urlencode(query)}").html
    for role, browser in as_northshire.items():
        page = browser.get(f"/queue?{urlencode(query)}")
        PROBES["GET /queue"] += 1
        assert page.status == 200 and not [case_id for case_id in valewye.case_ids if case_id in page.html], role


@pytest.mark.parametrize("action", ["reassign", "priority"])
def test_bulk_changes_to_another_councils_cases_answer_not_found(valewye, as_northshire, unchanged, staff, action):
    browser = as_northshire[Role.TEAM_LEADER]
    store = store_for(VALEWYE)
    real = [f"{case_id}:{store.get(case_id).version}" for case_id in valewye.case_ids]
    unknown = [unknown_like(value.split(":")[0], "ZZZZZZ") + ":" + value.split(":")[1] for value in real]
    pages = []
    for ticked in (real, unknown):
        fields = [("action", action), ("assignee", staff(NORTHSHIRE, Role.CASEWORKER)), ("priority", "90"),  # one of the council's staff
                  ("csrf_token", browser.get("/queue").csrf_token), *(("cases", value) for value in ticked)]
        pages.append(browser.post("/queue", fields))
    PROBES["POST /queue"] += len(real)
    ids = [value.split(":")[0] for value in real + unknown]
    assert page_without(pages[0], *ids) == page_without(pages[1], *ids)
    assert pages[0].text.count("Not found: no such case in your council") == len(real)


# ------------------------------------------------------------------ the applicant's reply page


@pytest.fixture(scope="module")
def reply_links(valewye, northshire_case) -> dict[str, str]:
    """The reply link emailed for each council's case awaiting information."""
    def emailed(council: str, case_id: str) -> str:
        return link_for(store_for(council).get(case_id).application.contact.email)
    return {NORTHSHIRE: emailed(NORTHSHIRE, northshire_case), VALEWYE: emailed(VALEWYE, valewye.cases["awaiting_information"])}


def token_of(link: str) -> tuple[str, str]:
    """(case id, secret) of a link's token."""
    case_id, _, secret = link.removeprefix("/reply/").rpartition(".")
    return case_id, secret


def test_a_reply_link_mixing_the_councils_is_an_unknown_link(valewye, reply_links, browser, unchanged):
    vale_case, _ = token_of(reply_links[VALEWYE])
    _, northshire_secret = token_of(reply_links[NORTHSHIRE])
    unknown = f"/reply/{unknown_like(vale_case, 'ZZZZZZ')}.{secrets.token_urlsafe(24)}"
    mixed = {"Northshire's secret on Vale of Wye's case": f"/reply/{vale_case}.{northshire_secret}",
             "Vale of Wye's case with a random secret": f"/reply/{vale_case}.{secrets.token_urlsafe(24)}"}
    for what, link in mixed.items():
        for method, suffix, fields in (("GET", "", None), ("POST", "", {"nino": "QQ123456C"}), ("GET", "/uploaded?item=photo&key=x", None)):
            answers = [browser.request(method, base + suffix, fields) for base in (link, unknown)]
            PROBES[f"{method} /reply/<token>{suffix.split('?')[0]}"] += 1
            tokens = (link.removeprefix("/reply/"), unknown.removeprefix("/reply/"))
            assert page_without(answers[0], *tokens) == page_without(answers[1], *tokens), (what, method, suffix)
            assert answers[0].status == 404 and "This link does not work" in answers[0].text, (what, answers[0].status)


@pytest.mark.parametrize("layout", ["councils/<council>/cases/<case>/", "cases/<case>/"])
def test_a_reply_upload_refuses_another_councils_key(valewye, northshire_case, reply_links, browser, unchanged, layout):
    """Vale of Wye's link, told that its photo is a real JPEG in Northshire's case folder, refuses it as not uploaded
    (as for a key where nothing is), leaves the file where it is, and does not count it as Vale of Wye's photo."""
    import boto3

    from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME

    folder = layout.replace("<council>", NORTHSHIRE.lower()).replace("<case>", northshire_case)
    northshire_key = folder + f"reply-photo-{secrets.token_hex(8)}.jpg"
    boto3.client("s3", region_name=DEFAULT_REGION).put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=northshire_key, Body=JPEG, ContentType="image/jpeg")
    nothing_there = evidence_folder(VALEWYE, "cases", valewye.cases["awaiting_information"]) + f"reply-photo-{secrets.token_hex(8)}.jpg"
    link = reply_links[VALEWYE]
    answers = [browser.get(f"{link}/uploaded?{urlencode({'item': 'photo', 'key': key})}") for key in (northshire_key, nothing_there)]
    PROBES["GET /reply/<token>/uploaded"] += 1
    assert answers[0].status == 303 and answers[0].location == answers[1].location, (answers[0].location, answers[1].location)
    assert "why=missing" in answers[0].location
    assert boto3.client("s3", region_name=DEFAULT_REGION).head_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=northshire_key)
    assert "Your file was uploaded" not in browser.get(link).text


# ------------------------------------------------------------------ the count


def test_no_northshire_user_is_in_the_other_councils_history(valewye):
    from tests.integration.test_cross_council_api import northshire_actors

    assert northshire_actors(valewye) == set()


def test_the_probe_count_is_reported():
    """Last in the module: every page with an id was probed (run the whole module), and how many probes there were."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # xdist spreads a module over workers (loadgroup: pytest-xdist#1386)
        pytest.skip("counting needs the whole module in one process: run it with -n 0")
    print(f"\ncross-council web probes: {sum(PROBES.values())} ({dict(sorted(PROBES.items()))})")
    assert {f"{method} {path}" for method, path, _ in PAGES} <= set(PROBES), "run the whole module: some pages were not probed"
