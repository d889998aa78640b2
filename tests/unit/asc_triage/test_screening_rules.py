"""The pure rules of screening a referral, the emails to the referrer, the Referral Accepted event built from a routed
referral, signposting's outcomes and the existing customer check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.core.domain.council import load_councils
from shared.services.asc_triage.domain.case import RECOMMENDED_OUTCOME, ReferralCase, Screening, ScreeningOutcome
from shared.services.asc_triage.domain.notifications import ReferralEmail, referrer_email
from shared.services.asc_triage.domain.questions import default_question_set
from shared.services.asc_triage.domain.referral import Referral
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.signposting import signposts_for
from shared.services.asc_triage.domain.triage import TriageRoute, recommend
from shared.services.asc_triage.logic.existing_customers import existing_cases
from shared.services.asc_triage.logic.screening import ScreeningInput, check_screening, overrides_recommendation, routing_teams
from shared.services.asc_triage.logic.workflow_steps import MAX_EVENT_REASON, accepted_event, outcomes_not_achieved
from shared.core.logic.steps import InvalidStep
from tests.factories import REMOVE
from tests.unit.asc_triage.test_referral import carer_referral_data, referral_data

NOW = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
COUNCILS = load_councils()
NORTHSHIRE = COUNCILS.get("NORTHSHIRE")
SETTINGS = triage_settings(NORTHSHIRE)


def referral_case(data: dict[str, Any] | None = None, **overrides: Any) -> ReferralCase:
    referral = Referral.model_validate(data or referral_data(**overrides))
    recommendation = recommend(referral, default_question_set())
    return ReferralCase.open(referral, recommendation, SETTINGS.team, NOW + timedelta(hours=8), NOW)


def decision(outcome: ScreeningOutcome, **given: Any) -> ScreeningInput:
    return ScreeningInput(expected_version=3, outcome=outcome, **given)


def input_error(**given: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        ScreeningInput(expected_version=3, **given)
    return refused.value.errors()[0]["msg"]


def test_each_outcome_asks_for_what_it_needs_and_nothing_else():
    assert "team: choose the team" in input_error(outcome="ROUTE")
    assert "team: only given when routing" in input_error(outcome="SIGNPOST", team="community-ot")
    assert "question: say what the referrer is asked" in input_error(outcome="ASK_REFERRER")
    assert "question: only given when asking" in input_error(outcome="CLOSE", question="Who cares for her?")
    assert "linked_case_id: only given when closing" in input_error(outcome="SIGNPOST", linked_case_id="NORTHSHIRE-261120-ABCDEF")
    assert decision(ScreeningOutcome.CLOSE, linked_case_id="NORTHSHIRE-261120-ABCDEF").linked_case_id == "NORTHSHIRE-261120-ABCDEF"


@pytest.mark.parametrize("route", list(TriageRoute))
@pytest.mark.parametrize("outcome", list(ScreeningOutcome))
def test_a_decision_other_than_the_recommended_one_is_an_override(route, outcome):
    expected = outcome is not ScreeningOutcome.ASK_REFERRER and outcome is not RECOMMENDED_OUTCOME[route]
    assert overrides_recommendation(route, outcome) is expected


def test_an_override_needs_its_reason_and_names_the_field():
    likely = referral_case()
    with pytest.raises(InvalidStep) as refused:
        check_screening(likely, decision(ScreeningOutcome.SIGNPOST), SETTINGS)
    assert refused.value.field == "reason"
    assert check_screening(likely, decision(ScreeningOutcome.SIGNPOST, reason="Family now help every day"), SETTINGS) is True
    assert check_screening(likely, decision(ScreeningOutcome.ROUTE, team="community-ot"), SETTINGS) is False
    assert check_screening(likely, decision(ScreeningOutcome.ASK_REFERRER, question="Who helps now?"), SETTINGS) is False


def test_routing_is_to_the_councils_routing_teams_or_safeguarding():
    assert routing_teams(SETTINGS) == ["asc-front-door", "community-ot", "safeguarding"]
    with pytest.raises(InvalidStep) as refused:
        check_screening(referral_case(), decision(ScreeningOutcome.ROUTE, team="blue-badge"), SETTINGS)
    assert refused.value.field == "team" and "community-ot" in refused.value.message


def test_the_referrer_is_asked_only_by_email_and_a_referral_never_joins_itself():
    by_phone = referral_case(referrer__email=REMOVE, referrer__phone="01632 960555")
    with pytest.raises(InvalidStep) as refused:
        check_screening(by_phone, decision(ScreeningOutcome.ASK_REFERRER, question="Who helps now?"), SETTINGS)
    assert refused.value.field == "outcome" and "01632 960555" in refused.value.message
    case = referral_case()
    with pytest.raises(InvalidStep) as refused:
        check_screening(case, decision(ScreeningOutcome.CLOSE, reason="Duplicate", linked_case_id=case.case_id), SETTINGS)
    assert refused.value.field == "linked_case_id"


def test_signposting_uses_the_outcomes_the_person_cannot_achieve():
    assert outcomes_not_achieved(referral_case().application) == ["nutrition", "personal_hygiene"]
    carer = referral_case(carer_referral_data(answers__carer__outcomes__recreation=["NEEDS_ASSISTANCE"]))
    assert outcomes_not_achieved(carer.application) == ["recreation", "carer_support"]


def screened(case: ReferralCase, outcome: ScreeningOutcome, **record: Any) -> ReferralCase:
    return case.changed(NOW, screening=Screening(outcome=outcome, by="officer@northshire.example.gov.uk", at=NOW, **record))


def test_the_referral_accepted_event_carries_what_the_crm_needs():
    case = screened(referral_case(), ScreeningOutcome.ROUTE, team="community-ot", overrides_recommendation=False)
    event = accepted_event(case, NORTHSHIRE)
    assert event.event_id == f"{case.case_id}-accepted" and event.accepted_at == NOW and event.team == "Community OT"
    assert (event.adult.nhs_number, event.adult.postcode, event.source.organisation) == ("9434765919", "NE1 4XF", "Mill Lane Surgery")
    assert event.triage.route == "LIKELY_ELIGIBLE" and event.triage.reasons == case.recommendation.reasons


def test_an_overridden_route_says_why_first_on_one_short_line():
    case = screened(referral_case(answers__outcomes__personal_hygiene=[]), ScreeningOutcome.ROUTE, team="community-ot",
                    overrides_recommendation=True, reason="Falls twice this week.\nLives alone. " + "Very frail. " * 40)
    reasons = accepted_event(case, NORTHSHIRE).triage.reasons
    assert reasons[0].startswith("Accepted against the recommendation: Falls twice this week. Lives alone.")
    assert len(reasons[0]) == MAX_EVENT_REASON and reasons[0].endswith("…")


def test_no_email_goes_to_a_referrer_who_gave_none():
    assert referrer_email(ReferralEmail.RECEIVED, NORTHSHIRE, referral_case(referrer__email=REMOVE, referrer__phone="01632 960555")) is None


def test_the_acknowledgement_gives_the_reference_and_when_to_expect_a_decision():
    case = referral_case()
    message = referrer_email(ReferralEmail.RECEIVED, NORTHSHIRE, case)
    assert message.to == "grace.hopper@nhs.example" and message.sender == str(NORTHSHIRE.contact.email)
    assert message.subject == f"We have received your referral - reference {case.case_id}"
    assert message.body_text.startswith("Dear Dr Grace Hopper,\n\nWe have received your referral to adult social care for Ada Lovelace.")
    assert "6:15pm on Monday 23 November 2026" in message.body_text  # routing due, London time
    assert "call 999" in message.body_text


def test_the_question_email_carries_the_link_and_the_date_to_answer_by():
    message = referrer_email(ReferralEmail.QUESTION, NORTHSHIRE, referral_case(), question="Who helps her now?",
                             reply_url="https://casework.example/reply/abc", reply_by=NOW + timedelta(days=28))
    assert "Our question:\nWho helps her now?" in message.body_text
    assert "Answer online by 21 December 2026:\nhttps://casework.example/reply/abc" in message.body_text


def test_the_signposting_email_lists_the_support_and_a_welsh_council_offers_welsh():
    case = referral_case(answers__outcomes__personal_hygiene=[])
    entries = signposts_for(SETTINGS.directory, ["nutrition"], "NE1 4XF")
    body = referrer_email(ReferralEmail.SIGNPOSTED, NORTHSHIRE, case, signposts=entries).body_text
    assert "These services can help:\n\nNorthby Meals at Home\nHot meals delivered" in body and "Phone: 01632 960101" in body
    valewye = COUNCILS.get("VALEWYE")
    welsh = referrer_email(ReferralEmail.CLOSED, valewye, screened(case, ScreeningOutcome.CLOSE, overrides_recommendation=False))
    assert welsh.body_text.startswith("Annwyl Dr Grace Hopper,")  # Welsh first, then the English
    assert "Ni fyddwn yn cymryd unrhyw gamau pellach." in welsh.body_text
    assert "We will not be taking any further action." in welsh.body_text
    signposted = referrer_email(ReferralEmail.SIGNPOSTED, valewye, case, signposts=entries).body_text
    assert "Gall y gwasanaethau hyn helpu:\n\nNorthby Meals at Home\nHot meals delivered" in signposted
    assert "Ffôn: 01632 960101" in signposted and "Phone: 01632 960101" in signposted


def test_a_closed_referral_joined_to_an_existing_case_says_so():
    case = screened(referral_case(), ScreeningOutcome.CLOSE, overrides_recommendation=True, reason="Known",
                    linked_case_id="NORTHSHIRE-250101-ABCDEF")
    assert "Ada Lovelace is already known to us" in referrer_email(ReferralEmail.CLOSED, NORTHSHIRE, case).body_text


class LookupStore:
    def __init__(self, keys: dict[tuple[str, str], list[str]]):
        self.keys, self.asked = keys, []

    def lookup(self, kind: str, value: str) -> list[str]:
        self.asked.append((kind, value))
        return self.keys.get((kind, value), [])


def test_existing_customers_by_nhs_number_then_surname_and_date_of_birth():
    case = referral_case()
    store = LookupStore({("NHS", "9434765919"): [case.case_id, "NORTHSHIRE-250101-AAAAAA"],
                         ("ASC-PERSON", "LOVELACE#1950-12-10"): ["NORTHSHIRE-250101-AAAAAA", "NORTHSHIRE-240601-BBBBBB"]})
    assert existing_cases(store, case) == ["NORTHSHIRE-250101-AAAAAA", "NORTHSHIRE-240601-BBBBBB"]
    without_nhs_number = LookupStore({})
    assert existing_cases(without_nhs_number, referral_case(adult__nhs_number=REMOVE)) == []
    assert without_nhs_number.asked == [("ASC-PERSON", "LOVELACE#1950-12-10")]
