"""The referrer's reply page: the screening officer's question through the single-use link, answered once."""

from __future__ import annotations

import re

from shared.services.asc_triage.domain.case import ReferralStage, ScreeningOutcome
from tests.integration.asc_triage.test_referral_workflow import (
    email_body,
    decide,
    new_referral,
    receive,
    waiting_at,
)

QUESTION = "Does she already have carers visiting?"


def asked(stack):
    referral = new_referral()
    case = waiting_at(receive(referral).case_id, ReferralStage.SCREENING)
    decide(case, ScreeningOutcome.ASK_REFERRER, question=QUESTION)
    waiting_at(case.case_id, ReferralStage.AWAITING_INFORMATION)
    return case, re.search(r"(/reply/\S+)", email_body(referral, "/referral")).group(1)


def test_the_referrer_answers_the_officers_question_once_through_the_link(stack, browser):
    case, link = asked(stack)
    assert link.endswith("/referral")
    page = browser.get(link)
    assert page.status == 200 and QUESTION in page.text and case.case_id in page.text
    assert "call 999" in page.text

    refused = browser.post(link, {"answer": "   "})
    assert refused.status == 400 and "Enter your answer" in refused.text

    sent = browser.post(link, {"answer": "Yes: twice a day, from Northby Home Care"})
    assert sent.status == 200 and "Answer sent" in sent.text
    back = waiting_at(case.case_id, ReferralStage.SCREENING)
    assert back.questions[-1].answer == "Yes: twice a day, from Northby Home Care"

    assert browser.get(link).status == 404  # single use: the same page as a link that never was
    assert browser.post(link, {"answer": "again"}).status == 404


def test_a_link_that_is_not_one_of_ours_or_another_services_gets_the_same_page(stack, browser):
    case, link = asked(stack)
    token = link.removeprefix("/reply/").removesuffix("/referral")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for path in (f"/reply/{forged}/referral", "/reply/NORTHSHIRE-000000-AAAAAA.x/referral"):
        page = browser.get(path)
        assert page.status == 404 and "This link does not work" in page.text and QUESTION not in page.text
    # The Blue Badge reply page does not open a referral's question.
    assert QUESTION not in browser.get(f"/reply/{token}").text
