"""Adult social care triage, staff side: the screening queue of each team with its routing clock, the referral page,
and the screening form where a screening officer confirms or overrides the triage recommendation.

Every page is for the staff of a council that runs the service: for anyone else, and for a case that is not one of the
council's referrals, they answer as an unknown address does (404). The screening form carries the version of the case
it was rendered with, and the service refuses it (the "has changed" page) when the case moved on meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import ValidationError

from shared.bootstrap import councils, question_sets_for, store_for, workflows
from shared.core.adapters.case_store import (
    CaseStore,
    InvalidCursor,
    QueueFilter,
    StaleVersion,
)
from shared.core.domain.case import CASE_ID_PATTERN, utcnow
from shared.core.domain.council import CouncilConfig, Team
from shared.core.domain.history import readable_history
from shared.core.logic.case_actions import actions_on
from shared.core.logic.casework import EDITING_ROLES, can_see, view_case
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.registry import SERVICES
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.domain.business_hours import (
    LONDON,
    ClockState,
)
from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.services.asc_triage.domain.case import (
    RECOMMENDED_OUTCOME,
    ReferralCase,
    ReferralStage,
    ScreeningOutcome,
)
from shared.services.asc_triage.domain.questions import QuestionSet, UnableWay
from shared.services.asc_triage.domain.referral import Referral, ReferralFor
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.triage import TriageRoute
from shared.services.asc_triage.logic.existing_customers import existing_cases
from shared.services.asc_triage.logic.screening import (
    ScreeningInput,
    overrides_recommendation,
    routing_teams,
    screen,
)
from shared.core.logic.steps import InvalidStep, StepNotOpen
from web.forms import Errors, Form, errors_from
from web.page import (
    LEADER_ROLES,
    caller,
    discard_drafts,
    posted,
    render_page,
    require_any,
    saved_work,
)
from web.pages.cases import (
    ASSESSING_ROLES,
    action_page,
    claims,
    give_to,
    move_team,
    note_case,
    resume,
    staff_options,
    take_or_release,
    team_page,
)
from web.rendering import redirect
from shared.services.asc_triage.domain.routing_watch import routing_clock

router = Router()

CASE_ID = re.compile(CASE_ID_PATTERN)
PAGE_SIZE = 25
QUEUE_STAGES = (ReferralStage.SCREENING, ReferralStage.AWAITING_INFORMATION, ReferralStage.ROUTED, ReferralStage.SIGNPOSTED,
                ReferralStage.CLOSED)
REFERRER_KINDS = {"SELF": "The person themselves", "FAMILY_OR_FRIEND": "Family member or friend", "PROFESSIONAL": "Professional"}
RECOMMENDATIONS = {TriageRoute.URGENT: ("Urgent", "red"), TriageRoute.LIKELY_ELIGIBLE: ("Likely eligible", "blue"),
                   TriageRoute.SUPPORT_NEEDS: ("Support needs", "grey")}
CLOCK_TAGS = {ClockState.ON_TIME: ("On time", "green"), ClockState.DUE_SOON: ("Due soon", "yellow"),
              ClockState.OVERDUE: ("Overdue", "red")}
OUTCOMES = {ScreeningOutcome.ROUTE: "Route to a team", ScreeningOutcome.SIGNPOST: "Signpost to community support",
            ScreeningOutcome.CLOSE: "Close: no further action, or linked to an existing case",
            ScreeningOutcome.ASK_REFERRER: "Ask the referrer for more information"}
SCREENED = {ScreeningOutcome.ROUTE: "The referral is routed to {team}.",
            ScreeningOutcome.SIGNPOST: "The referral is signposted to community support.",
            ScreeningOutcome.CLOSE: "The referral is closed.",
            ScreeningOutcome.ASK_REFERRER: "The referrer is asked for more information. The referral comes back for "
                                           "screening when they answer."}
CHANGED = "This referral has changed since you opened it"
TRY_AGAIN = "Someone else has updated it. Go back to the referral to see the latest version, then try again."
STALE = "Someone else has updated it. Go back to the referral to see the latest version, then screen it again."
NOT_WAITING = "This referral is not waiting for screening"
MOVED_ON = "It has been screened already, or its workflow has moved it on. Go back to the referral to see where it is."
SCREENING_FIELDS = ("outcome", "team", "linked_case_id", "question", "reason")


# ---------------------------------------------------------------- the council, its teams, the referral
def _council() -> CouncilConfig:
    """The caller's council, when it runs adult social care triage; otherwise these pages do not exist for them."""
    who = caller(router)
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError("If you typed the web address, check it is correct.")
    return council


def team_names(council: CouncilConfig) -> dict[str, str]:
    return {team.key: team.name for team in council.teams}


def referral_teams(council: CouncilConfig) -> list[Team]:
    """The teams a referral may be moved to: those with a referral queue (in another team's it would be seen nowhere)."""
    keys = triage_settings(council).queued_teams()
    return [team for team in council.teams if team.key in keys]


def _referral(store: CaseStore, case_id: str, who: Caller | None = None) -> ReferralCase:
    """The council's referral, or 404; given `who`, only one they may see (as on the referral page, whose notes and
    assignment need no more than seeing it: an assessor sees only cases referred to them)."""
    case = store.get(case_id) if CASE_ID.match(case_id) else None
    if not isinstance(case, ReferralCase) or (who is not None and not can_see(who, case)):
        raise NotFoundError(f"There is no referral {case_id}.")
    return case


def _acting_on(case_id: str, *roles: Role, doing: str) -> tuple[CouncilConfig, CaseStore, ReferralCase, Caller]:
    """The caller's council, its referral and the caller, for a step on the referral: the referral is found first, so
    that another council's referral is a 404 for every role, then the caller's role is checked."""
    council = _council()
    store = store_for(council.code)
    case = _referral(store, case_id, caller(router))
    return council, store, case, require_any(router, *roles, doing=doing)


# ---------------------------------------------------------------- the routing clock
@dataclass(frozen=True)
class ClockView:
    due_at: datetime  # Europe/London
    state: ClockState | None  # None: stopped, the referral was routed, signposted or closed
    hours_left: float  # business hours; negative once overdue

    @property
    def tag(self) -> tuple[str, str] | None:
        return CLOCK_TAGS[self.state] if self.state else None

    @property
    def hours_text(self) -> str:
        hours = f"{abs(self.hours_left):g}"
        unit = "business hour" if hours == "1" else "business hours"
        return f"{hours} {unit} overdue" if self.hours_left < 0 else f"{hours} {unit} left"


def clock_of(case: ReferralCase | ReferralQueueRow, council: CouncilConfig, now: datetime) -> ClockView:
    clock = routing_clock(case, council)  # the clock the routing alarm watches
    return ClockView(clock.due_at.astimezone(LONDON), None if case.is_closed else clock.state(now),
                     round(clock.remaining_hours(now), 1))


def london(moment: datetime | None) -> datetime | None:
    return moment.astimezone(LONDON) if moment else None


# ---------------------------------------------------------------- the screening queue
@dataclass(frozen=True)
class QueueRow:
    case: ReferralQueueRow  # the referral's line as the queue index holds it
    clock: ClockView


def _query() -> dict[str, list[str]]:
    given = router.current_event.multi_value_query_string_parameters or {}
    return {name: [value.strip() for value in values if value.strip()] for name, values in given.items()}


def _one(given: dict[str, list[str]], name: str) -> str:
    return (given.get(name) or [""])[-1]


def pagination(cursor: str, earlier: list[str], next_cursor: str | None, link: Callable[[dict[str, list[str]]], str]) -> dict[str, Any]:
    """govukPagination's params for a cursor-paged queue: `earlier` holds the cursors of the pages before this one
    ("-" for the first page, whose cursor is empty), so "Previous" needs no cursor going backwards."""
    pages: dict[str, Any] = {}
    number = len(earlier) + 1
    if cursor:
        previous = earlier[-1] if earlier else "-"
        pages["previous"] = {"href": link({"cursor": ["" if previous == "-" else previous], "prev": earlier[:-1]}),
                             "labelText": f"Page {number - 1}"}
    if next_cursor:
        pages["next"] = {"href": link({"cursor": [next_cursor], "prev": [*earlier, cursor or "-"]}), "labelText": f"Page {number + 1}"}
    return pages


@router.get("/referrals")
def referral_queue() -> Response:
    council = _council()
    given = _query()
    settings = triage_settings(council)
    values = {"team": _one(given, "team") or settings.team, "stage": _one(given, "stage") or ReferralStage.SCREENING.value,
              "recommendation": _one(given, "recommendation")}
    errors = Errors()
    if values["team"] not in triage_settings(council).queued_teams():
        errors.add("team", "Choose one of the teams listed")
    if values["stage"] not in {stage.value for stage in QUEUE_STAGES}:
        errors.add("stage", "Choose one of the stages listed")
    if values["recommendation"] and values["recommendation"] not in TriageRoute.__members__:
        errors.add("recommendation", "Choose one of the recommendations listed")
    rows, pages, number = [], {}, 1
    if not errors:
        wanted = QueueFilter(stage=ReferralStage(values["stage"]), team=values["team"],
                             filters={"recommendation": values["recommendation"]} if values["recommendation"] else {})
        store, cursor, earlier = store_for(council.code), _one(given, "cursor"), given.get("prev", [])
        try:
            lines, next_cursor = store.queue(wanted, limit=PAGE_SIZE, after=cursor or None)
        except InvalidCursor:  # an old or edited link: the first page
            cursor, earlier = "", []
            lines, next_cursor = store.queue(wanted, limit=PAGE_SIZE)
        now = utcnow()
        rows = [QueueRow(line, clock_of(line, council, now)) for line in lines if isinstance(line, ReferralQueueRow)]
        chosen = {name: [value] for name, value in values.items() if value}
        pages = pagination(cursor, earlier, next_cursor, lambda paging: "/referrals?" + urlencode({**chosen, **paging}, doseq=True))
        number = len(earlier) + 1
    return render_page(
        router, "asc_screening/queue.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title="Referrals",
        errors=errors, values=values, rows=rows, pagination=pages, number=number, teams=triage_settings(council).queued_teams(),
        team_names=team_names(council), stages=QUEUE_STAGES, recommendations=RECOMMENDATIONS, referrer_kinds=REFERRER_KINDS,
        target_hours=settings.routing_target_hours, london=london,
    )


# ---------------------------------------------------------------- the referral page
@dataclass(frozen=True)
class AnswerRow:
    question: str
    answer: str


def _yes_no(value: bool | None, detail: str | None = None) -> str:
    answer = "Not answered" if value is None else ("Yes" if value else "No")
    return f"{answer}: {detail}" if detail else answer


def _ways(given: list[UnableWay] | None, wording: dict[UnableWay, str]) -> str:
    if given is None:
        return "Not answered"
    return "; ".join(wording[way] for way in given) if given else "They can do this"


def answer_sections(referral: Referral, questions: QuestionSet) -> list[tuple[str, list[AnswerRow]]]:
    """The answers beside the questions as the referrer saw them (the version of the set they answered)."""
    answers = referral.answers
    wording = {option.way: option.wording for option in questions.unable_ways}
    if referral.referral_for is ReferralFor.CARER:
        carer = answers.carer
        needs = [AnswerRow(questions.carer.needs_from_caring.wording, _yes_no(carer.needs_from_caring if carer else None)),
                 AnswerRow(questions.carer.health_at_risk.wording, _yes_no(carer.health_at_risk if carer else None)),
                 *(AnswerRow(outcome.wording, _ways(carer.outcomes.get(outcome.id) if carer else None, wording))
                   for outcome in questions.carer.outcomes),
                 AnswerRow("Who they care for, and the care they give", (carer.caring_for if carer else None) or "Not given")]
        title = "The carer's needs"
    else:
        impairment = answers.impairment
        needs = [AnswerRow(questions.impairment.wording,
                           _yes_no(impairment.has_impairment if impairment else None, impairment.description if impairment else None)),
                 *(AnswerRow(outcome.wording, _ways(answers.outcomes.get(outcome.id), wording)) for outcome in questions.outcomes)]
        title = "The adult's needs"
    impact = {option.impact: option.wording for option in questions.wellbeing.options}[answers.wellbeing.impact]
    sections = [(title, needs),
                ("Wellbeing", [AnswerRow(questions.wellbeing.wording, ": ".join(filter(None, [impact, answers.wellbeing.description])))]),
                ("Urgency and safeguarding", [AnswerRow(question.wording, _yes_no(answers.urgent.get(question.id)))
                                              for question in questions.urgent])]
    if questions.local:
        local = [AnswerRow(question.wording, answer if isinstance(answer := answers.local.get(question.id), str)
                           else _yes_no(answer)) for question in questions.local]
        sections.append(("The council's own questions", local))
    return sections


@router.get("/referrals/<case_id>")
def referral_page(case_id: str) -> Response:
    council = _council()
    who = caller(router)
    store = store_for(council.code)
    loaded = view_case(store, case_id, who, utcnow()) if CASE_ID.match(case_id) else None
    if loaded is None or not isinstance(loaded.case, ReferralCase):
        raise NotFoundError(f"There is no referral {case_id}.")
    case: ReferralCase = loaded.case
    questions = question_sets_for(council.code).version(case.application.question_set_version)
    return render_page(
        router, "asc_screening/referral.html", title=f"Referral {case.case_id}", case=case, referral=case.application,
        clock=clock_of(case, council, utcnow()), recommendations=RECOMMENDATIONS, referrer_kinds=REFERRER_KINDS,
        sections=answer_sections(case.application, questions) if questions else None, existing=existing_cases(store, case),
        notes=sorted(loaded.notes, key=lambda note: note.at, reverse=True),
        history=readable_history(loaded.history, SERVICES.for_case(case).history, team_names(council)),
        team_names=team_names(council), outcomes=OUTCOMES, london=london,
        actions=actions_on(case, who),
        teams=referral_teams(council) if who.has_any(*LEADER_ROLES) else [],
        # As on Blue Badge's case page: notes for those who may add them; take (or, a team leader, take from someone)
        # or release your own.
        can_note=who.has_any(*ASSESSING_ROLES), claiming=claims(case, who),
        assignable=who.has_any(*EDITING_ROLES) and (claims(case, who) or case.assignee == who.user),
        staff=staff_options(case.council_code, EDITING_ROLES, case.team) if who.has_any(*LEADER_ROLES) else [],
        banner=_banner(case, council, _query()),
    )


# The banners of the actions that end back on the referral page, by the flag each adds to its address.
DONE = {"resumed": ("Workflow resumed", "The referral's workflow has started again from the step it is at."),
        "taken": ("Referral taken", "The referral is in your work."),
        "released": ("Referral released", "The referral is back in the team queue for someone else to take."),
        "assigned": ("Referral assigned", "The referral is in {assignee}'s work."),
        "noted": ("Note added", "The note is on the referral.")}


def _banner(case: ReferralCase, council: CouncilConfig, given: dict[str, list[str]]) -> tuple[str, str] | None:
    screened = _one(given, "screened")
    if screened in ScreeningOutcome.__members__:
        return "Screening recorded", _screened_banner(case, council, screened)
    if _one(given, "moved"):
        return "Referral moved", f"The referral is in the {team_names(council).get(case.team, case.team)} queue."
    done = next((DONE[flag] for flag in DONE if _one(given, flag)), None)
    # Filled in from the referral as stored, never from the address.
    return (done[0], done[1].format(assignee=case.assignee or "nobody")) if done else None


def _screened_banner(case: ReferralCase, council: CouncilConfig, outcome: str) -> str:
    team = case.screening.team if case.screening and case.screening.team else ""
    return SCREENED[ScreeningOutcome(outcome)].format(team=team_names(council).get(team, "the team"))


@router.route("/referrals/<case_id>/team", method=["GET", "POST"])
def move_referral(case_id: str) -> Response:
    """Team leaders move the referral to another team's queue (the form is on the referral page too)."""
    council, store, case, who = _acting_on(case_id, *LEADER_ROLES, doing="Moving a referral to another team")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        try:
            errors = move_team(store, council, case, referral_teams(council), form, who)
        except StaleVersion:
            return _changed(case, CHANGED, TRY_AGAIN)
        if not errors:
            return redirect(f"/referrals/{case.case_id}?moved=yes")
    return team_page(router, council, case, referral_teams(council), f"/referrals/{case.case_id}", errors, form)


@router.route("/referrals/<case_id>/recovery", method=["GET", "POST"])
def resume_referral_workflow(case_id: str) -> Response:
    """Confirm, then start the referral's stopped workflow again from the step it is at (a council admin)."""
    _, store, case, who = _acting_on(case_id, Role.COUNCIL_ADMIN, doing="Resuming a referral's workflow")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = resume(store, case, form, who)
        if not errors:
            return redirect(f"/referrals/{case.case_id}?resumed=yes")
    return render_page(router, "case/recovery.html", status=400 if errors else 200, title="Resume the workflow", case=case,
                       errors=errors, values=form, back=f"/referrals/{case.case_id}")


# ---------------------------------------------------------------- notes, and who is working on it (as on Blue Badge's)
@router.route("/referrals/<case_id>/notes", method=["GET", "POST"])
def note_referral(case_id: str) -> Response:
    """Add a note (the form is on the referral page; this page shows it again with what was wrong)."""
    _, store, case, who = _acting_on(case_id, *ASSESSING_ROLES, doing="Adding a note")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = note_case(store, case, form, who)
        if not errors:
            discard_drafts(router)
            return redirect(f"/referrals/{case.case_id}?noted=yes")
    return _action_page("case/note.html", "Add a note", case, errors, form,
                        note_hint="Notes are for staff: the person and the referrer do not see them.")


@router.route("/referrals/<case_id>/assignment", method=["GET", "POST"])
def referral_assignment(case_id: str) -> Response:
    """Take an unassigned referral (a team leader, one someone else holds), or release your own (a leader, anyone's); a
    team leader may give it to one of the council's staff chosen from a list (the referral's team first)."""
    _, store, case, who = _acting_on(case_id, *EDITING_ROLES, doing="Working on referrals")
    claiming = claims(case, who)
    form, errors = posted(router), Errors()
    staff = staff_options(case.council_code, EDITING_ROLES, case.team) if who.has_any(*LEADER_ROLES) else []
    giving = bool(staff) and form.get("give") == "yes"
    if router.current_event.http_method == "POST":
        try:
            errors = give_to(store, case, form, who, staff) if giving else take_or_release(store, case, form, who)
        except StaleVersion:
            return _changed(case, CHANGED, TRY_AGAIN)
        if not errors:
            discard_drafts(router)
            return redirect(f"/referrals/{case.case_id}?{'assigned' if giving else 'taken' if claiming else 'released'}=yes")
    title = "Work on this referral" if errors else "Take this referral" if claiming else "Release this referral"
    return _action_page("case/assignment.html", title, case, errors, form, claiming=claiming, staff=staff)


def _action_page(template: str, title: str, case: ReferralCase, errors: Errors, form: Form, **context: Any) -> Response:
    """Blue Badge's action page for the referral: back to the referral page, and the case called a referral."""
    return action_page(router, template, title, case, errors, form, back=f"/referrals/{case.case_id}", noun="referral", **context)


# ---------------------------------------------------------------- screening
# Each outcome's own field: the others, shown to people without JavaScript, are not sent with it.
OUTCOME_FIELDS = {ScreeningOutcome.ROUTE: "team", ScreeningOutcome.CLOSE: "linked_case_id", ScreeningOutcome.ASK_REFERRER: "question"}


@router.route("/referrals/<case_id>/screening", method=["GET", "POST"])
def screening(case_id: str) -> Response:
    council = _council()
    who = require_any(router, *EDITING_ROLES, doing="Screening a referral")
    store = store_for(council.code)
    case = _referral(store, case_id)
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        errors = _required(form, case)
        if not errors:
            try:
                outcome = ScreeningOutcome(form.get("outcome"))
                given = ScreeningInput.model_validate({
                    "expected_version": form.get("expected_version"), "outcome": outcome, "reason": form.get("reason") or None,
                    **({OUTCOME_FIELDS[outcome]: form.get(OUTCOME_FIELDS[outcome])} if outcome in OUTCOME_FIELDS else {})})
                done = screen(store, workflows(), council, case.case_id, given, who, utcnow())
            except ValidationError as error:
                errors = _field_errors(error)
            except InvalidStep as refused:
                errors.add(refused.field, refused.message[:1].upper() + refused.message[1:])
            except StaleVersion:
                return _changed(case, CHANGED, STALE)
            except StepNotOpen:
                return _changed(case, NOT_WAITING, MOVED_ON)
            else:
                if done is None:
                    raise NotFoundError(f"There is no referral {case_id}.")
                discard_drafts(router)
                return redirect(f"/referrals/{case.case_id}?screened={outcome.value}")
    elif case.stage is not ReferralStage.SCREENING or not case.task_token:
        return _changed(case, NOT_WAITING, MOVED_ON)
    work = None if form.fields else saved_work(router)
    return render_page(
        router, "asc_screening/screening.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title="Screen the referral",
        case=case, errors=errors, values=Form(form.fields or (work.fields if work else {})),
        recommended=RECOMMENDED_OUTCOME[case.recommendation.route], outcomes=OUTCOMES, recommendations=RECOMMENDATIONS,
        teams=routing_teams(triage_settings(council)), team_names=team_names(council),
    )


def _required(form: Form, case: ReferralCase) -> Errors:
    """GOV.UK's words for what is missing; the service's own rules check the rest."""
    errors = Errors()
    if form.get("outcome") not in ScreeningOutcome.__members__:
        errors.add("outcome", "Select what happens to the referral")
        return errors
    outcome = ScreeningOutcome(form.get("outcome"))
    if outcome is ScreeningOutcome.ROUTE and not form.get("team"):
        errors.add("team", "Select the team the referral goes to")
    if outcome is ScreeningOutcome.ASK_REFERRER and not form.get("question"):
        errors.add("question", "Enter what you want to ask the referrer")
    if overrides_recommendation(case.recommendation.route, outcome) and not form.get("reason"):
        errors.add("reason", "Enter why you are not following the recommendation")
    return errors


_NAMED = re.compile(r"^(\w+): (.+)$", re.DOTALL)


def _field_errors(error: ValidationError) -> Errors:
    """The input model's errors on their fields; a rule across fields ("team: ...") names its field in the message."""
    errors = Errors()
    for field_id, message in errors_from(error).by_field.items():
        named = _NAMED.match(message)
        if field_id not in SCREENING_FIELDS and named and named.group(1).lower() in SCREENING_FIELDS:
            field_id, message = named.group(1).lower(), named.group(2)
        elif field_id == "expected_version":  # not the form this page gave: it cannot be trusted to be current
            field_id, message = "outcome", STALE
        errors.add(field_id if field_id in SCREENING_FIELDS else "outcome", message[:1].upper() + message[1:])
    return errors


def _changed(case: ReferralCase, title: str, message: str) -> Response:
    return render_page(router, "error.html", status=HTTPStatus.CONFLICT, title=title, message=message,
                       caption=f"Referral {case.case_id}", back_href=f"/referrals/{case.case_id}", back_text="Go back to the referral")
