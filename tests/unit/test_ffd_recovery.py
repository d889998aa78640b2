"""Where a contact's restarted workflow begins (shared/services/family_front_door/logic/recovery.py): never asking a
person again for what they gave, and waiting only for what is left of the partner's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.core.domain.council import load_councils
from shared.services.family_front_door.domain.case import ContactCase, ContactOutcome, ContactStage, InformationAsk, Outcome
from shared.services.family_front_door.domain.submission import Submission
from shared.services.family_front_door.logic.recovery import restart_input, resume_at
from tests.unit.test_ffd_forms import complete

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
COUNCIL = load_councils().get("NORTHSHIRE")  # the partner is reminded after 24 hours and has 72


def contact(stage: ContactStage, **fields) -> ContactCase:
    submission = Submission(submission_id="sub-0000001", council_code="NORTHSHIRE", submitted_at=NOW,
                            submitter={"user_id": "p1", "email": "p1@school.example", "name": "P One", "agency_id": "school",
                                       "agency_name": "School"}, form=complete())
    return ContactCase.open("NORTHSHIRE-261123-ABCDEF", submission, "green", 34, "family-front-door", NOW, NOW).model_copy(
        update={"stage": stage, **fields})


def asked(due: datetime | None = None, answer: str | None = None) -> list[InformationAsk]:
    return [InformationAsk(question="Siblings?", by="officer", at=NOW, due=due, answer=answer)]


def test_a_recorded_outcome_is_carried_out_and_a_recorded_question_is_sent():
    accepted = Outcome(outcome=ContactOutcome.EARLY_HELP, reply="Early help.", by="officer", at=NOW)
    assert resume_at(contact(ContactStage.SCREENING, outcome=accepted), COUNCIL) == "Accept"
    assert resume_at(contact(ContactStage.SCREENING, information_requests=asked()), COUNCIL) == "AskPartner"
    # Back at screening after no answer (the question was sent: it has its due time): the team decides.
    assert resume_at(contact(ContactStage.SCREENING, information_requests=asked(NOW)), COUNCIL) == "Screening"
    assert resume_at(contact(ContactStage.RECEIVED), COUNCIL) is None


def test_a_partners_wait_goes_on_for_what_is_left_of_their_time():
    due = NOW + timedelta(hours=60)  # asked 12 hours ago: the reminder is 12 hours away
    waiting = contact(ContactStage.AWAITING_INFORMATION, information_requests=asked(due), information_due=due)
    assert resume_at(waiting, COUNCIL) == "AskPartner"
    assert restart_input(waiting, COUNCIL, NOW) == {"reminder_after_seconds": 12 * 3600, "answer_window_seconds": 48 * 3600}
    reminded = waiting.model_copy(update={"reminder_sent_at": NOW})
    assert restart_input(reminded, COUNCIL, NOW) == {"resume_at": "RemindPartner", "answer_window_seconds": 60 * 3600}
    assert restart_input(waiting, COUNCIL, due + timedelta(seconds=1)) == {"resume_at": "NoAnswer"}
    answered = contact(ContactStage.AWAITING_INFORMATION, information_requests=asked(due, "One sister"), information_due=due)
    assert resume_at(answered, COUNCIL) == "Screening"
