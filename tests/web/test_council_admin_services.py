"""The council admin's settings of the council's other services (adult social care triage, the Family Front Door) and
its Welsh wording (the council's Welsh name, Welsh refusal reasons, the Welsh text of each email): validated by the same
models as deployment config, naming the field; audited; in effect at once (bootstrap.councils() reads council_now)."""

from __future__ import annotations

import pytest

from shared.bootstrap import council_admin_records_for, councils
from shared.core.domain.email import BILINGUAL_DIVIDER
from shared.resources import Role
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.blue_badge.domain.notifications import NotificationKind, compose
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.family_front_door.domain.notifications import ContactEmail, referrer_email
from shared.services.family_front_door.domain.settings import front_door_settings
from tests.unit.test_notifications import REPLY_BY, make_case
from tests.unit.test_welsh_notifications import contact
from tests.web.case_fixtures import error_summary
from tests.web import test_council_admin as admin_pages
from tests.web.test_council_admin import NORTHSHIRE, VALEWYE, send

# The admin pages' fixtures: a Northshire council admin, and every test starting and leaving with no stored settings.
admin, settings_as_deployed = admin_pages.admin, admin_pages.settings_as_deployed

ASC_PAGE, FFD_PAGE = "/admin/settings/services/asc-triage", "/admin/settings/services/family-front-door"
ASC = {"routing-teams": ["community-ot"], "routing-target-hours": "12.5",
       "directory-meals-at-home-phone": "01632 960101", "directory-meals-at-home-email": "", "directory-meals-at-home-web": "",
       "directory-age-friends-phone": "01632 960102", "directory-age-friends-email": "",
       "directory-age-friends-web": "https://agefriends.northshire.example.org.uk/new",
       "directory-carers-centre-phone": "", "directory-carers-centre-email": "hello@carers.northshire.example.org.uk",
       "directory-carers-centre-web": "", "directory-home-safety-phone": "01632 960103", "directory-home-safety-email": "",
       "directory-home-safety-web": "", "directory-work-and-learning-phone": "", "directory-work-and-learning-email": "",
       "directory-work-and-learning-web": "https://worksupport.northshire.example.org.uk"}
FFD = {"level-red-hours": "3", "level-amber-hours": "6", "level-green-hours": "24",
       "colleagues-see": "no", "reminder-after-hours": "12", "answer-within-hours": "48",
       "threshold-guidance-url": "https://northshire.example.gov.uk/children/thresholds-2027"}
WELSH = {"contact-phone": "01632 960002", "contact-email": "bathodynlas@valewye.example.gov.uk",
         "contact-web": "https://valewye.example.gov.uk/blue-badge", "information-request-days": "15",
         "information-reminder-days": "7", "fee": "0", "days-to-decision": "20", "days-to-decision-automatic": "5",
         "signpost-url": "https://valewye.example.gov.uk/other-help", "welsh-name": "Cyngor Bro Gwy a'r Cylch",
         "refusal-reasons": "Your award does not qualify.\nThe evidence is out of date.", "reapply-bar-months": "0",
         "replacement-fee": "yes", "organisation-min-people": "0",
         "welsh-refusal-reasons": "\nMae'r dystiolaeth yn rhy hen."}


@pytest.fixture
def welsh_admin(browser, staff):
    browser.sign_in(staff(VALEWYE, Role.COUNCIL_ADMIN, email="admin.pages@valewye.example.gov.uk"))
    return browser


def test_the_settings_page_links_to_each_other_service_the_council_runs(admin):
    page = admin.get("/admin/settings")
    assert f'href="{ASC_PAGE}"' in page.html and f'href="{FFD_PAGE}"' in page.html
    assert 'href="/admin/settings/services/blue-badge"' not in page.html  # its settings are on this page
    assert 'id="welsh-name"' not in page.html and 'id="welsh-refusal-reasons"' not in page.html  # an English council


@pytest.mark.parametrize("path", [ASC_PAGE, FFD_PAGE, "/admin/settings/emails/blue-badge/RECEIVED/welsh"])
def test_only_a_council_admin_reaches_them(browser, staff, path):
    browser.sign_in(staff(NORTHSHIRE, Role.TEAM_LEADER))
    assert browser.get(path).status == 403


@pytest.mark.parametrize("path", ["/admin/settings/services/blue-badge", "/admin/settings/services/no-such-service",
                                  "/admin/settings/emails/blue-badge/RECEIVED/welsh"])  # an English council writes no Welsh
def test_a_page_the_council_has_not_is_not_found(admin, path):
    assert admin.get(path).status == 404


def test_asc_routing_and_directory_links_change_at_once_and_are_audited(admin):
    page = admin.get(ASC_PAGE)
    assert page.status == 200 and 'value="24"' in page.html and 'value="https://agefriends.northshire.example.org.uk/"' in page.html
    done = send(admin, ASC_PAGE, ASC)
    assert done.status == 303 and done.location == f"{ASC_PAGE}?done=settings"
    settings = triage_settings(councils().get(NORTHSHIRE))
    assert settings.routing_teams == ["community-ot"] and settings.routing_target_hours == 12.5
    assert str(settings.directory.entries[1].web) == "https://agefriends.northshire.example.org.uk/new"
    assert settings.directory.hubs == triage_settings(councils().deployed(NORTHSHIRE)).directory.hubs  # the rest as it was
    assert triage_settings(councils().deployed(NORTHSHIRE)).routing_target_hours != 12.5
    stored = council_admin_records_for(NORTHSHIRE).settings().changes["services"]["asc-triage"]
    assert set(stored) == {"routing_teams", "routing_target_hours", "directory"}
    audit = admin.get("/admin/settings").html.split("Changes to the settings")[1]
    assert "services.asc-triage.routing_target_hours: 24.0 to 12.5" in audit
    assert ("services.asc-triage.directory.entries.1.web: https://agefriends.northshire.example.org.uk/ to "
            "https://agefriends.northshire.example.org.uk/new") in audit  # the one value changed in the directory
    assert "Settings saved" in admin.get(done.location).text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"routing-target-hours": "0"}, "routing-target-hours", "Target for routing a referral, in business hours: input should be greater than 0"),
    ({"routing-target-hours": "soon"}, "routing-target-hours", "Target for routing a referral, in business hours: enter a number of hours, like 24 or 1.5"),
    ({"routing-teams": []}, "routing-teams", "Select at least one of the teams a screening officer may pass a referral to"),
    ({"routing-teams": ["community-ot", "not-a-team"]}, "routing-teams",
     "Teams a screening officer may pass a referral to: team 'not-a-team' is not one of the council's teams ("),
    ({"directory-carers-centre-email": "carers"}, "directory-carers-centre-email",
     "Enter an email address in the correct format, like help@example.org.uk, or leave it empty"),
    ({"directory-work-and-learning-web": ""}, "directory-work-and-learning-phone",
     "Phone number: directory entry work-and-learning needs a phone number, an email address or a web address"),
])
def test_a_bad_asc_setting_is_refused_naming_the_field_and_nothing_changes(admin, changes, field, message):
    page = send(admin, ASC_PAGE, {**ASC, **changes})
    [shown] = error_summary(page)
    assert page.status == 400 and shown.startswith(message) and f'href="#{field}"' in page.html, shown
    assert council_admin_records_for(NORTHSHIRE).settings() is None
    assert councils().get(NORTHSHIRE) == councils().deployed(NORTHSHIRE)


def test_ffd_response_targets_and_partner_rules_change_at_once(admin):
    page = admin.get(FFD_PAGE)
    assert page.status == 200 and 'value="2"' in page.html and "Response target for Red, in business hours" in page.text
    assert send(admin, FFD_PAGE, FFD).status == 303
    settings = front_door_settings(councils().get(NORTHSHIRE))
    assert [(level.key, level.name, level.response_hours) for level in settings.levels] == [
        ("red", "Red", 3), ("amber", "Amber", 6), ("green", "Green", 24)]
    assert settings.colleagues_see_agency_submissions is False
    assert (settings.reminder_after_hours, settings.answer_within_hours) == (12, 48)
    assert str(settings.threshold_guidance_url) == FFD["threshold-guidance-url"]
    outcome = referrer_email(ContactEmail.OUTCOME, councils().get(NORTHSHIRE), contact(NORTHSHIRE), None)
    assert FFD["threshold-guidance-url"] in outcome.body_text  # the next email links the new guidance
    stored = council_admin_records_for(NORTHSHIRE).settings().changes["services"]["family-front-door"]
    assert not {"team", "warn_within_hours"} & set(stored) and stored["levels"][0] == {"key": "red", "name": "Red", "response_hours": 3.0}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"reminder-after-hours": "60"}, "answer-within-hours", "Hours a partner has to answer before the team decides without it: "
                                                            "reminder_after_hours must be smaller than answer_within_hours"),
    ({"level-amber-hours": "500"}, "level-amber-hours", "Response target for Amber, in business hours: input should be less than or equal to 240"),
    ({"colleagues-see": ""}, "colleagues-see", "Select yes if partners can see what colleagues at the same agency have sent"),
    ({"answer-within-hours": "two days"}, "answer-within-hours",
     "Hours a partner has to answer before the team decides without it: enter a whole number of hours, like 20"),
    ({"threshold-guidance-url": "guidance"}, "threshold-guidance-url", "Web page of the council's threshold guidance: input should be a valid URL"),
])
def test_a_bad_ffd_setting_is_refused_naming_the_field(admin, changes, field, message):
    page = send(admin, FFD_PAGE, {**FFD, **changes})
    [shown] = error_summary(page)
    assert page.status == 400 and shown.startswith(message) and f'href="#{field}"' in page.html, shown
    assert councils().get(NORTHSHIRE) == councils().deployed(NORTHSHIRE)


# ---------------------------------------------------------------- Welsh
def test_a_welsh_council_sets_its_welsh_name_and_welsh_refusal_reasons(welsh_admin):
    page = welsh_admin.get("/admin/settings")
    assert 'value="Cyngor Bro Gwy"' in page.html and 'id="welsh-refusal-reasons"' in page.html
    assert send(welsh_admin, "/admin/settings", WELSH).status == 303
    council = councils().get(VALEWYE)
    assert council.welsh_name == "Cyngor Bro Gwy a'r Cylch"
    assert badge_settings(council).welsh_refusal_reasons == {"The evidence is out of date.": "Mae'r dystiolaeth yn rhy hen."}
    refused = compose(NotificationKind.DECISION_REFUSED, council, make_case(VALEWYE), reply_by=REPLY_BY,
                      reasons=["Your award does not qualify.", "The evidence is out of date."]).body_text
    welsh = refused.split(f"\n{BILINGUAL_DIVIDER}\n\n")[0]
    assert "- Your award does not qualify.\n- Mae'r dystiolaeth yn rhy hen.\n" in welsh and welsh.endswith("Cyngor Bro Gwy a'r Cylch\n")
    shown = welsh_admin.get("/admin/settings").html
    assert "\nMae&#39;r dystiolaeth yn rhy hen.</textarea>" in shown or "\nMae'r dystiolaeth yn rhy hen.</textarea>" in shown


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"welsh-refusal-reasons": "Un\nDau\nTri"}, "welsh-refusal-reasons",
     "Standard reasons for a refusal, in Welsh: give at most one line for each of the 2 reasons above"),
    ({"welsh-refusal-reasons": "x" * 201}, "welsh-refusal-reasons",
     "Standard reasons for a refusal, in Welsh: string should have at most 200 characters"),
    ({"welsh-name": "CB"}, "welsh-name", "The council's name in Welsh: string should have at least 3 characters"),
])
def test_a_bad_welsh_setting_is_refused_naming_the_field(welsh_admin, changes, field, message):
    page = send(welsh_admin, "/admin/settings", {**WELSH, **changes})
    [shown] = error_summary(page)
    assert page.status == 400 and shown == message and f'href="#{field}"' in page.html, shown
    assert council_admin_records_for(VALEWYE).settings() is None


def test_a_welsh_council_rewords_the_welsh_text_of_an_email_and_it_is_sent_at_once(welsh_admin):
    listing = welsh_admin.get("/admin/settings/emails")
    path = "/admin/settings/emails/family-front-door/CONTACT_RECEIVED/welsh"
    assert f'href="{path}"' in listing.html and 'href="/admin/settings/emails/blue-badge/RECEIVED/welsh"' in listing.html
    assert 'href="/admin/settings/emails/blue-badge/BADGE_FOR_COLLECTION/welsh"' not in listing.html  # to the council's team: English
    page = welsh_admin.get(path)
    assert page.status == 200 and "Rydym wedi cael eich cyswllt am $child" in page.html and 'lang="cy"' in page.html
    bad = send(welsh_admin, path, {"subject": "Cyswllt $reference", "body": "Annwyl $plentyn", "action": "own"})
    assert bad.status == 400 and error_summary(bad)[0].startswith("The body: unknown placeholder $plentyn")
    saved = send(welsh_admin, path, {"subject": "Diolch - $reference", "body": "Annwyl $referrer_name,\n\nDiolch.\n\n$council_name",
                                     "action": "own"})
    assert saved.status == 303 and saved.location == "/admin/settings/emails?done=email"
    council = councils().get(VALEWYE)
    assert set(front_door_settings(council).welsh_email_templates) == {"CONTACT_RECEIVED"}
    assert front_door_settings(council).email_templates == {}  # the English as it was
    message = referrer_email(ContactEmail.RECEIVED, council, contact(VALEWYE), None)
    welsh, english = message.body_text.split(f"\n{BILINGUAL_DIVIDER}\n\n")
    assert welsh == "Annwyl P One,\n\nDiolch.\n\nCyngor Bro Gwy\n" and english.startswith("Dear P One,\n\nWe have received")
    audit = welsh_admin.get("/admin/settings").html.split("Changes to the settings")[1]
    assert "services.family-front-door.welsh_email_templates.CONTACT_RECEIVED.subject: none to Diolch - $reference" in audit
    standard = send(welsh_admin, path, {"subject": "x", "body": "y", "action": "standard"})
    assert standard.status == 303 and front_door_settings(councils().get(VALEWYE)).welsh_email_templates == {}
