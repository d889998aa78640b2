"""Adult social care triage: the council admin's editor of the council's referral questions.

The questions are data (shared/services/asc_triage/adapters/question_sets.py): publishing here stores a new version,
which new referrals are asked, while each earlier referral keeps reading against the version it was answered on. The
form changes wording and hints only; ids, the statutory outcomes and the safeguarding questions are not on it, so it
cannot remove what triage counts. The council's own (local) questions can be added and removed.

The form carries the version it was built from: when someone published meanwhile it is refused rather than publishing
over their changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from zoneinfo import ZoneInfo
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import ValidationError

from shared.bootstrap import councils
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.adapters.question_sets import Publication, VersionTaken
from shared.services.asc_triage.domain.questions import (
    LocalAnswerKind,
    Question,
    QuestionSet,
)
from web.forms import Errors, Form
from web.page import caller, posted, render_page, require_any
from shared.bootstrap import question_sets_for
from web.rendering import redirect

router = Router()

PAGE_PATH = "/referrals/questions"
LONDON = ZoneInfo("Europe/London")  # staff read times in UK time
TITLE = "Referral questions"
ANSWER_KINDS = {LocalAnswerKind.YES_NO: "Yes or no", LocalAnswerKind.TEXT: "Typed answer"}
NEW_FIELDS = ("new-id", "new-wording", "new-hint", "new-answer_kind", "new-required")
FIRST_FIELD = "impairment-wording"  # where a problem with the whole set points
CHANGED_MEANWHILE = ("Someone published a new version of the questions while you were editing. Reload the page to see "
                     "their version, then make your changes again.")


@dataclass(frozen=True)
class Editable:
    """One question on the form: its inputs are `<field>-wording` and `<field>-hint`; `path` is its place in the set."""

    field: str
    name: str  # how an error message names it, e.g. "the managing nutrition question"
    path: tuple[str | int, ...]
    question: Question

    @property
    def legend(self) -> str:
        return self.name[:1].upper() + self.name[1:]

    @property
    def local_id(self) -> str | None:
        return self.field.removeprefix("local-") if self.path[0] == "local" else None


def sections(questions: QuestionSet) -> list[tuple[str, list[Editable]]]:
    """Every question whose wording a council may change, under the headings the form shows."""
    carer = questions.carer
    return [
        ("The adult's needs", [
            Editable("impairment", "the impairment question", ("impairment",), questions.impairment),
            *(Editable(f"outcomes-{outcome.id}", f"the {outcome.label} question", ("outcomes", index), outcome)
              for index, outcome in enumerate(questions.outcomes))]),
        ("Wellbeing", [Editable("wellbeing", "the wellbeing question", ("wellbeing",), questions.wellbeing)]),
        ("Carers", [
            Editable("carer-needs_from_caring", "the carer's needs from caring question", ("carer", "needs_from_caring"),
                     carer.needs_from_caring),
            Editable("carer-health_at_risk", "the carer's health question", ("carer", "health_at_risk"), carer.health_at_risk),
            *(Editable(f"carer-outcomes-{outcome.id}", f"the carer's {outcome.label} question", ("carer", "outcomes", index), outcome)
              for index, outcome in enumerate(carer.outcomes))]),
        ("Urgency and safeguarding", [
            Editable(f"urgent-{question.id}", f"the urgent question ({question.label})", ("urgent", index), question)
            for index, question in enumerate(questions.urgent)]),
        ("The council's own questions", [
            Editable(f"local-{question.id}", f"local question {question.id}", ("local", index), question)
            for index, question in enumerate(questions.local)]),
    ]


# ---------------------------------------------------------------- whose page
def _council_admin() -> tuple[CouncilConfig, Caller]:
    """The caller's council when it runs adult social care triage (else the pages do not exist), and its admin."""
    who = caller(router)
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError("If you typed the web address, check it is correct.")
    return council, require_any(router, Role.COUNCIL_ADMIN, doing="Changing the referral questions")


# ---------------------------------------------------------------- the editor
@router.get(PAGE_PATH)
def question_editor() -> Response:
    council, _ = _council_admin()
    sets = question_sets_for(council.code)
    current = sets.current()
    published = (router.current_event.query_string_parameters or {}).get("published", "")
    return _editor(current, Form(), Errors(), published=current.version if published == str(current.version) else None,
                   publication=sets.publication(current.version))


@router.post(PAGE_PATH)
def publish_questions() -> Response:
    council, who = _council_admin()
    sets = question_sets_for(council.code)
    current, form = sets.current(), posted(router)
    if form.get("version") != str(current.version):
        return _changed_meanwhile()
    edited, errors = edited_set(current, form)
    if errors:
        return _editor(current, form, errors)
    try:
        published = sets.publish(edited, who.actor, utcnow())
    except VersionTaken:
        return _changed_meanwhile()
    return redirect(f"{PAGE_PATH}?published={published.version}")


def _editor(current: QuestionSet, values: Form, errors: Errors, published: int | None = None,
            publication: Publication | None = None) -> Response:
    return render_page(
        router, "asc_questions/editor.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK, title=TITLE,
        questions=current, sections=sections(current), values=values, errors=errors, published=published,
        answer_kinds=ANSWER_KINDS, earlier=range(current.version - 1, 0, -1), publication=publication,
        published_at=publication.at.astimezone(LONDON) if publication else None,
    )


def _changed_meanwhile() -> Response:
    return render_page(router, "error.html", status=HTTPStatus.CONFLICT, title="The questions have changed since you opened them",
                       message=CHANGED_MEANWHILE, back_href=PAGE_PATH, back_text="Reload the referral questions")


def edited_set(current: QuestionSet, form: Form) -> tuple[QuestionSet | None, Errors]:
    """The current set with the posted wording and hints, less the local questions removed, plus the one added.
    Only wording, hints and local questions come from the form: everything else is copied from `current`."""
    errors = Errors()
    removed = set(form.all("remove"))
    kept = current.model_copy(update={"local": tuple(question for question in current.local if question.id not in removed)})
    data = kept.model_dump(mode="json")
    fields: dict[tuple[str | int, ...], tuple[str, str]] = {}  # a location in the set: its input and how to name it
    for _, editables in sections(kept):
        for editable in editables:
            wording, hint = form.get(f"{editable.field}-wording"), form.get(f"{editable.field}-hint")
            if not wording:
                errors.add(f"{editable.field}-wording", f"Enter the wording of {editable.name}")
            question: dict[str, Any] = _at(data, editable.path)
            question.update(wording=wording, hint=hint or None)
            fields[(*editable.path, "wording")] = (f"{editable.field}-wording", f"The wording of {editable.name}")
            fields[(*editable.path, "hint")] = (f"{editable.field}-hint", f"The hint of {editable.name}")
    if added := _added_local(form, kept, errors):
        data["local"].append(added)
        at = ("local", len(kept.local))
        fields |= {(*at, "id"): ("new-id", "The new question's id"), (*at, "wording"): ("new-wording", "The new question's wording"),
                   (*at, "hint"): ("new-hint", "The new question's hint")}
    if errors:
        return None, errors
    try:
        edited = QuestionSet.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            field_id, subject = fields.get(tuple(problem["loc"]), (FIRST_FIELD, "The questions"))
            errors.add(field_id, f"{subject} {_problem(problem)}")
        return None, errors
    if edited == current:
        errors.add(FIRST_FIELD, "Change at least one question, or add or remove one of your own, before publishing")
        return None, errors
    return edited, errors


def _added_local(form: Form, kept: QuestionSet, errors: Errors) -> dict[str, Any] | None:
    """The local question the form adds, when any of its fields is filled in; its missing parts go in `errors`."""
    if not any(form.get(name) for name in NEW_FIELDS):
        return None
    question_id, kind = form.get("new-id"), form.get("new-answer_kind")
    if not question_id:
        errors.add("new-id", "Enter an id for the new question")
    elif question_id in {question.id for question in kept.local}:
        errors.add("new-id", f"Your question {question_id} already has this id: choose another")
    if not form.get("new-wording"):
        errors.add("new-wording", "Enter the wording of the new question")
    if kind not in LocalAnswerKind.__members__:
        errors.add("new-answer_kind", "Select how the new question is answered")
    return {"id": question_id, "wording": form.get("new-wording"), "hint": form.get("new-hint") or None,
            "answer_kind": kind, "required": form.get("new-required") == "yes"}


def _at(data: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _problem(problem: dict[str, Any]) -> str:
    """pydantic's complaint as the end of a sentence about the field."""
    context = problem.get("ctx") or {}
    if problem["type"] == "string_too_long":
        return f"must be {context['max_length']} characters or fewer"
    if problem["type"] == "string_pattern_mismatch":
        return "must start with a lower-case letter, then hold only lower-case letters, digits and underscores (2 to 64 in all)"
    message = str(problem["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


# ---------------------------------------------------------------- an earlier version
@router.get(f"{PAGE_PATH}/<version>")
def question_version(version: str) -> Response:
    council, _ = _council_admin()
    sets = question_sets_for(council.code)
    shown = sets.version(int(version)) if version.isdigit() and len(version) <= 6 else None
    if shown is None:
        raise NotFoundError(f"There is no version {version} of the referral questions.")
    return render_page(router, "asc_questions/version.html", title=f"Referral questions, version {shown.version}",
                       questions=shown, sections=sections(shown), current_version=sets.current().version,
                       answer_kinds=ANSWER_KINDS)
