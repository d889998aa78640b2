"""The council admin's editor of the referral questions (web/pages/asc_questions.py): publishing a new version of the
council's question set without a deploy, while earlier referrals keep the version they were answered on.

The form is posted as a browser sends it: every field the page holds, with the test's changes. Each test starts and
ends with no published set (version 1, the default, is never stored), so the other tests of the package's shared
stack still see version 1.
"""

from __future__ import annotations

from html.parser import HTMLParser

import boto3
import pytest

from shared.bootstrap import councils
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.council import CouncilRegistry
from shared.resources import DEFAULT_REGION, Role, council_table_name
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.adapters.question_sets import (
    PARTITION,
    QuestionSets,
    VersionTaken,
)
from shared.services.asc_triage.domain.questions import (
    LocalAnswerKind,
    default_question_set,
)
from tests.web.asc_triage.test_screening_pages import NORTHSHIRE, VALEWYE, receive
from tests.web.case_fixtures import error_summary
from tests.web.conftest import Browser, Page
from web.pages import asc_questions
from shared.bootstrap import question_sets_for

EDITOR = "/referrals/questions"
DEFAULT = default_question_set()
NUTRITION = DEFAULT.outcomes[0]
REWORDED = "Can they shop for, cook and eat enough food and drink?"


def _forget_published(council: str) -> None:
    client, table = boto3.client("dynamodb", region_name=DEFAULT_REGION), council_table_name(council)
    items = client.query(TableName=table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": PARTITION}},
                         ProjectionExpression="pk, sk")["Items"]
    for key in items:
        client.delete_item(TableName=table, Key=key)


@pytest.fixture(autouse=True)
def version_1_before_and_after(stack):
    for council in (NORTHSHIRE, VALEWYE):
        _forget_published(council)
    yield
    for council in (NORTHSHIRE, VALEWYE):
        _forget_published(council)


@pytest.fixture
def admin(staff):
    """A browser signed in as the given council's admin: admin(council) -> (browser, email)."""
    def sign_in(council: str = NORTHSHIRE) -> tuple[Browser, str]:
        email = staff(council, Role.COUNCIL_ADMIN)
        signed = Browser()
        assert signed.sign_in(email).status == 303
        return signed, email
    return sign_in


class _FormFields(HTMLParser):
    """What a browser sends for the page's form as it stands: text inputs, textareas and checked boxes and radios."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {name: value or "" for name, value in attrs}
        if tag == "input" and "name" in given:
            if given.get("type") in ("checkbox", "radio") and "checked" not in given:
                return
            self.fields.append((given["name"], given.get("value", "")))
        elif tag == "textarea":
            self._textarea = given["name"]
            self.fields.append((given["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields.pop()
            self.fields.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def form_of(page: Page) -> dict[str, list[str]]:
    """The editor's form, not the layout's others (signing out, the session timer)."""
    parser = _FormFields()
    parser.feed(page.html.split(f'action="{EDITOR}"', 1)[1].split("</form>", 1)[0])
    fields: dict[str, list[str]] = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value.removeprefix("\n"))  # a browser drops a textarea's leading newline
    return fields


def publish(browser: Browser, **changes: str | list[str]) -> Page:
    """Opens the editor and posts its form as it stands but for `changes` (by field name, e.g. "outcomes-nutrition-wording")."""
    fields = form_of(browser.get(EDITOR))
    fields.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return browser.post(EDITOR, fields)


def published_audits(council: str) -> list[AuditEntry]:
    client = boto3.client("dynamodb", region_name=DEFAULT_REGION)
    items = client.query(TableName=council_table_name(council), KeyConditionExpression="pk = :pk AND begins_with(sk, :audit)",
                         ExpressionAttributeValues={":pk": {"S": PARTITION}, ":audit": {"S": "AUDIT#"}})["Items"]
    return [AuditEntry.model_validate_json(item["body"]["S"]) for item in items]


# ------------------------------------------------------------------ publishing
def test_an_admin_rewords_an_outcome_and_adds_a_question_of_their_own(admin, staff):
    answered_on_1 = receive(NORTHSHIRE)
    browser, email = admin(NORTHSHIRE)
    page = browser.get(EDITOR)
    assert page.status == 200, page.text
    assert "New referrals are asked version 1 of the questions" in page.text
    assert f'value="{NUTRITION.wording}"' in page.html and "Your council has not added any questions of its own" in page.text

    sent = publish(browser, **{"outcomes-nutrition-wording": REWORDED, "new-id": "lives_alone", "new-wording": "Do they live alone?",
                               "new-hint": "Not counting carers who visit.", "new-answer_kind": "YES_NO", "new-required": "yes"})
    assert sent.status == 303 and sent.location == f"{EDITOR}?published=2", sent.text
    shown = browser.get(sent.location)
    assert ("Version 2 published: new referrals use it; earlier referrals keep the version they were answered on"
            in shown.text)
    assert "New referrals are asked version 2 of the questions" in shown.text and 'href="/referrals/questions/1"' in shown.html
    assert f"published by {email} on" in " ".join(shown.text.split())  # who published it, and when, kept on the version

    # The public form's questions are now version 2 ...
    current = question_sets_for(NORTHSHIRE).current()
    assert current.version == 2 and current.outcomes[0].wording == REWORDED
    [local] = current.local
    assert (local.id, local.wording, local.hint, local.answer_kind, local.required) == (
        "lives_alone", "Do they live alone?", "Not counting carers who visit.", LocalAnswerKind.YES_NO, True)
    assert current.model_copy(update={"version": 1, "outcomes": DEFAULT.outcomes, "local": ()}) == DEFAULT  # nothing else changed
    [audit] = published_audits(NORTHSHIRE)
    assert (audit.actor, audit.action, audit.after) == (f"user:{email}", "QUESTION_SET_PUBLISHED", {"version": 2})

    # ... while a referral answered on version 1 still reads against it.
    assert answered_on_1.application.question_set_version == 1
    assert question_sets_for(NORTHSHIRE).version(1) == DEFAULT
    caseworker = Browser()
    assert caseworker.sign_in(staff(NORTHSHIRE, Role.CASEWORKER)).status == 303
    referral = caseworker.get(f"/referrals/{answered_on_1.case_id}")
    assert NUTRITION.wording in referral.text and REWORDED not in referral.text
    earlier = browser.get(f"{EDITOR}/1")
    assert earlier.status == 200 and NUTRITION.wording in earlier.text and REWORDED not in earlier.text
    main = earlier.html.split("<main", 1)[1]  # (the header's search box is a form on every staff page)
    assert "New referrals are asked version 2" in earlier.text and "<textarea" not in main and "<form" not in main


def test_a_question_of_their_own_is_removed_in_the_next_version_and_kept_in_its_own(admin):
    browser, _ = admin(NORTHSHIRE)
    assert publish(browser, **{"new-id": "has_pets", "new-wording": "Do they have pets?", "new-answer_kind": "TEXT"}).status == 303
    page = browser.get(EDITOR)
    assert "Id has_pets, typed answer, optional" in page.text
    assert publish(browser, remove="has_pets").location == f"{EDITOR}?published=3"
    sets = question_sets_for(NORTHSHIRE)
    assert sets.current().local == () and [question.id for question in sets.version(2).local] == ["has_pets"]
    assert "Do they have pets?" in browser.get(f"{EDITOR}/2").text


def test_the_statutory_questions_cannot_be_removed_by_the_form(admin):
    browser, _ = admin(NORTHSHIRE)
    fields = {name: values for name, values in form_of(browser.get(EDITOR)).items() if not name.startswith("outcomes-nutrition-")}
    page = browser.post(EDITOR, {**fields, "remove": ["nutrition", "immediate_danger"], "outcomes-invented-wording": ["Extra?"]})
    assert page.status == 400 and error_summary(page) == ["Enter the wording of the managing nutrition question"]
    assert question_sets_for(NORTHSHIRE).current().version == 1


# ------------------------------------------------------------------ refused with the field named
def test_empty_wording_is_refused_naming_the_field(admin):
    browser, _ = admin(NORTHSHIRE)
    page = publish(browser, **{"outcomes-toilet_needs-wording": "  ", "carer-health_at_risk-wording": "",
                               "new-id": "Lives Alone", "new-wording": "Do they live alone?"})
    assert page.status == 400 and page.title.startswith("Error: ")
    assert error_summary(page) == ["Enter the wording of the managing toilet needs question",
                                   "Enter the wording of the carer's health question",
                                   "Select how the new question is answered"]
    assert 'href="#outcomes-toilet_needs-wording"' in page.html and 'href="#carer-health_at_risk-wording"' in page.html
    assert 'value="Do they live alone?"' in page.html  # what was typed stays on the page
    assert question_sets_for(NORTHSHIRE).current().version == 1 and published_audits(NORTHSHIRE) == []


def test_the_sets_own_rules_are_named_at_their_field(admin):
    browser, _ = admin(NORTHSHIRE)
    page = publish(browser, **{"urgent-immediate_danger-hint": "Call 999\u202e first", "impairment-wording": "x" * 201,
                               "new-id": "Lives Alone", "new-wording": "Do they live alone?", "new-answer_kind": "YES_NO"})
    assert page.status == 400
    assert error_summary(page) == [
        "The wording of the impairment question must be 200 characters or fewer",
        ("The hint of the urgent question (someone may be in immediate danger) contains a bidirectional text control "
         "(U+202E RIGHT-TO-LEFT OVERRIDE), which can disguise text — remove it"),
        ("The new question's id must start with a lower-case letter, then hold only lower-case letters, digits and "
         "underscores (2 to 64 in all)")]
    assert question_sets_for(NORTHSHIRE).current().version == 1


def test_publishing_nothing_new_is_refused(admin):
    browser, _ = admin(NORTHSHIRE)
    page = publish(browser)
    assert page.status == 400 and error_summary(page) == [
        "Change at least one question, or add or remove one of your own, before publishing"]


def test_a_version_published_meanwhile_is_not_overwritten(admin, monkeypatch):
    browser, _ = admin(NORTHSHIRE)
    fields = form_of(browser.get(EDITOR))
    sets = question_sets_for(NORTHSHIRE)
    theirs = sets.publish(DEFAULT.model_copy(update={"title": "Refer someone to Northshire"}), "user:someone.else", utcnow())
    page = browser.post(EDITOR, {**fields, "outcomes-nutrition-wording": [REWORDED]})
    assert page.status == 409 and "Someone published a new version of the questions while you were editing" in page.text
    assert 'href="/referrals/questions"' in page.html and sets.current() == theirs

    # Both publishing at once: the store refuses the second, and the page says so.
    def taken(*_):
        raise VersionTaken("question set version 3 was published by someone else")
    monkeypatch.setattr(QuestionSets, "publish", taken)
    page = publish(browser, **{"outcomes-nutrition-wording": REWORDED})
    assert page.status == 409 and "Reload the page" in page.text


# ------------------------------------------------------------------ whose page
def test_a_caseworker_cannot_change_the_questions(signed_in):
    browser = signed_in(NORTHSHIRE, Role.CASEWORKER)
    token = browser.get("/referrals").csrf_token
    assert browser.get(EDITOR).status == 403
    assert browser.get(f"{EDITOR}/1").status == 403
    page = browser.post(EDITOR, {"csrf_token": token, "version": "1", "outcomes-nutrition-wording": REWORDED})
    assert page.status == 403 and question_sets_for(NORTHSHIRE).current().version == 1


def test_each_council_edits_its_own_set(admin):
    north, _ = admin(NORTHSHIRE)
    assert publish(north, **{"outcomes-nutrition-wording": REWORDED}).status == 303
    vale, _ = admin(VALEWYE)
    page = vale.get(EDITOR)
    assert "New referrals are asked version 1 of the questions" in page.text and REWORDED not in page.html
    assert vale.get(f"{EDITOR}/2").status == 404
    assert question_sets_for(VALEWYE).current() == DEFAULT and published_audits(VALEWYE) == []
    assert question_sets_for(NORTHSHIRE).current().version == 2


def test_a_version_the_council_never_had_is_not_found(admin):
    browser, _ = admin(NORTHSHIRE)
    for version in ("2", "0", "abc", "1234567"):
        assert browser.get(f"{EDITOR}/{version}").status == 404, version


def test_a_council_not_running_the_service_has_no_editor(admin, monkeypatch):
    browser, _ = admin(NORTHSHIRE)
    token = browser.get(EDITOR).csrf_token
    without = [council.model_copy(update={"services": {key: value for key, value in council.services.items() if key != SERVICE_KEY}})
               if council.code == NORTHSHIRE else council for council in councils()]
    monkeypatch.setattr(asc_questions, "councils", lambda: CouncilRegistry(without))
    for path in (EDITOR, f"{EDITOR}/1"):
        page = browser.get(path)
        assert page.status == 404 and page.title.startswith("Page not found"), path
    page = browser.post(EDITOR, {"csrf_token": token, "version": "1", "outcomes-nutrition-wording": REWORDED})
    assert page.status == 404 and question_sets_for(NORTHSHIRE).current().version == 1
