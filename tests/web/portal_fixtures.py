"""Partner agencies and partners for the portal's page tests, on the package's moto stack: agencies written to a
council's allow-list as its admin would, and partners registered through the portal's own pages (sign up, the emailed
code, sign in, the authenticator's set-up), so every test partner went through the pre-sign-up trigger."""

from __future__ import annotations

import secrets

import boto3

from infra.local.seed import DEMO_PASSWORD
from shared.resources import DEFAULT_REGION, council_table_name
from shared.services.family_front_door.adapters.partner_directory import AllowListRefused, PartnerDirectory
from shared.services.family_front_door.domain.agencies import Agency, AgencyKind, AllowedDomain, PartnerPermission
from shared.core.domain.case import utcnow
from tests.web.conftest import Browser, Page

CODE = "123456"  # moto checks neither the emailed code nor TOTP codes


def directory(council: str) -> PartnerDirectory:
    return PartnerDirectory(boto3.client("dynamodb", region_name=DEFAULT_REGION), council_table_name(council))


def approve(council: str, agency_id: str, domain: str, *permissions: PartnerPermission, kind: AgencyKind = AgencyKind.SCHOOL) -> Agency:
    """An agency on the council's allow-list with one domain (again: nothing changes)."""
    agency = Agency(agency_id=agency_id, name=agency_id.replace("-", " ").title(), kind=kind,
                    permissions=frozenset(permissions or PartnerPermission))
    found = directory(council)
    found.save_agency(agency, "user:test-admin", utcnow())
    try:
        found.allow_domain(AllowedDomain(domain=domain, agency_id=agency_id), "user:test-admin", utcnow())
    except AllowListRefused:
        pass
    return agency


def register(browser: Browser, council: str, email: str, name: str = "Dana Lee", password: str = DEMO_PASSWORD) -> Page:
    """The registration form, filled in; on success the confirmation code too."""
    form = browser.get("/portal/register")
    page = browser.post("/portal/register", {"council": council, "name": name, "email": email, "password": password,
                                             "password-again": password, "csrf_token": form.csrf_token})
    if page.status != 303:
        return page
    confirm = browser.get(page.location)
    return browser.post("/portal/register/confirm", {"code": CODE, "action": "confirm", "csrf_token": confirm.csrf_token})


def portal_sign_in(browser: Browser, email: str, password: str = DEMO_PASSWORD, next_path: str = "/portal/home") -> Page:
    """Password, then the authenticator's set-up (first time) or its code."""
    form = browser.get(f"/portal/sign-in?next={next_path}")
    page = browser.post("/portal/sign-in", {"email": email, "password": password, "next": next_path, "csrf_token": form.csrf_token})
    if page.status == 303 and page.location.startswith("/portal/sign-in/"):
        step = browser.get(page.location)
        page = browser.post(page.location, {"code": CODE, "csrf_token": step.csrf_token})
    return page


def new_partner(browser: Browser, council: str, domain: str, name: str = "Dana Lee") -> str:
    """A partner registered and signed in on `browser`: their email."""
    email = f"{name.split()[0].lower()}.{secrets.token_hex(3)}@{domain}"
    assert register(browser, council, email, name).location == "/portal/sign-in?registered=1"
    signed_in = portal_sign_in(browser, email)
    assert signed_in.status == 303 and signed_in.location == "/portal/home", signed_in.text
    return email


def complete_concern(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    """Every answer a neglect concern asks (as the draft page posts them)."""
    fields: dict[str, str | list[str]] = {
        "categories": ["NEGLECT"], "child.given_name": "Robin", "child.family_name": "Example", "child.unborn": "no",
        "child.date_of_birth-day": "4", "child.date_of_birth-month": "5", "child.date_of_birth-year": "2016",
        "child.address.line1": "1 Mill Lane", "child.address.postcode": "NE1 4XF",
        "concern": "Comes to school hungry most days and in the same clothes.", "neglect.areas": ["FOOD", "CLOTHING"],
        "neglect.how_long": "Since September", "actions_taken": "Spoke to the class teacher; free breakfast club offered.",
        "consent.sought": "no", "consent.not_sought_reason": "Asking could put the child at greater risk.", "urgency": "ROUTINE",
    }
    fields.update(overrides)
    return fields


def start_draft(browser: Browser, slug: str = "cause-for-concern") -> str:
    """A new draft of the form: its id (the case id it will have)."""
    home = browser.get("/portal/home")
    page = browser.post(f"/portal/forms/{slug}", {"csrf_token": home.csrf_token})
    assert page.status == 303 and page.location.startswith("/portal/drafts/"), page.text
    return page.location.rsplit("/", 1)[1]


def post_draft(browser: Browser, draft_id: str, fields: dict, action: str = "save") -> Page:
    form = browser.get(f"/portal/drafts/{draft_id}")
    return browser.post(f"/portal/drafts/{draft_id}", {**fields, "action": action, "csrf_token": form.csrf_token})


def send_concern(browser: Browser, **overrides: str | list[str]) -> str:
    """A complete cause for concern, saved (so its sections show) and sent: its reference."""
    draft_id = start_draft(browser)
    post_draft(browser, draft_id, complete_concern(**overrides))
    page = post_draft(browser, draft_id, complete_concern(**overrides), action="send")
    assert page.status == 303 and page.location == f"/portal/submissions/{draft_id}?sent=1", page.text
    return draft_id
