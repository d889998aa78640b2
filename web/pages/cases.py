"""The case page and the actions the workflow allows on it.

Every action is its own page that posts to itself and calls the same service, with the same pydantic input, as the
JSON API. The version of the case (or badge) the page was rendered with travels in a hidden field, so a case
changed meanwhile answers with the "case has changed" page rather than overwriting someone else's work.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel, ValidationError

from shared.bootstrap import councils, evidence_files_for, evidence_links_for, intake_service, staff_directory, workflows
from shared.services.blue_badge.adapters.badge_store import BadgeStore, badges_of
from shared.services.blue_badge.domain.application import ApplicationType, CancelReason, Channel, ReplaceReason
from shared.services.blue_badge.domain.badge import BADGE_NUMBER_PATTERN, Badge
from shared.core.domain.case import CASE_ID_PATTERN, Case, utcnow
from shared.core.domain.history import readable_history
from shared.services.blue_badge.domain.case import HUMAN_STAGES, AssessmentOutcome, DecisionOutcome, ReviewOutcome, Stage
from shared.services.blue_badge.logic.case_actions import badge_actions
from shared.core.logic.case_actions import actions_on
from shared.services.blue_badge.domain.completeness import DESCRIPTIONS, MissingCode, fee_for
from shared.core.adapters.case_store import CaseStore
from shared.core.domain.council import CouncilConfig, Team
from shared.core.domain.evidence import case_evidence_prefix
from shared.services.blue_badge.domain.national import original_key, record_in_words
from shared.services.blue_badge.domain.pip import AWARD_LETTER_FIELD
from shared.services.registry import SERVICES
from shared.resources import Role
from shared.core.logic import recovery
from shared.core.logic.steps import InvalidStep
from shared.services.blue_badge.logic import decisions, information
from shared.core.domain.duplicates import linked_duplicates
from shared.core.logic.casework import (
    ALLOCATING_ROLES,
    EDITING_ROLES,
    AssignmentInput,
    NoteInput,
    ReferralInput,
    TeamInput,
    add_note,
    assign,
    move_to_team,
    refer,
    view_case,
    visible_case,
)
from shared.services.blue_badge.logic.badges import (
    BadgeNotChangeable,
    CancelBadgeInput,
    ReorderBadgeInput,
    ReplacementNotPossible,
    cancel_badge,
    reorder_badge,
    replace_badge,
)
from shared.services.blue_badge.logic.replacement import ReplaceBadgeInput
from shared.core.logic.tenancy import Caller
from web.forms import Errors, Form, errors_from
from web.scans import case_scans, forget_case_scans, just_uploaded, refused_message
from web.page import caller, discard_drafts, posted, render_page, require_any, save_draft, saved_work
from web.rendering import origin_of, redirect
from web.security import draft_store
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.blue_badge.domain.ordering import fee_due
from shared.bootstrap import service_store_for
from shared.services.blue_badge import SERVICE_KEY

router = Router()

CASE_ID = re.compile(CASE_ID_PATTERN)
BADGE_NUMBER = re.compile(BADGE_NUMBER_PATTERN)
ASSESSING_ROLES = (*EDITING_ROLES, Role.ASSESSOR)


# ---------------------------------------------------------------- loading
def _store() -> BadgeStore:
    who = caller(router)
    if who.council_code is None:
        raise NotFoundError("cases belong to a council; sign in with a council account")
    store = service_store_for(who.council_code, SERVICE_KEY)
    if store is None:
        raise NotFoundError("this council does not run Blue Badge")
    return store


def _case(case_id: str) -> Case:
    """The caller's council's case, or 404 (another council's case, or one not referred to this assessor)."""
    case = visible_case(_store(), case_id, caller(router)) if CASE_ID.match(case_id) else None
    if case is None:
        raise NotFoundError(f"There is no case {case_id}.")
    return case


def _badge(case: Case, badge_number: str) -> Badge:
    badge = _store().get_badge(badge_number) if BADGE_NUMBER.match(badge_number) else None
    if badge is None or badge.case_id != case.case_id:
        raise NotFoundError(f"Case {case.case_id} has no badge {badge_number}.")
    return badge


def _version(form: Form) -> str:
    return form.get("expected_version")


def _check(model: type[BaseModel], data: dict[str, Any], field_ids: dict[str, str] | None = None) -> tuple[Any, Errors]:
    """Validate with the API's own input model: the model, or the errors as GOV.UK messages."""
    try:
        return model.model_validate(data), Errors()
    except ValidationError as error:
        return None, errors_from(error, field_ids)


def _required(form: Form, messages: dict[str, str]) -> Errors:
    """GOV.UK's own words for a field left empty (pydantic's are for values that are wrong)."""
    errors = Errors()
    for name, message in messages.items():
        if not form.all(name):
            errors.add(name, message)
    return errors


def _render(template: str, **context: Any) -> Response:
    return render_page(router, template, evidence_names=EVIDENCE_NAMES, **context)


def _done(case_id: str, action: str, **extra: str) -> Response:
    discard_drafts(router)
    return redirect(done_path(case_id, action, **extra))


def done_path(case_id: str, action: str, **extra: str) -> str:
    """Back to the case, whose page says in a banner what was done (Post/Redirect/Get): the address names one of the
    CONFIRMATIONS by its key, so nothing typed into an address is ever shown as if the service had said it."""
    return f"/cases/{case_id}?{urlencode({DONE_PARAMETER: action, **extra})}"


# ---------------------------------------------------------------- the case page
RECENT_VIEWS = 20  # the latest reads listed on the page (all of them are in the view log, and in a subject access export)
@router.get("/cases/<case_id>")
def case_page(case_id: str) -> Response:
    who = caller(router)
    loaded = view_case(_store(), case_id, who, utcnow()) if CASE_ID.match(case_id) else None
    if loaded is None:
        raise NotFoundError(f"There is no case {case_id}.")
    case = loaded.case
    council = councils().get(case.council_code)
    moving_on = case.stage in HUMAN_STAGES and case.task_token is None and not case.needs_attention
    return _render(
        "case/case.html", title=f"Case {case.case_id}",
        case=case, application=case.application, notes=sorted(loaded.notes, key=lambda note: note.at, reverse=True),
        # Views are audited too (who looked at whose data), but listed apart so the changes stay readable.
        history=readable_history(loaded.history, SERVICES.for_case(case).history,
                                 {team.key: team.name for team in council.teams} if council else {}),
        views=_store().views(case_id, limit=RECENT_VIEWS),  # this read included: it is logged before the page is made
        badges=[(badge, badge_actions(badge, who)) for badge in badges_of(loaded)],
        # catching_up: a step is recorded but its workflow has not taken the resume yet (sent again within minutes).
        actions=actions_on(case, who), moving_on=moving_on, catching_up=loaded.catching_up,
        fee_pence=fee_for(case.application, council) if council and badge_settings(council).charges_fee else 0,
        can_note=who.has_any(*ASSESSING_ROLES), can_assign=who.has_any(*EDITING_ROLES),
        is_mine=case.assignee == who.user, is_leader=who.has_any(*ALLOCATING_ROLES), teams=council.teams if council else [],
        missing_all=[(code, DESCRIPTIONS[code]) for code in MissingCode],
        done=_confirmation(case), staff=_assignable_staff(case) if who.has_any(*ALLOCATING_ROLES) else [],
        duplicates=linked_duplicates(loaded.history),
    )




@router.get("/cases/<case_id>/evidence/<index>")
def evidence_viewer(case_id: str, index: str) -> Response:
    """One document, shown in the page by a pre-signed link that works for a few minutes only."""
    case = _case(case_id)
    evidence = case.application.evidence
    if not index.isdigit() or not 1 <= int(index) <= len(evidence):
        raise NotFoundError(f"Case {case_id} has no document {index}.")
    number = int(index)
    item = evidence[number - 1]
    link = evidence_links_for(case.council_code).link(case_evidence_prefix(case.council_code, case.case_id), item.key, item.content_type, item.filename)
    if link is None:
        raise NotFoundError(f"Case {case_id} has no document {index}.")
    return _render(
        "case/evidence.html", title=f"{_evidence_name(item.type.value)}, case {case.case_id}",
        evidence_origin=origin_of(link.url), case=case, item=item, number=number, count=len(evidence), link=link,
        name=_evidence_name(item.type.value),
    )


@router.get("/cases/<case_id>/national-record")
def national_record(case_id: str) -> Response:
    """The application as the national service sent it, kept with the case (nothing in it is lost), field by field in words."""
    case = _case(case_id)
    if case.application.national_format is None:
        raise NotFoundError(f"Case {case_id} did not come from the national service.")
    kept = evidence_files_for(case.council_code).read_if_there(original_key(case_evidence_prefix(case.council_code, case.case_id)))
    if kept is None:  # taken in before originals were kept
        raise NotFoundError(f"Case {case_id} has no national record kept.")
    return _render("case/national_record.html", title=f"National record, case {case.case_id}", case=case,
                   sections=record_in_words(json.loads(kept)))


EVIDENCE_NAMES = {
    "PROOF_ELIG": "Proof of eligibility", "SUPPORT_DOCS": "Supporting document", "PROOF_ADD": "Proof of address",
    "PROOF_ID": "Proof of identity", "PHOTO": "Photo",
}


def _evidence_name(evidence_type: str) -> str:
    return EVIDENCE_NAMES.get(evidence_type, evidence_type)


# ---------------------------------------------------------------- notes and assignment
@router.route("/cases/<case_id>/notes", method=["GET", "POST"])
def note(case_id: str) -> Response:
    require_any(router, *ASSESSING_ROLES, doing="Adding a note")
    case = _case(case_id)
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = note_case(_store(), case, form, caller(router))
        if not errors:
            return _done(case.case_id, "note")
    return _action_page("case/note.html", "Add a note", case, errors, form)


@router.route("/cases/<case_id>/assignment", method=["GET", "POST"])
def assignment(case_id: str) -> Response:
    """Claim an unassigned case, or release your own (team leaders may release anyone's); team leaders give it to a
    member of staff chosen from a list."""
    who = require_any(router, *EDITING_ROLES, doing="Working on cases")
    case = _case(case_id)
    claiming = claims(case, who)
    form = posted(router)
    giving = who.has_any(*ALLOCATING_ROLES)
    staff = _assignable_staff(case) if giving else []
    if router.current_event.http_method == "POST":
        if giving and form.get("give") == "yes":
            errors = give_to(_store(), case, form, who, staff)
            done = "assigned"
        else:
            errors = take_or_release(_store(), case, form, who)
            done = "claimed" if claiming else "released"
        if not errors:
            return _done(case.case_id, done)
        return _action_page("case/assignment.html", "Work on this case", case, errors, form, claiming=claiming, staff=staff)
    return _action_page("case/assignment.html", "Take this case" if claiming else "Release this case", case, Errors(), form,
                        claiming=claiming, staff=staff)


# Notes and assignment of any service's case (Blue Badge's above, adult social care's referral page): the errors to show
# with the form again, none once done.
def note_case(store: CaseStore, case: Case, form: Form, who: Caller) -> Errors:
    """Add the posted note to the case."""
    given, errors = _check(NoteInput, {"text": form.get("text")})
    if errors and not form.get("text"):
        errors = Errors({"text": "Enter the note"})
    if not errors:
        add_note(store, case.case_id, given.text, who, utcnow())
    return errors


def claims(case: Case, who: Caller) -> bool:
    """Whether the caller's "work on this case" takes it (unassigned, or a team leader's taking it from someone) or
    releases it (their own; a team leader may release anyone's)."""
    return case.assignee != who.user and (case.assignee is None or who.has_any(*ALLOCATING_ROLES))


def take_or_release(store: CaseStore, case: Case, form: Form, who: Caller) -> Errors:
    """Take the case, or release it (see `claims`). A case changed meanwhile raises StaleVersion."""
    given, errors = _check(AssignmentInput, {"expected_version": _version(form), "assignee": who.user if claims(case, who) else None})
    if not errors:
        assign(store, case.case_id, given.assignee, given.expected_version, who, utcnow())
    return errors


# ---------------------------------------------------------------- choosing a member of staff (any service's case)
GIVE_TO = "assignee"  # the picker's field, on the case page, the assignment page, the referral page and the team queue
NOT_ON_THE_LIST = "Choose a member of staff from the list"


@dataclass(frozen=True)
class StaffOption:
    email: str
    in_team: str | None  # the name of the case's team, for its members (listed first)


def staff_options(council_code: str, roles: tuple[Role, ...], team: str | None = None) -> list[StaffOption]:
    """The council's staff with `roles`, for a picker: the members of `team` first (where the case has a team), then the
    rest of the council's. Nobody else may be chosen (see `chosen_member`)."""
    directory = staff_directory()
    everyone = directory.members(council_code, roles)
    council = councils().get(council_code)
    team_name = next((known.name for known in council.teams if known.key == team), None) if council and team else None
    in_team = directory.members(council_code, roles, team=team) if team_name else []
    return ([StaffOption(email, team_name) for email in in_team]
            + [StaffOption(email, None) for email in everyone if email not in in_team])


def chosen_member(form: Form, staff: list[StaffOption], errors: Errors, field_id: str = GIVE_TO, blank: str = NOT_ON_THE_LIST) -> str | None:
    """The member of staff picked, refused (with GOV.UK's error on `field_id`) unless they are one of those listed."""
    picked = form.get(GIVE_TO).lower()
    if not picked:
        errors.add(field_id, blank)
    elif picked not in {option.email for option in staff}:
        errors.add(field_id, NOT_ON_THE_LIST)
    else:
        return picked
    return None


def _assignable_staff(case: Case) -> list[StaffOption]:
    return staff_options(case.council_code, EDITING_ROLES, case.team)


def give_to(store: CaseStore, case: Case, form: Form, who: Caller, staff: list[StaffOption]) -> Errors:
    """A team leader gives the case to the member of staff picked. A case changed meanwhile raises StaleVersion."""
    errors = Errors()
    person = chosen_member(form, staff, errors, blank="Choose who to give the case to")
    if person is not None:
        given, errors = _check(AssignmentInput, {"expected_version": _version(form), "assignee": person}, {"assignee": GIVE_TO})
    if not errors:
        assign(store, case.case_id, given.assignee, given.expected_version, who, utcnow())
    return errors


def _action_page(template: str, title: str, case: Case, errors: Errors, form: Form, **context: Any) -> Response:
    return action_page(router, template, title, case, errors, form, evidence_names=EVIDENCE_NAMES, **context)


def action_page(area_router: Router, template: str, title: str, case: Case, errors: Errors, form: Form, **context: Any) -> Response:
    """An action's form on any service's case: what was posted (or kept when a session ended, or saved) fills the fields again."""
    work = None if form.fields else saved_work(area_router)
    values = form.fields or (work.fields if work else {})
    return render_page(area_router, template, status=400 if errors else 200, title=title, case=case, errors=errors,
                       values=Form(values), **context)


# ---------------------------------------------------------------- moving a case to another team (any service's)
def move_team(store: CaseStore, council: CouncilConfig, case: Case, teams: list[Team], form: Form, who: Caller) -> Errors:
    """Team leaders' "Move to another team", posted from a service's case page (each service offers its `teams`): the
    errors to show with the form again, none once the case has moved. A case changed meanwhile raises StaleVersion."""
    if form.get("team") not in {team.key for team in teams} - {case.team}:
        return Errors({"team": "Select one of the teams listed to move the case to"})
    given, errors = _check(TeamInput, {"expected_version": _version(form), "team": form.get("team")})
    if not errors:
        move_to_team(store, council, case.case_id, given.team, given.expected_version, who, utcnow())
    return errors


def team_page(area_router: Router, council: CouncilConfig, case: Case, teams: list[Team], case_href: str, errors: Errors,
              form: Form) -> Response:
    """The move form on a page of its own, shown again with what was wrong (the form is on the case page too)."""
    names = {team.key: team.name for team in council.teams}
    return render_page(area_router, "case/team.html", status=400 if errors else 200, title="Move to another team", case=case,
                       teams=teams, team_name=names.get(case.team, case.team), action=area_router.current_event.path,
                       case_href=case_href, errors=errors, chosen=form.get("team"))


@router.route("/cases/<case_id>/team", method=["GET", "POST"])
def team(case_id: str) -> Response:
    case = _case(case_id)  # first, so that another council's case is the 404 of a case that does not exist, for every role
    who = require_any(router, *ALLOCATING_ROLES, doing="Moving a case to another team")
    council = councils().get(case.council_code)
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = move_team(_store(), council, case, council.teams, form, who)
        if not errors:
            return _done(case.case_id, "team-moved")
    return team_page(router, council, case, council.teams, f"/cases/{case.case_id}", errors, form)


# ---------------------------------------------------------------- the steps of the workflow
YES_NO = {"yes": True, "no": False}
AWARD_LETTER_INPUT = "pip-award-letter-date"  # PIP: the award letter's date (its Day field carries the errors)
# The one-page approval asks for no PIP points or letter date: a PIP award is confirmed on the proof check page.
PIP_ON_PROOF_CHECK_PAGE = ("Record the proof check of a PIP award on the proof check page, with the points and the date on "
                           "the award letter (it must be less than 12 months old)")


@router.route("/cases/<case_id>/proof-check", method=["GET", "POST"])
def proof_check(case_id: str) -> Response:
    require_any(router, *EDITING_ROLES, doing="Checking proof of eligibility")
    case = _case(case_id)
    form = posted(router)
    if router.current_event.http_method == "POST":
        errors = _required(form, {"confirmed": "Select yes if the proof shows the applicant meets the criterion"})
        letter_date = _date_input(form, AWARD_LETTER_INPUT, errors, "The award letter's date must be a real date, like 3 11 2026")
        if not errors:
            given, errors = _check(decisions.ProofCheckInput, {
                "expected_version": _version(form), "confirmed": YES_NO.get(form.get("confirmed"), form.get("confirmed")),
                "notes": form.get("notes") or None,
                "pip_moving_around_points": form.get("pip_moving_around_points") or None,  # PIP: the points on the award letter
                "pip_planning_journeys_descriptor": form.get("pip_planning_journeys_descriptor") or None,
                "pip_award_letter_date": letter_date}, {AWARD_LETTER_FIELD: f"{AWARD_LETTER_INPUT}-day"})
        if not errors:
            try:
                decisions.record_proof_check(_store(), workflows(), case.case_id, given, caller(router), utcnow())
                return _done(case.case_id, "proof-check")
            except InvalidStep as refused:
                errors.add(f"{AWARD_LETTER_INPUT}-day" if refused.field == AWARD_LETTER_FIELD else refused.field, refused.message)
        return _action_page("case/proof_check.html", "Record the proof check", case, errors, form)
    return _action_page("case/proof_check.html", "Record the proof check", case, Errors(), form)


@router.route("/cases/<case_id>/assessment", method=["GET", "POST"])
def assessment(case_id: str) -> Response:
    require_any(router, *ASSESSING_ROLES, doing="Recording an assessment")
    case = _case(case_id)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        errors = _required(form, {"outcome": "Select whether the applicant is eligible", "summary": "Enter what the assessment found and why"})
        if not errors:
            given, errors = _check(decisions.AssessmentInput, {
                "expected_version": _version(form), "outcome": form.get("outcome"), "summary": form.get("summary")})
        if not errors:
            decisions.record_assessment(_store(), workflows(), case.case_id, given, caller(router), utcnow())
            return _done(case.case_id, "assessment")
    return _action_page("case/assessment.html", "Record the assessment", case, errors, form, outcomes=list(AssessmentOutcome))


@router.route("/cases/<case_id>/referral", method=["GET", "POST"])
def referral(case_id: str) -> Response:
    require_any(router, *EDITING_ROLES, doing="Referring a case")
    case = _case(case_id)
    form = posted(router)
    errors = Errors()
    assessors = staff_options(case.council_code, (Role.ASSESSOR,), case.team)
    if router.current_event.http_method == "POST":
        withdrawing = form.get("withdraw") == "yes"
        assessor = None if withdrawing else chosen_member(form, assessors, errors, blank="Choose the assessor to refer the case to")
        if not errors:
            given, errors = _check(ReferralInput, {"expected_version": _version(form), "assessor": assessor}, {"assessor": GIVE_TO})
        if not errors:
            refer(_store(), case.case_id, given.assessor, given.expected_version, caller(router), utcnow())
            return _done(case.case_id, "referral-withdrawn" if withdrawing else "referral")
    return _action_page("case/referral.html", "Refer to an assessor", case, errors, form, staff=assessors)


@router.route("/cases/<case_id>/information-request", method=["GET", "POST"])
def information_request(case_id: str) -> Response:
    require_any(router, *EDITING_ROLES, doing="Asking the applicant for information")
    case = _case(case_id)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        codes = form.all("items")
        errors = _required(form, {"items": "Select what the applicant needs to send"})
        if not errors:
            items = [{"code": code, "note": form.get(f"note-{code}") or None} for code in codes]
            given, errors = _check(decisions.InformationRequestInput, {"expected_version": _version(form), "items": items},
                                   {f"items.{number}.note": f"note-{code}" for number, code in enumerate(codes)})
        if not errors:
            decisions.request_information(_store(), workflows(), case.case_id, given, caller(router), utcnow())
            return _done(case.case_id, "information-request")
    kinds = [(code.value, DESCRIPTIONS[code]) for code in MissingCode]
    return _action_page("case/information_request.html", "Ask the applicant for information", case, errors, form, kinds=kinds)


@router.route("/cases/<case_id>/information-received", method=["GET", "POST"])
def information_received(case_id: str) -> Response:
    """Documents seen and returned, and answers, that came by post or in person: recorded as supplied, then back to the case."""
    who = require_any(router, *EDITING_ROLES, doing="Recording information received")
    case = _case(case_id)
    form = posted(router)
    errors = Errors()
    query = router.current_event.query_string_parameters or {}
    scans = case_scans(who.user, case, query)  # documents scanned on this page (web/scans.py), kept until sent
    if router.current_event.http_method == "POST":
        for field_id, message in information.record_received(
            _store(), councils().get(case.council_code), workflows(), case, {name: form.get(name) for name in form.fields},
            form.all(information.SEEN_FIELD), _version(form), who.actor, utcnow(), scans.kept,
        ).items():
            errors.add(field_id, message)
        if not errors:
            forget_case_scans(who.user, case.case_id)
            return _done(case.case_id, "information-received")
    refused_message(query, scans.sections, errors)
    return _action_page("case/information_received.html", "Record information received", case, errors, form,
                        offered=information.ReceivedItems(case), scans=scans.sections, evidence_origin=scans.evidence_origin,
                        just_uploaded=just_uploaded(query, scans.sections, errors))


def _pence(text: str) -> int | str:
    """£10 or 10.50 as pence; anything else is passed on for the model to refuse."""
    try:
        amount = Decimal(text.replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        return text
    return int(amount * 100) if amount == amount.quantize(Decimal("0.01")) else text


@router.route("/cases/<case_id>/payment", method=["GET", "POST"])
def payment(case_id: str) -> Response:
    require_any(router, *EDITING_ROLES, doing="Recording a payment")
    case = _case(case_id)
    council = councils().get(case.council_code)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        errors = _required(form, {"amount": "Enter the amount paid", "reference": "Enter the payment reference"})
        if not errors:
            given, errors = _check(decisions.PaymentInput, {
                "expected_version": _version(form), "amount_pence": _pence(form.get("amount")), "reference": form.get("reference"),
                "method": form.get("method") or "CARD"}, {"amount_pence": "amount"})
            if errors and "amount" in errors.by_field:
                errors.by_field["amount"] = "Enter the amount paid in pounds and pence, like 10.00"
        if not errors:
            try:
                decisions.record_payment(_store(), workflows(), council, case.case_id, given, caller(router), utcnow())
                return _done(case.case_id, "payment")
            except InvalidStep:
                errors.add("amount", f"The amount is less than the fee of £{fee_for(case.application, council) / 100:.2f}")
    return _action_page("case/payment.html", "Record the payment", case, errors, form,
                        fee=fee_for(case.application, council) / 100 if council else 0)


@router.route("/cases/<case_id>/review-request", method=["GET", "POST"])
def review_request(case_id: str) -> Response:
    require_any(router, *EDITING_ROLES, doing="Recording a review request")
    case = _case(case_id)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        errors = _required(form, {"grounds": "Enter why the applicant thinks the refusal is wrong"})
        if not errors:
            given, errors = _check(decisions.ReviewRequestInput, {"expected_version": _version(form), "grounds": form.get("grounds")})
        if not errors:
            decisions.request_review(_store(), workflows(), case.case_id, given, caller(router), utcnow())
            return _done(case.case_id, "review-request")
    return _action_page("case/review_request.html", "Record a review request", case, errors, form)


@router.route("/cases/<case_id>/recovery", method=["GET", "POST"])
def resume_workflow(case_id: str) -> Response:
    """Confirm, then start the case's stopped workflow again from the step the case is at."""
    case = _case(case_id)  # first, so that another council's case is the 404 of a case that does not exist, for every role
    who = require_any(router, Role.COUNCIL_ADMIN, doing="Resuming a case's workflow")
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        errors = resume(_store(), case, form, who)
        if not errors:
            return _done(case.case_id, "workflow-resumed")
    return _action_page("case/recovery.html", "Resume the workflow", case, errors, form)


def resume(store: CaseStore, case: Case, form: Form, who: Caller) -> Errors:
    """A council admin's "Resume the workflow" on any service's case: the errors to show again, none once restarted."""
    given, errors = _check(recovery.RecoveryInput, {"expected_version": _version(form)})
    if not errors:
        try:
            recovery.recover(store, workflows(), councils().get(case.council_code), case.case_id, given, who, utcnow())
        except recovery.NothingToRecover:
            errors.add("expected_version", "The workflow of this case is not stopped: there is nothing to resume")
    return errors


# ---------------------------------------------------------------- deciding, and reviewing a refusal: one journey
@dataclass(frozen=True)
class OutcomeJourney:
    """Choose the outcome, give its details (the badge order, or the reasons), check the answers, send.

    Each step's answers are kept as a draft under that step's path until the last one is sent."""

    slug: str
    title: str
    approve: str  # the outcome that orders a badge
    refuse: str  # the outcome that needs reasons
    approve_label: str
    refuse_label: str
    model: type[decisions.DecisionInput] | type[decisions.ReviewInput]
    send: Callable[..., Case | None]

    def path(self, case_id: str, step: str = "") -> str:
        return f"/cases/{case_id}/{self.slug}" + (f"/{step}" if step else "")


DECIDING = OutcomeJourney("decision", "Decide the application", DecisionOutcome.APPROVE.value, DecisionOutcome.REFUSE.value,
                          "Approve and order the badge", "Refuse", decisions.DecisionInput, decisions.decide)
REVIEWING = OutcomeJourney("review", "Review the refusal", ReviewOutcome.OVERTURN.value, ReviewOutcome.UPHOLD.value,
                           "Overturn the refusal and order the badge", "Uphold the refusal", decisions.ReviewInput, decisions.review)
ORDER_FIELDS = {"order.start_date": "start-date-day", "order": "delivery-option", "order.deliver_to": "deliver-to",
                "order.delivery_option": "delivery-option", "": "reasons"}


def _rule_field(refused: InvalidStep) -> str:
    """The input a badge rule's refusal is about; rules about the person (one badge each) point at the start of the order."""
    return ORDER_FIELDS.get(refused.field, "start-date-day")


def _cancelling(case: Case) -> bool:
    return case.application.application_type is ApplicationType.CANCEL


def _draft(journey: OutcomeJourney, case_id: str, step: str = "") -> Form:
    work = saved_work(router, journey.path(case_id, step))
    return Form(work.fields if work else {})


def _start_date(form: Form, errors: Errors) -> str | None:
    """The start date input as an ISO date; blank means today."""
    return _date_input(form, "start-date", errors, "Start date must be a real date, like 1 12 2026")


def _date_input(form: Form, prefix: str, errors: Errors, not_a_date: str) -> str | None:
    """A GOV.UK date input's three fields as an ISO date (None when blank); an error on its Day field if not a real date."""
    day, month, year = (form.get(f"{prefix}-{part}") for part in ("day", "month", "year"))
    if not (day or month or year):
        return None
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        errors.add(f"{prefix}-day", not_a_date)
        return None


def _order(form: Form, errors: Errors) -> dict[str, Any]:
    return {"start_date": _start_date(form, errors), "deliver_to": form.get("deliver-to") or "HOME",
            "delivery_option": form.get("delivery-option") or "STANDARD"}


def _reasons(form: Form) -> list[str]:
    """The council's standard reasons picked, then those typed, one a line."""
    return [*form.all(STANDARD_REASON), *(line.strip() for line in form.get("reasons").splitlines() if line.strip())]


STANDARD_REASON = "standard-reason"  # a checkbox per reason of the council's list (its Blue Badge `refusal_reasons`)


def _journey_input(journey: OutcomeJourney, case_id: str) -> tuple[Any, Errors, Form, Form]:
    """The whole journey's answers from its drafts, checked by the API's model."""
    chosen = _draft(journey, case_id)
    approving = chosen.get("outcome") == journey.approve
    details = _draft(journey, case_id, "order" if approving else "reasons")
    errors = Errors()
    data: dict[str, Any] = {"expected_version": chosen.get("expected_version"), "outcome": chosen.get("outcome")}
    if approving:
        data["order"] = _order(details, errors)
    else:
        data["reasons"] = _reasons(details)
    given, problems = _check(journey.model, data, ORDER_FIELDS)
    for field_id, message in problems.by_field.items():
        errors.add(field_id, message)
    return given, errors, chosen, details


def _register(journey: OutcomeJourney) -> None:
    roles = EDITING_ROLES

    @router.route(f"/cases/<case_id>/{journey.slug}", method=["GET", "POST"])
    def choose(case_id: str) -> Response:
        require_any(router, *roles, doing=journey.title)
        case = _case(case_id)
        form = posted(router)
        errors = Errors()
        if router.current_event.http_method == "POST":
            errors = _required(form, {"outcome": "Select the outcome"})
            if form.get("outcome") and form.get("outcome") not in (journey.approve, journey.refuse):
                errors.add("outcome", "Select the outcome")
            if not errors:
                save_draft(router)
                if form.get("outcome") == journey.refuse:
                    return redirect(journey.path(case.case_id, "reasons"))
                # Approving a cancellation request cancels the badge: there is no badge to order.
                return redirect(journey.path(case.case_id, "check" if _cancelling(case) else "order"))
        values = form if form.fields else _draft(journey, case.case_id)
        return _render("case/outcome.html", status=400 if errors else 200, title=journey.title, case=case, errors=errors,
                           values=values, journey=journey)

    @router.route(f"/cases/<case_id>/{journey.slug}/<step>", method=["GET", "POST"])
    def details(case_id: str, step: str) -> Response:
        require_any(router, *roles, doing=journey.title)
        if step == "check":
            return check(case_id)
        if step not in ("order", "reasons"):
            raise NotFoundError("There is no such page.")
        case = _case(case_id)
        chosen = _draft(journey, case.case_id)
        if not chosen.get("outcome"):
            return redirect(journey.path(case.case_id))
        form = posted(router)
        errors = Errors()
        if router.current_event.http_method == "POST":
            if step == "reasons":
                standard = badge_settings(councils().get(case.council_code)).refusal_reasons
                errors = _required(form, {} if form.all(STANDARD_REASON) else {
                    "reasons": f"{'Select or enter' if standard else 'Enter'} the reasons, which the applicant is told"})
                data: dict[str, Any] = {"reasons": _reasons(form)}
            else:
                data = {"order": _order(form, errors)}
            outcome = journey.approve if step == "order" else journey.refuse
            if not errors:
                given, errors = _check(journey.model, {"expected_version": chosen.get("expected_version"), "outcome": outcome, **data},
                                       ORDER_FIELDS | {f"reasons.{number}": "reasons" for number in range(10)})
                if "reasons" in errors.by_field and step == "reasons":
                    errors.by_field["reasons"] = "Give up to 10 reasons, one on each line, each 200 characters or fewer"
                if "delivery-option" in errors.by_field:
                    errors.by_field["delivery-option"] = "Fast track is only for badges sent to the holder's home"
            if not errors and step == "order":
                try:  # the badge rules (start not in the past, award end, one badge per person) now, not after the check
                    decisions.check_order(_store(), case, given.order, utcnow(), "order")
                except InvalidStep as refused:
                    errors.add(_rule_field(refused), refused.message)
            if not errors:
                save_draft(router)
                return redirect(journey.path(case.case_id, "check"))
        values = form if form.fields else _draft(journey, case.case_id, step)
        return _render(f"case/outcome_{step}.html", status=400 if errors else 200,
                           title=journey.title, case=case, errors=errors, values=values, journey=journey,
                           standard_reasons=badge_settings(councils().get(case.council_code)).refusal_reasons if step == "reasons" else ())

    def check(case_id: str) -> Response:
        case = _case(case_id)
        given, errors, chosen, details_form = _journey_input(journey, case.case_id)
        if not chosen.get("outcome"):
            return redirect(journey.path(case.case_id))
        if router.current_event.http_method == "POST" and not errors:
            try:
                journey.send(_store(), workflows(), case.case_id, given, caller(router), utcnow())
            except InvalidStep as refused:
                errors.add(_rule_field(refused), refused.message)
            else:
                for step in ("", "order", "reasons"):
                    discard_drafts(router, journey.path(case.case_id, step))
                return redirect(done_path(case.case_id, journey.slug))
        approving = chosen.get("outcome") == journey.approve
        return _render("case/outcome_check.html", status=400 if errors else 200, title="Check your answers",
                           case=case, errors=errors, journey=journey, approving=approving, cancelling=_cancelling(case), given=given,
                           reasons=_reasons(details_form), order=_order(details_form, Errors()),
                           expected_version=chosen.get("expected_version"))


for _journey in (DECIDING, REVIEWING):
    _register(_journey)


# ---------------------------------------------------------------- automatic routes: proof confirmed, approve and order
APPROVE = "approve"
DECISION_WAIT_SECONDS = 18.0  # how long the check page waits for the workflow to bring the case to its decision (web: 25 s)
DECISION_POLL_SECONDS = 0.25


ORDER_INPUTS = ("start-date-", "deliver-to", "delivery-option")  # the order's fields, shared with the decision's order page


def _approve_path(case_id: str, step: str = "") -> str:
    return f"/cases/{case_id}/{APPROVE}" + (f"/{step}" if step else "")


def _approval(case: Case, form: Form, errors: Errors) -> tuple[decisions.ProofCheckInput | None, decisions.DecisionInput | None]:
    """The page's answers as the two steps' own inputs (the API's models), the badge rules checked now."""
    if form.get("confirmed") != "yes":
        errors.add("confirmed", "Select the box to confirm the proof shows the applicant meets the criterion")
    order = _order(form, errors)
    proof, problems = _check(decisions.ProofCheckInput, {"expected_version": _version(form), "confirmed": True,
                                                         "notes": form.get("notes") or None})
    decision, order_problems = _check(decisions.DecisionInput, {"expected_version": _version(form), "outcome": DecisionOutcome.APPROVE.value,
                                                               "order": order}, ORDER_FIELDS)
    for field_id, message in (problems.by_field | order_problems.by_field).items():
        errors.add(field_id, message)
    if "delivery-option" in errors.by_field:
        errors.by_field["delivery-option"] = "Fast track is only for badges sent to the holder's home"
    if not errors:
        try:
            decisions.check_proof(case, proof, utcnow().date())
        except InvalidStep:
            errors.add("confirmed", PIP_ON_PROOF_CHECK_PAGE)
    if not errors:
        try:  # the badge rules (start not in the past, award end, one badge per person) now, not after the check
            decisions.check_order(_store(), case, decision.order, utcnow(), "order")
        except InvalidStep as refused:
            errors.add(_rule_field(refused), refused.message)
    return (proof, decision) if not errors else (None, None)


@router.route("/cases/<case_id>/approve", method=["GET", "POST"])
def approve(case_id: str) -> Response:
    """Automatic routes: confirm the proof, and approve and order the badge, on one page; then check your answers."""
    require_any(router, *EDITING_ROLES, doing="Approving an application")
    case = _case(case_id)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        _approval(case, form, errors)
        if not errors:
            save_draft(router)
            return redirect(_approve_path(case.case_id, "check"))
    values = form if form.fields else _draft_of(_approve_path(case.case_id))
    return _render("case/approve.html", status=400 if errors else 200, title="Proof confirmed – approve and order", case=case,
                   errors=errors, values=values)


@router.route("/cases/<case_id>/approve/check", method=["GET", "POST"])
def approve_check(case_id: str) -> Response:
    """Check your answers, then the same steps as one by one: the proof check (on the version the caseworker saw), and,
    once the workflow has brought the case to its decision, the approval, whose workflow orders the badge."""
    who = require_any(router, *EDITING_ROLES, doing="Approving an application")
    case = _case(case_id)
    answers = _draft_of(_approve_path(case.case_id))
    errors = Errors()
    proof, decision = _approval(case, answers, errors)
    if not answers.fields or errors:  # nothing kept (or no longer right, e.g. the start date has passed): answer again
        return redirect(_approve_path(case.case_id))
    if router.current_event.http_method == "POST":
        decisions.record_proof_check(_store(), workflows(), case.case_id, proof, who, utcnow())  # a stale version: the 409 page
        discard_drafts(router, _approve_path(case.case_id))
        waiting = _at_decision(case.case_id)
        if waiting is None:  # the decision journey starts with these answers, once the workflow has caught up
            draft_store().save(who.user, DECIDING.path(case.case_id), {"outcome": [DECIDING.approve]})
            draft_store().save(who.user, DECIDING.path(case.case_id, "order"),
                               {name: values for name, values in answers.fields.items() if name.startswith(ORDER_INPUTS)})
            return redirect(done_path(case.case_id, "proof-check-waiting"))
        try:
            decisions.decide(_store(), workflows(), case.case_id, decision.model_copy(update={"expected_version": waiting.version}), who,
                             utcnow())
        except InvalidStep:  # a badge rule that changed between the check and now (e.g. another badge was ordered)
            return redirect(done_path(case.case_id, "proof-check-not-approved"))
        return redirect(done_path(case.case_id, "approved-fee-due" if fee_due(case.application, councils().get(case.council_code)) else "approved"))
    return _render("case/approve_check.html", title="Check your answers", case=case, errors=errors,
                   expected_version=answers.get("expected_version"), notes=proof.notes, order=decision.order)


def _draft_of(path: str) -> Form:
    work = saved_work(router, path)
    return Form(work.fields if work else {})


def _at_decision(case_id: str) -> Case | None:
    """The case once its workflow waits for the decision (a GetItem every quarter second); None if it has not in time."""
    deadline = time.monotonic() + DECISION_WAIT_SECONDS
    while True:
        case = _store().get(case_id)
        if case is not None and case.stage is Stage.DECISION and case.task_token:
            return case
        if time.monotonic() >= deadline:
            return None
        time.sleep(DECISION_POLL_SECONDS)


# ---------------------------------------------------------------- badges of the case
@router.route("/cases/<case_id>/badges/<badge_number>/cancel", method=["GET", "POST"])
def cancel(case_id: str, badge_number: str) -> Response:
    require_any(router, *EDITING_ROLES, doing="Cancelling a badge")
    case = _case(case_id)
    badge = _badge(case, badge_number)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        errors = _required(form, {"reason": "Select why the badge is cancelled"})
        if not errors:
            given, errors = _check(CancelBadgeInput, {"expected_version": _version(form), "reason": form.get("reason")})
        if not errors:
            try:
                cancel_badge(_store(), badge.badge_number, given, caller(router), utcnow())
                return _done(case.case_id, "badge-cancelled")
            except BadgeNotChangeable as refused:
                errors.add("reason", refused.reason)
    return _action_page("case/badge_cancel.html", f"Cancel badge {badge.badge_number}", case, errors, form, badge=badge,
                        reasons=list(CancelReason))


@router.route("/cases/<case_id>/badges/<badge_number>/replace", method=["GET", "POST"])
def replace(case_id: str, badge_number: str) -> Response:
    who = require_any(router, *EDITING_ROLES, doing="Replacing a badge")
    case = _case(case_id)
    badge = _badge(case, badge_number)
    council = councils().get(case.council_code)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        errors = _required(form, {"reason": "Select why the badge is replaced", "channel": "Select how the request reached you"})
        if form.get("reason") == ReplaceReason.STOLE and not form.get("crime-reference"):
            errors.add("crime-reference", "Enter the crime reference the police gave")
        payment = {"amount_pence": _pence(form.get("amount")), "reference": form.get("reference") or None, "paid": True} if form.get("amount") else None
        if not errors:
            given, errors = _check(ReplaceBadgeInput, {"reason": form.get("reason"), "crime_reference": form.get("crime-reference") or None,
                                                      "channel": form.get("channel"), "payment": payment},
                                   {"crime_reference": "crime-reference", "payment.amount_pence": "amount", "payment.reference": "reference"})
        if not errors:
            try:
                outcome = replace_badge(_store(), intake_service(), badge.badge_number, given, who, utcnow())
            except ReplacementNotPossible as refused:
                errors.add("reason", "; ".join(reason.message for reason in refused.reasons))
            else:
                return _done(case.case_id, "badge-replaced", **({NEW_CASE_PARAMETER: outcome.case_id} if outcome.case_id else {}))
    return _action_page("case/badge_replace.html", f"Replace badge {badge.badge_number}", case, errors, form, badge=badge,
                        reasons=list(ReplaceReason), channels=list(Channel), charges_fee=bool(council and badge_settings(council).charges_fee))


HOLDER_FIELDS = ("forenames", "surname")
ADDRESS_FIELDS = ("line1", "line2", "town", "postcode")


@router.route("/cases/<case_id>/badges/<badge_number>/reorder", method=["GET", "POST"])
def reorder(case_id: str, badge_number: str) -> Response:
    """Correct what the printer rejected (the holder's name or address as printed) and order the badge again."""
    require_any(router, *EDITING_ROLES, doing="Ordering a badge again")
    case = _case(case_id)
    badge = _badge(case, badge_number)
    form = posted(router)
    errors = Errors()
    if router.current_event.http_method == "POST":
        given, errors = _check(ReorderBadgeInput, {"expected_version": _version(form), "holder": _corrections(badge, form)},
                               {f"holder.{name}": name for name in HOLDER_FIELDS} | {f"holder.address.{name}": name for name in ADDRESS_FIELDS})
        if not errors:
            try:
                reorder_badge(_store(), badge.badge_number, given, caller(router), utcnow())
                return _done(case.case_id, "badge-reordered")
            except BadgeNotChangeable as refused:
                errors.add(refused.field if refused.field in (*HOLDER_FIELDS, *ADDRESS_FIELDS) else "forenames", refused.reason)
    holder = badge.holder
    current = {name: getattr(holder, name) or "" for name in HOLDER_FIELDS} if holder else {}
    if holder and holder.address:
        current |= {name: getattr(holder.address, name) or "" for name in ADDRESS_FIELDS}
    values = form if form.fields else Form({name: [value] for name, value in current.items()})
    return _render("case/badge_reorder.html", status=400 if errors else 200, title=f"Order badge {badge.badge_number} again",
                       case=case, badge=badge, errors=errors, values=values)


def _corrections(badge: Badge, form: Form) -> dict[str, Any] | None:
    """Only what the caseworker changed is sent: the service applies corrections field by field."""
    if badge.holder is None:
        return None
    changed: dict[str, Any] = {name: form.get(name) or None for name in HOLDER_FIELDS
                               if (form.get(name) or None) != getattr(badge.holder, name)}
    address = badge.holder.address
    moved = {name: form.get(name) or None for name in ADDRESS_FIELDS
             if (form.get(name) or None) != (getattr(address, name) if address else None)}
    if moved:
        changed["address"] = moved
    return changed or None


# ---------------------------------------------------------------- what was done, in a banner on the case page
DONE_PARAMETER = "done"  # /cases/<id>?done=<key of CONFIRMATIONS>
NEW_CASE_PARAMETER = "new"  # the replacement a badge's Replace opened (shown only as a case id)
CONFIRMATIONS = {
    "note": ("Note added", "The note is on the case."),
    "claimed": ("Case taken", "The case is in your work."),
    "released": ("Case released", "The case is back in the team queue."),
    "assigned": ("Case assigned", "The case is in {assignee}'s work."),
    "proof-check": ("Proof check recorded", "The case moves on to the decision."),
    "assessment": ("Assessment recorded", "The case moves on to the decision."),
    "referral": ("Case referred", "{referred_to} can now see the case and record the assessment."),
    "referral-withdrawn": ("Referral withdrawn", "The assessor no longer sees the case."),
    "information-request": ("Information asked for", "We will email the applicant what is needed. When they answer, the case is "
                                                      "screened again and comes back to the team."),
    "information-received": ("Information recorded", "What arrived is on the case; the case is checked again for anything still missing."),
    "payment": ("Payment recorded", "The badge will be ordered for the next print run."),
    "review-request": ("Review request recorded", "A caseworker other than the one who refused will review the case."),
    "decision": ("Decision sent", "We will email the applicant the decision."),
    "approved": ("Proof confirmed and application approved", "The badge is ordered for the next print run. We will email the applicant."),
    "approved-fee-due": ("Proof confirmed and application approved", "The badge is ordered once the fee is paid: record the payment "
                                                                     "when it arrives. We will email the applicant."),
    "proof-check-waiting": ("Proof check recorded", "The application is not approved yet: the workflow has not brought the case "
                                                    "to its decision. Reload this page in a moment, then decide the application: "
                                                    "your badge order is kept."),
    "proof-check-not-approved": ("Proof check recorded", "The application could not be approved: a badge rule refused the order. "
                                                         "Decide the application to see why."),
    "review": ("Review sent", "We will email the applicant the outcome of the review."),
    "badge-cancelled": ("Badge cancelled", "The badge can no longer be used."),
    "badge-reordered": ("Badge ordered again", "It goes to the printer in the next print run."),
    "badge-replaced": ("Replacement opened", "A replacement application has been opened from this badge."),
    "workflow-resumed": ("Workflow resumed", "The case carries on from the step it stopped at."),
    "team-moved": ("Case moved to another team", "The case is in its new team's queues."),
    "duplicate-linked": ("Linked as duplicates", "Both applications show the link in their history. Decide one, and withdraw the other."),
    "withdrawn": ("Application withdrawn", "The case is closed and its workflow has stopped."),
}


@dataclass(frozen=True)
class Confirmation:
    heading: str
    text: str
    new_case: str | None


def _confirmation(case: Case) -> Confirmation | None:
    """The banner named by ?done=: its words are the service's own, filled in from the case (never from the address)."""
    given = router.current_event.query_string_parameters or {}
    key = given.get(DONE_PARAMETER, "")
    if key not in CONFIRMATIONS:
        return None
    heading, text = CONFIRMATIONS[key]
    new_case = given.get(NEW_CASE_PARAMETER, "")
    return Confirmation(heading, text.format(assignee=case.assignee or "nobody", referred_to=case.referred_to or "The assessor"),
                        new_case if key == "badge-replaced" and CASE_ID.match(new_case) else None)
