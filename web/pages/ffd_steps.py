"""The front-door team's steps on a contact, each a page under the contact's: change the level of need (with the reason,
audited), ask the partner for more information (the workflow waits for their answer in the portal), record the
outcome with the reply to the partner, previewed as the email they will get before it is sent, and add a note (for the
team only: a partner never sees notes).

Each form carries the version of the contact it was rendered with: a contact changed meanwhile gets the "has changed"
page, and one whose workflow moved on the "not waiting" page. Done, each goes back to the contact with a banner.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router
from pydantic import TypeAdapter, ValidationError

from shared.bootstrap import workflows
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.domain.formats import LongText
from shared.core.logic.casework import EDITING_ROLES
from shared.resources import Role
from shared.services.family_front_door.domain.case import (
    OUTCOME_NAMES,
    ContactCase,
    ContactOutcome,
    ContactStage,
)
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.domain.submission import InformationRequest
from shared.services.family_front_door.logic.contacts import (
    override_priority,
    record_outcome,
    request_more_information,
)
from shared.services.family_front_door.logic.holding_area import (
    STANDARD_REPLIES,
    level_views,
    outcome_email,
    priority_of,
)
from web.forms import Errors, Form
from web.page import posted, render_page, saved_work
from web.pages.cases import note_case, resume
from web.pages.ffd_team import (
    CHANGED,
    HOME,
    MOVED_ON,
    NOT_WAITING,
    TRY_AGAIN,
    acting_on,
    changed_page,
    contact_path,
    done_with,
    posted_version,
    take_step,
)

router = Router()

REPLY = TypeAdapter(LongText)
CLOSED = "This contact is closed"
LEVEL_FIXED = "Its outcome is recorded, so its level of need cannot change. Go back to the contact to see it."
OUTCOME_CHOICES = {ContactOutcome.REFER_TO_CSC: "Refer to children's social care", ContactOutcome.EARLY_HELP: "Refer to early help",
                   ContactOutcome.INFORMATION_AND_ADVICE: "Information and advice", ContactOutcome.NO_FURTHER_ACTION: "No further action"}


def _form_page(template: str, title: str, case: ContactCase, errors: Errors, form: Form, **context: Any) -> Response:
    """A step's form: what was posted (or kept when a session ended, or saved as a draft) fills it in again."""
    work = None if form.fields else saved_work(router)
    values = Form(form.fields or (work.fields if work else {}))
    return render_page(router, template, status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title=title, case=case,
                       errors=errors, values=values, back=contact_path(case.case_id), noun="contact", **context)


# ---------------------------------------------------------------- the level of need
@router.route(f"{HOME}/contacts/<case_id>/priority", method=["GET", "POST"])
def change_priority(case_id: str) -> Response:
    council, store, case, who = acting_on(router, case_id, *EDITING_ROLES, doing="Changing a contact's level of need")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        if not form.get("level"):
            errors.add("level", "Select the contact's new level of need")
        if not form.get("reason"):
            errors.add("reason", "Enter why you are changing the level of need")
        version = posted_version(form)
        if version is None:
            return changed_page(router, case, CHANGED, TRY_AGAIN)
        if not errors:
            taken = take_step(router, case, errors, "priority", lambda: override_priority(
                store, council, case.case_id, version, form.get("level"), form.get("reason"), who, utcnow()),
                not_open=(CLOSED, LEVEL_FIXED))
            if taken is not None:
                return taken
    elif case.is_closed:
        return changed_page(router, case, CLOSED, LEVEL_FIXED)
    return _form_page("ffd_team/priority.html", "Change the level of need", case, errors, form,
                      levels=level_views(council), priority=priority_of(case.application.form.urgency, case.level, council))


# ---------------------------------------------------------------- asking the partner
@router.route(f"{HOME}/contacts/<case_id>/request-information", method=["GET", "POST"])
def request_information(case_id: str) -> Response:
    council, store, case, who = acting_on(router, case_id, *EDITING_ROLES, doing="Asking a partner for more information")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        version = posted_version(form)
        if version is None:
            return changed_page(router, case, CHANGED, TRY_AGAIN)
        if not form.get("question"):
            errors.add("question", "Enter what you want to ask the partner")
        else:
            taken = take_step(router, case, errors, "information", lambda: request_more_information(
                store, workflows(), council, case.case_id, version, form.get("question"), who, utcnow()))
            if taken is not None:
                return taken
    elif not _waiting_for_team(case):
        return changed_page(router, case, NOT_WAITING, MOVED_ON)
    settings = front_door_settings(council)
    return _form_page("ffd_team/information_request.html", "Ask the partner for more information", case, errors, form,
                      answer_within_hours=settings.answer_within_hours)


def _waiting_for_team(case: ContactCase) -> bool:
    return case.stage is ContactStage.SCREENING and case.task_token is not None


# ---------------------------------------------------------------- the outcome
def _outcome_choices(case: ContactCase) -> dict[ContactOutcome, str]:
    """A request for information is answered, never referred on (the service refuses that; the page does not offer it)."""
    if isinstance(case.application.form, InformationRequest):
        return {outcome: text for outcome, text in OUTCOME_CHOICES.items()
                if outcome in (ContactOutcome.INFORMATION_AND_ADVICE, ContactOutcome.NO_FURTHER_ACTION)}
    return OUTCOME_CHOICES


@router.route(f"{HOME}/contacts/<case_id>/outcome", method=["GET", "POST"])
def outcome(case_id: str) -> Response:
    """Choose the outcome and write the reply (or keep the outcome's standard reply); then check the email the partner
    will get, with the threshold guidance, before recording it (`confirmed`: sent from the check page)."""
    council, store, case, who = acting_on(router, case_id, *EDITING_ROLES, doing="Recording the outcome of a contact")
    form, errors = posted(router), Errors()
    choices = _outcome_choices(case)
    if router.current_event.http_method == "POST":
        version = posted_version(form)
        if version is None:
            return changed_page(router, case, CHANGED, TRY_AGAIN)
        chosen = ContactOutcome(form.get("outcome")) if form.get("outcome") in {choice.value for choice in choices} else None
        if chosen is None:
            errors.add("outcome", "Select the outcome of the contact")
        reply = form.get("reply") or (STANDARD_REPLIES[chosen] if chosen else "")
        try:
            REPLY.validate_python(reply)
        except ValidationError:
            if chosen is not None:  # without an outcome there is no standard reply yet: choosing one comes first
                errors.add("reply", "Enter a reply to the partner of 4000 characters or fewer")
        if form.get("confirmed") == "no":  # back from the check page to change it: the form as it was sent
            return _outcome_form(council, case, Errors(), form, choices)
        if not errors and form.get("confirmed") != "yes":
            email = outcome_email(case, council, chosen, reply, who.user, utcnow())
            return render_page(router, "ffd_team/outcome_check.html", title="Check the reply before you send it", case=case,
                               outcome=chosen, outcome_name=OUTCOME_NAMES[chosen], reply=reply, email=email, version=version,
                               back=contact_path(case.case_id))
        if not errors:
            taken = take_step(router, case, errors, "outcome", lambda: record_outcome(
                store, workflows(), council, case.case_id, version, chosen, reply, who, utcnow()))
            if taken is not None:
                return taken
    elif not _waiting_for_team(case):
        return changed_page(router, case, NOT_WAITING, MOVED_ON)
    return _outcome_form(council, case, errors, form, choices)


def _outcome_form(council: CouncilConfig, case: ContactCase, errors: Errors, form: Form,
                  choices: dict[ContactOutcome, str]) -> Response:
    return _form_page("ffd_team/outcome.html", "Record the outcome", case, errors, form, choices=choices,
                      standard_replies={outcome.value: reply for outcome, reply in STANDARD_REPLIES.items()},
                      guidance_url=str(front_door_settings(council).threshold_guidance_url))


# ---------------------------------------------------------------- notes
@router.route(f"{HOME}/contacts/<case_id>/notes", method=["GET", "POST"])
def note_contact(case_id: str) -> Response:
    """Add a note (the form is on the contact's page; this page shows it again with what was wrong)."""
    _, store, case, who = acting_on(router, case_id, *EDITING_ROLES, doing="Adding a note")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = note_case(store, case, form, who)
        if not errors:
            return done_with(router, case, "noted")
    return _form_page("case/note.html", "Add a note", case, errors, form,
                      note_hint="Notes are for the team: the partner never sees them.")


# ---------------------------------------------------------------- a stopped workflow
@router.route(f"{HOME}/contacts/<case_id>/recovery", method=["GET", "POST"])
def resume_contact_workflow(case_id: str) -> Response:
    """Confirm, then start the contact's stopped workflow again from the step it is at (a council admin)."""
    _, store, case, who = acting_on(router, case_id, Role.COUNCIL_ADMIN, doing="Resuming a contact's workflow")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = resume(store, case, form, who)
        if not errors:
            return done_with(router, case, "resumed")
    return _form_page("case/recovery.html", "Resume the workflow", case, errors, form)
