"""The council admin's pages: staff accounts (invite, roles, disable, enable, reset the authenticator, last sign-in) and
the council's settings, each audited; and a council admin reaching nothing of another council on any route."""

from __future__ import annotations

import re

import boto3
import pytest

from infra.local.seed import DEMO_PASSWORD
from shared.bootstrap import council_admin_records_for, councils
from shared.core.adapters.council_admin_records import SETTINGS_PARTITION, SETTINGS_SORT_KEY
from shared.resources import DEFAULT_REGION, NATIONAL_ADMIN_GROUP, Role, council_group, council_table_name, team_group
from shared.services.blue_badge.domain.settings import badge_settings
from tests.web.case_fixtures import error_summary
from tests.web.conftest import Browser

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
ADMIN = "admin.pages@northshire.example.gov.uk"


@pytest.fixture
def cognito():
    return boto3.client("cognito-idp", region_name=DEFAULT_REGION)


@pytest.fixture(autouse=True)
def settings_as_deployed(stack):
    """Each test starts, and leaves, the councils with no stored settings (the stack is shared by the package)."""
    def clear() -> None:
        dynamodb = boto3.client("dynamodb", region_name=DEFAULT_REGION)
        for code in (NORTHSHIRE, VALEWYE):
            dynamodb.delete_item(TableName=council_table_name(code), Key={"pk": {"S": SETTINGS_PARTITION}, "sk": {"S": SETTINGS_SORT_KEY}})
    clear()
    yield
    clear()


@pytest.fixture
def admin(browser, staff) -> Browser:
    browser.sign_in(staff(NORTHSHIRE, Role.COUNCIL_ADMIN, email=ADMIN))
    return browser


def send(browser: Browser, form_path: str, fields: dict, post_to: str | None = None):
    """Post a form as a person would: with its CSRF token and the settings' version it was built from, if it has one."""
    form = browser.get(form_path)
    version = re.search(r'name="version" value="(\d+)"', form.html)
    return browser.post(post_to or form_path, {**({"version": version.group(1)} if version else {}), **fields, "csrf_token": form.csrf_token})


def groups_of(cognito, stack, username: str) -> set[str]:
    return {group["GroupName"] for group in cognito.admin_list_groups_for_user(UserPoolId=stack.user_pool_id, Username=username)["Groups"]}


def user(cognito, stack, username: str) -> dict:
    return cognito.admin_get_user(UserPoolId=stack.user_pool_id, Username=username)


# ---------------------------------------------------------------- who may
@pytest.mark.parametrize("path", ["/admin/staff", "/admin/staff/invite", "/admin/settings", "/admin/settings/emails",
                                  "/admin/settings/emails/blue-badge/RECEIVED"])
def test_only_a_council_admin_reaches_the_admin_pages(browser, staff, path):
    browser.sign_in(staff(NORTHSHIRE, Role.TEAM_LEADER))
    page = browser.get(path)
    assert page.status == 403 and "council administrator role" in page.text


def test_the_header_shows_the_admin_sections_to_council_admins_only(admin, staff):
    home = admin.get("/admin/staff")
    assert home.status == 200 and 'href="/admin/staff"' in home.html and 'href="/admin/settings"' in home.html
    other = Browser()
    other.sign_in(staff(NORTHSHIRE, Role.CASEWORKER))
    assert 'href="/admin/staff"' not in other.get("/").html


# ---------------------------------------------------------------- staff accounts
def test_the_staff_list_shows_the_councils_staff_only_with_their_last_sign_in(admin, staff):
    ours = staff(NORTHSHIRE, Role.ASSESSOR, email="listed.assessor@northshire.example.gov.uk")
    theirs = staff(VALEWYE, Role.CASEWORKER, email="not.listed@valewye.example.gov.uk")
    page = admin.get("/admin/staff")
    assert ours in page.text and ADMIN in page.text and theirs not in page.text
    row = page.html[page.html.index(ours):].split("</tr>")[0]
    assert "Never" in row  # not signed in yet
    Browser().sign_in(ours)
    row = admin.get("/admin/staff").html
    row = row[row.index(ours):].split("</tr>")[0]
    assert "Never" not in row and "Active" in row


def test_inviting_someone_creates_their_account_in_the_councils_groups_and_audits_it(admin, cognito, stack):
    email = "New.Starter@northshire.example.gov.uk"
    done = send(admin, "/admin/staff/invite", {"email": email, "roles": ["caseworker", "read-only"], "teams": ["blue-badge"]})
    assert done.status == 303 and done.location == "/admin/staff?done=invited"
    account = user(cognito, stack, email.lower())
    assert account["UserStatus"] == "FORCE_CHANGE_PASSWORD" and account["Enabled"]
    assert groups_of(cognito, stack, email.lower()) == {council_group(NORTHSHIRE, Role.CASEWORKER), council_group(NORTHSHIRE, Role.READ_ONLY),
                                                        team_group(NORTHSHIRE, "blue-badge")}
    page = admin.get(done.location)
    assert "Invitation sent" in page.text and "Invited" in page.text
    audit = page.html[page.html.index("Recent administration"):]
    assert "Invited: new.starter@northshire.example.gov.uk" in audit and ADMIN in audit and "roles: caseworker, read-only" in audit
    [entry] = [entry for entry in council_admin_records_for(NORTHSHIRE).recent_audit() if entry.action == "STAFF_INVITED"
               and entry.case_id == "STAFF#new.starter@northshire.example.gov.uk"]
    assert entry.actor == f"user:{ADMIN}" and entry.after == {"roles": ["caseworker", "read-only"], "teams": ["blue-badge"]}


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "", "roles": ["caseworker"]}, "Enter the email address of the person to invite"),
    ({"email": "not-an-email", "roles": ["caseworker"]}, "Enter an email address in the correct format, like name@council.gov.uk"),
    ({"email": "nobody.yet@northshire.example.gov.uk"}, "Select at least one role (to stop someone signing in, disable their account)"),
    ({"email": "nobody.yet@northshire.example.gov.uk", "roles": [NATIONAL_ADMIN_GROUP]},
     "'national-admin' is not a role here (the roles are caseworker, team leader, assessor, read-only, council administrator)"),
    ({"email": "nobody.yet@northshire.example.gov.uk", "roles": [council_group(VALEWYE, Role.COUNCIL_ADMIN)]},
     "'VALEWYE--council-admin' is not a role here (the roles are caseworker, team leader, assessor, read-only, council administrator)"),
    ({"email": "nobody.yet@northshire.example.gov.uk", "roles": ["caseworker"], "teams": ["no-such-team"]},
     "'no-such-team' is not one of Northshire County Council's teams"),
])
def test_an_invitation_is_refused_naming_the_problem(admin, cognito, stack, fields, message):
    page = send(admin, "/admin/staff/invite", fields)
    assert page.status == 400 and error_summary(page) == [message]
    assert fields["email"] in page.html  # what was typed stays
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        user(cognito, stack, "nobody.yet@northshire.example.gov.uk")


def test_inviting_an_existing_account_is_refused(admin, staff):
    existing = staff(NORTHSHIRE, Role.CASEWORKER)
    page = send(admin, "/admin/staff/invite", {"email": existing, "roles": ["caseworker"]})
    assert page.status == 400 and error_summary(page) == ["There is already an account with this email address"]


def test_setting_roles_disabling_enabling_and_resetting_the_authenticator_are_each_audited(admin, staff, cognito, stack):
    email = staff(NORTHSHIRE, Role.CASEWORKER, email="managed.person@northshire.example.gov.uk")
    page_path = f"/admin/staff/{email}"
    page = admin.get(page_path)
    assert page.status == 200 and email in page.text and "Active" in page.text

    set_roles = send(admin, page_path, {"roles": ["team-leader"], "teams": ["asc-front-door"]}, f"{page_path}/access")
    assert set_roles.status == 303 and set_roles.location == f"{page_path}?done=access"
    assert groups_of(cognito, stack, email) == {council_group(NORTHSHIRE, Role.TEAM_LEADER), team_group(NORTHSHIRE, "asc-front-door")}
    unchanged = send(admin, page_path, {"roles": ["team-leader"], "teams": ["asc-front-door"]}, f"{page_path}/access")
    assert unchanged.status == 400 and error_summary(unchanged) == ["Change at least one role or team before saving"]

    assert send(admin, page_path, {}, f"{page_path}/disable").location == f"{page_path}?done=disabled"
    assert not user(cognito, stack, email)["Enabled"]
    assert Browser().sign_in(email).status == 401  # a disabled account cannot sign in
    listing = admin.get("/admin/staff").html
    assert "Disabled" in listing[listing.index(email):].split("</tr>")[0]
    assert send(admin, page_path, {}, f"{page_path}/enable").location == f"{page_path}?done=enabled"
    assert user(cognito, stack, email)["Enabled"] and Browser().sign_in(email).status == 303

    with_authenticator(cognito, stack, email)
    assert "Authenticator app Set up" in admin.get(page_path).text
    assert send(admin, page_path, {}, f"{page_path}/mfa").location == f"{page_path}?done=mfa"
    assert "SOFTWARE_TOKEN_MFA" not in user(cognito, stack, email).get("UserMFASettingList", [])
    assert "Authenticator app Not set up" in admin.get(page_path).text

    audit = admin.get(page_path).html.split("Changes to this account")[1]
    for what in ("Roles or teams changed", "Account disabled", "Account enabled", "Authenticator app reset"):
        assert what in audit
    assert "roles: caseworker to team-leader" in audit and "enabled: False to True" in audit


def with_authenticator(cognito, stack, email: str) -> None:
    """The person sets up an authenticator app (moto accepts any code unless TOTP checking is switched on)."""
    tokens = cognito.initiate_auth(ClientId=stack.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": email, "PASSWORD": DEMO_PASSWORD})["AuthenticationResult"]
    cognito.associate_software_token(AccessToken=tokens["AccessToken"])
    cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode="123456")
    cognito.admin_set_user_mfa_preference(UserPoolId=stack.user_pool_id, Username=email,
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert "SOFTWARE_TOKEN_MFA" in user(cognito, stack, email)["UserMFASettingList"]


def test_a_council_admin_cannot_lock_themselves_out(admin, cognito, stack):
    page_path = f"/admin/staff/{ADMIN}"
    no_admin = send(admin, page_path, {"roles": ["caseworker"]}, f"{page_path}/access")
    assert no_admin.status == 400 and "You cannot remove your own council administrator role" in error_summary(no_admin)[0]
    disable = send(admin, page_path, {}, f"{page_path}/disable")
    assert disable.status == 400 and "You cannot disable your own account" in error_summary(disable)[0]
    assert user(cognito, stack, ADMIN)["Enabled"] and council_group(NORTHSHIRE, Role.COUNCIL_ADMIN) in groups_of(cognito, stack, ADMIN)


@pytest.mark.parametrize("other", ["another council's caseworker", "a national administrator", "no account at all"])
def test_another_councils_account_is_not_found_on_every_route(admin, staff, cognito, stack, other):
    username = {"another council's caseworker": lambda: staff(VALEWYE, Role.CASEWORKER, email="kept.apart@valewye.example.gov.uk"),
                "a national administrator": lambda: _national_admin(cognito, stack),
                "no account at all": lambda: "nobody@nowhere.example"}[other]()
    token = admin.get("/admin/staff").csrf_token
    assert admin.get(f"/admin/staff/{username}").status == 404
    for action, fields in (("access", {"roles": ["caseworker"]}), ("disable", {}), ("enable", {}), ("mfa", {})):
        assert admin.post(f"/admin/staff/{username}/{action}", {**fields, "csrf_token": token}).status == 404, action
    if other != "no account at all":
        assert user(cognito, stack, username)["Enabled"]
        assert council_group(NORTHSHIRE, Role.CASEWORKER) not in groups_of(cognito, stack, username)
    assert not [entry for entry in council_admin_records_for(NORTHSHIRE).recent_audit() if entry.case_id == f"STAFF#{username}"]


def _national_admin(cognito, stack) -> str:
    email = "national.kept.apart@example.gov.uk"
    try:
        cognito.admin_create_user(UserPoolId=stack.user_pool_id, Username=email, MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": email}])
        cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=NATIONAL_ADMIN_GROUP)
    except cognito.exceptions.UsernameExistsException:
        pass
    return email


def test_an_account_in_two_councils_is_managed_by_neither(admin, staff, cognito, stack):
    email = staff(NORTHSHIRE, Role.CASEWORKER, email="two.councils@example.gov.uk")
    cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=council_group(VALEWYE, Role.CASEWORKER))
    assert admin.get(f"/admin/staff/{email}").status == 404


def test_an_unknown_staff_action_is_not_found(admin, staff):
    email = staff(NORTHSHIRE, Role.CASEWORKER)
    assert admin.post(f"/admin/staff/{email}/delete", {"csrf_token": admin.get("/admin/staff").csrf_token}).status == 404


# ---------------------------------------------------------------- the council's settings
SETTINGS = {"contact-phone": "01632 960009", "contact-email": "badges@northshire.example.gov.uk",
            "contact-web": "https://northshire.example.gov.uk/badges", "information-request-days": "21",
            "information-reminder-days": "5", "fee": "7.50", "days-to-decision": "25", "days-to-decision-automatic": "4",
            "signpost-url": "https://northshire.example.gov.uk/other-help",
            "refusal-reasons": "Your award does not qualify.\nThe evidence is out of date.", "reapply-bar-months": "3",
            "replacement-fee": "no", "organisation-min-people": "2"}


def test_the_settings_page_shows_the_councils_values_and_a_change_applies_at_once(admin):
    page = admin.get("/admin/settings")
    deployed = councils().deployed(NORTHSHIRE)
    assert page.status == 200 and 'value="10.00"' in page.html and f'value="{deployed.information_request_days}"' in page.html
    done = send(admin, "/admin/settings", SETTINGS)
    assert done.status == 303 and done.location == "/admin/settings?done=settings"
    now = councils().get(NORTHSHIRE)
    settings = badge_settings(now)
    assert (settings.badge_fee_pence, settings.kpi.days_to_decision, settings.kpi.days_to_decision_automatic) == (750, 25, 4)
    assert (now.information_request_days, now.information_reminder_days, now.contact.phone) == (21, 5, "01632 960009")
    assert settings.refusal_reasons == ("Your award does not qualify.", "The evidence is out of date.")
    assert str(settings.signpost_url) == "https://northshire.example.gov.uk/other-help"
    assert (settings.replacement_fee, settings.organisation_min_people_carried) == (False, 2)
    assert settings.reapply_bar_months == 3  # the intake reads it at once (tests/unit/test_reapplication_bar.py: the bar)
    assert badge_settings(councils().deployed(NORTHSHIRE)).badge_fee_pence == 1000  # the deployment config is unchanged
    assert councils().get(VALEWYE) == councils().deployed(VALEWYE)  # and another council untouched
    shown = admin.get(done.location)
    assert "Settings saved" in shown.text and 'value="7.50"' in shown.html
    audit = shown.html.split("Changes to the settings")[1]
    assert "Settings changed: Council settings" in audit and "services.blue-badge.badge_fee_pence: 1000 to 750" in audit and ADMIN in audit
    stored = council_admin_records_for(NORTHSHIRE).settings()
    assert stored.version == 1 and stored.changes["services"]["blue-badge"]["badge_fee_pence"] == 750
    assert "team" not in stored.changes["services"]["blue-badge"]  # only what changed is stored


@pytest.mark.parametrize(("field", "value", "message"), [
    ("fee", "20", "Badge fee: badge_fee_pence 2000 exceeds the ENG maximum of 1000"),
    ("fee", "ten pounds", "Badge fee: enter an amount in pounds, like 10 or 10.00 (0 for none)"),
    ("fee", "1.234", "Badge fee: enter an amount in pounds, like 10 or 10.00 (0 for none)"),
    ("information-request-days", "many", "Working days to wait for missing information: enter a whole number of days, like 20"),
    ("information-reminder-days", "30", "Working days before that deadline to send a reminder: information_reminder_days 30 must be smaller than "
                                         "information_request_days 21"),
    ("information-request-days", "200", "Working days to wait for missing information: input should be less than or equal to "),
    ("days-to-decision", "0", "Target for a decision, in working days: input should be greater than 0"),
    ("contact-phone", "call us", "Enter a phone number of 10 to 16 digits, like 01632 960001"),
    ("contact-web", "northshire", "Web page for the public: input should be a valid URL, relative URL without a base"),
    ("refusal-reasons", "x" * 201, "Standard reasons for a refusal: string should have at most 200 characters"),
    ("reapply-bar-months", "soon", "Months after a refusal before the same person may apply again: enter a whole number of months, like 3"),
    ("organisation-min-people", "some", "Fewest eligible people an organisation must carry: enter a whole number of people, like 20"),
    ("reapply-bar-months", "13", "Months after a refusal before the same person may apply again: input should be less than or equal to 12"),
])
def test_a_bad_setting_is_refused_naming_the_field_and_nothing_changes(admin, field, value, message):
    page = send(admin, "/admin/settings", {**SETTINGS, field: value})
    [shown] = error_summary(page)
    assert page.status == 400 and (shown == message or message.endswith(" ") and shown.startswith(message)), shown
    assert f'href="#{field}"' in page.html and value[:50] in page.html
    assert council_admin_records_for(NORTHSHIRE).settings() is None
    assert councils().get(NORTHSHIRE) == councils().deployed(NORTHSHIRE)


def test_settings_saved_meanwhile_are_not_overwritten(admin, staff):
    form = admin.get("/admin/settings")
    other = Browser()
    other.sign_in(staff(NORTHSHIRE, Role.COUNCIL_ADMIN, email="other.admin@northshire.example.gov.uk"))
    assert send(other, "/admin/settings", {**SETTINGS, "fee": "5"}).status == 303
    late = admin.post("/admin/settings", {**SETTINGS, "csrf_token": form.csrf_token, "version": "0"})
    assert late.status == 409 and "The settings have changed since you opened them" in late.text
    assert badge_settings(councils().get(NORTHSHIRE)).badge_fee_pence == 500
    assert admin.post("/admin/settings", {**SETTINGS, "csrf_token": form.csrf_token, "version": "x"}).status == 409


def test_a_council_without_blue_badge_has_no_blue_badge_settings(browser, staff):
    browser.sign_in(staff(VALEWYE, Role.COUNCIL_ADMIN))
    page = browser.get("/admin/settings")
    runs_badges = councils().get(VALEWYE).runs("blue-badge")
    assert page.status == 200 and ('id="fee"' in page.html) is runs_badges


def test_the_admin_of_another_council_changes_only_their_own(browser, staff):
    browser.sign_in(staff(VALEWYE, Role.COUNCIL_ADMIN))
    fields = {key: value for key, value in SETTINGS.items() if key in ("contact-phone", "contact-email", "contact-web")}
    fields |= {"information-request-days": "30", "information-reminder-days": "6"}
    if councils().get(VALEWYE).runs("blue-badge"):
        fields |= {**SETTINGS, "fee": "0", "information-request-days": "30", "information-reminder-days": "6"}
    assert send(browser, "/admin/settings", fields).status == 303
    assert councils().get(VALEWYE).information_request_days == 30
    assert councils().get(NORTHSHIRE) == councils().deployed(NORTHSHIRE)
    assert council_admin_records_for(NORTHSHIRE).settings() is None


# ---------------------------------------------------------------- the wording of emails
def test_email_wording_is_checked_against_the_services_placeholders_then_applies(admin):
    listing = admin.get("/admin/settings/emails")
    assert listing.status == 200 and 'href="/admin/settings/emails/blue-badge/DECISION_REFUSED"' in listing.html
    path = "/admin/settings/emails/blue-badge/DECISION_REFUSED"
    page = admin.get(path)
    assert page.status == 200 and "$case_reference" in page.text
    bad = send(admin, path, {"subject": "Your application", "body": "Dear $nobody", "action": "own"})
    assert bad.status == 400 and error_summary(bad)[0].startswith("The body: unknown placeholder $nobody")
    empty = send(admin, path, {"subject": "", "body": "Hello", "action": "own"})
    assert empty.status == 400 and error_summary(empty) == ["Enter the email's subject"]
    saved = send(admin, path, {"subject": "About your Blue Badge ($case_reference)", "body": "We could not give you a badge.", "action": "own"})
    assert saved.status == 303 and saved.location == "/admin/settings/emails?done=email"
    templates = badge_settings(councils().get(NORTHSHIRE)).email_templates
    assert templates["DECISION_REFUSED"].subject == "About your Blue Badge ($case_reference)"
    assert "Your own wording" in admin.get("/admin/settings/emails").text
    standard = send(admin, path, {"subject": "x", "body": "y", "action": "standard"})
    assert standard.status == 303 and "DECISION_REFUSED" not in badge_settings(councils().get(NORTHSHIRE)).email_templates


@pytest.mark.parametrize("path", ["/admin/settings/emails/blue-badge/NO_SUCH_KIND", "/admin/settings/emails/no-such-service/RECEIVED"])
def test_an_unknown_email_is_not_found(admin, path):
    assert admin.get(path).status == 404


def test_a_service_the_council_does_not_run_has_no_email_wording_here(admin):
    not_run = [key for key in ("asc-triage", "family-front-door", "blue-badge") if not councils().get(NORTHSHIRE).runs(key)]
    for key in not_run:
        assert admin.get(f"/admin/settings/emails/{key}/RECEIVED").status == 404


# ---------------------------------------------------------------- the refusal pick list
def test_caseworkers_pick_the_standard_refusal_reasons_and_may_add_their_own(admin, signed_in):
    from shared.services.blue_badge.domain.case import Stage
    from tests.web.case_fixtures import at, open_case, send as send_step

    assert send(admin, "/admin/settings", SETTINGS).status == 303
    case_id = open_case()
    at(case_id, Stage.PROOF_CHECK)
    browser = signed_in()
    send_step(browser, f"/cases/{case_id}/proof-check", {"confirmed": "no"})
    at(case_id, Stage.DECISION)
    send_step(browser, f"/cases/{case_id}/decision", {"outcome": "REFUSE"})
    page = browser.get(f"/cases/{case_id}/decision/reasons")
    assert 'name="standard-reason" type="checkbox" value="Your award does not qualify."' in page.html
    empty = send_step(browser, f"/cases/{case_id}/decision/reasons", {"reasons": ""})
    assert empty.status == 400 and error_summary(empty) == ["Select or enter the reasons, which the applicant is told"]
    picked = send_step(browser, f"/cases/{case_id}/decision/reasons",
                       {"standard-reason": ["The evidence is out of date."], "reasons": "Also, the photo is missing."})
    assert picked.status == 303
    assert send_step(browser, f"/cases/{case_id}/decision/check", {}).status == 303
    assert at(case_id, Stage.REFUSED).decision.reasons == ["The evidence is out of date.", "Also, the photo is missing."]


def test_sign_in_records_the_last_sign_in_in_the_councils_table(browser, staff):
    email = staff(NORTHSHIRE, Role.READ_ONLY, email="signs.in@northshire.example.gov.uk")
    assert browser.sign_in(email, DEMO_PASSWORD).status == 303
    assert email in council_admin_records_for(NORTHSHIRE).last_sign_ins()
    assert email not in council_admin_records_for(VALEWYE).last_sign_ins()
