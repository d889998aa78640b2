"""A Family Front Door contact as the front-door team sees it: the submission in summary lists, the consent, the response
clock and levels of need, the single view of the child (earlier contacts about the same child, and at the same
address), the documents the partner attached (each opened on a page of its own by a short-lived pre-signed link), the
questions to the partner, the outcome, and the history in sentences. Every read of the page, and every opening of a
document, is logged in the contact's view log (shared.core.logic.casework.view_case, contacts.open_document), which
council admins see on the page and in full.

The team's steps have pages of their own under the contact's (web/pages/ffd_steps.py); each comes back here with a
banner named by `?done=`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import evidence_links_for, store_for
from shared.core.domain.case import utcnow
from shared.core.domain.evidence import case_evidence_prefix
from shared.core.domain.history import readable_history
from shared.core.logic.case_actions import actions_on
from shared.core.logic.casework import EDITING_ROLES, view_case
from shared.resources import Role
from shared.services.family_front_door.domain.case import OUTCOME_NAMES, ContactCase
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.domain.submission import (
    CATEGORY_NAMES,
    CauseForConcern,
    InformationRequest,
    NeglectArea,
)
from shared.services.family_front_door.logic.contacts import earlier_contacts, open_document
from shared.services.family_front_door.logic.dashboard import (
    CHANNEL_NAMES,
    KIND_NAMES,
    STATUS_NAMES,
)
from shared.services.family_front_door.logic.holding_area import (
    age_in_business_hours,
    hours_text,
    level_views,
    priority_of,
    response_clock,
)
from shared.services.registry import SERVICES
from web.page import LEADER_ROLES, caller, render_page, require_any
from web.pages.ffd_holding import STATUS_COLOURS
from web.pages.ffd_team import CASE_ID, HOME, contact_of, front_door_council, front_door_officers, london
from web.rendering import _format_date as format_date  # the pages' own date wording
from web.rendering import origin_of

router = Router()
DOCUMENT_NUMBER = re.compile(r"[1-9][0-9]{0,2}")

RECENT_VIEWS = 20  # the latest reads listed on the page; a council admin's "every view" page lists them all
NEGLECT_AREAS = {NeglectArea.FOOD: "Food", NeglectArea.HYGIENE: "Hygiene", NeglectArea.CLOTHING: "Clothing",
                 NeglectArea.SUPERVISION: "Supervision", NeglectArea.HEALTH: "Health",
                 NeglectArea.HOME_CONDITIONS: "Home conditions", NeglectArea.EDUCATION: "Education"}
# The banners of the steps that end back on the contact page, by the value of `done` each adds to its address; the
# words are the service's, filled in from the contact as stored (never from the address).
DONE = {
    "responsibility": ("Responsibility taken", "You are the contact's screening officer. It is in your work."),
    "handed": ("Contact handed over", "{officer} is the contact's screening officer. It is in their work."),
    "priority": ("Level of need changed", "The contact is now {level}: respond by {due}."),
    "information": ("Question sent to the partner", ("We will email the partner to answer it in the portal. The contact "
                                                      "waits for their answer, then comes back to the holding area.")),
    "outcome": ("Outcome recorded", "{outcome}. We will email the partner your reply with the threshold guidance."),
    "noted": ("Note added", "The note is on the contact. The partner does not see it."),
    "resumed": ("Workflow resumed", "The contact's workflow has started again from the step it is at."),
}


@dataclass(frozen=True)
class Row:
    key: str
    value: str


def _yes_no(value: bool | None) -> str:
    return "Not answered" if value is None else ("Yes" if value else "No")


def _when(value: date | datetime | None) -> str:
    """A date, or a time in UK time, as GOV.UK writes them (the pages' govuk_date and govuk_datetime filters)."""
    if isinstance(value, datetime):
        return format_date(london(value), with_time=True)
    return format_date(value)


def concern_sections(form: CauseForConcern | InformationRequest) -> list[tuple[str, list[Row]]]:
    """The form's answers, each section its own summary list (only those its categories asked)."""
    if isinstance(form, InformationRequest):
        return [("The request", [Row("Information wanted", form.information_wanted or ""), Row("Why they need it", form.reason or "")])]
    categories = ", ".join(CATEGORY_NAMES[category] for category in form.categories)
    if form.other_category:
        categories += f" ({form.other_category})"
    sections = [("The concern", [Row("Concern about", categories), Row("What happened", form.concern or ""),
                                 Row("What the partner has done", form.actions_taken or ""),
                                 Row("Who lives with the child", form.household or "Not known")])]
    if form.injuries:
        sections.append(("Injuries", [Row("Injuries or marks seen", form.injuries.description or ""),
                                      Row("Had medical attention", _yes_no(form.injuries.medical_attention))]))
    if form.disclosure:
        told = form.disclosure
        sections.append(("Disclosure", [Row("The child told someone", _yes_no(told.child_disclosed)),
                                        Row("What the child said", told.disclosure_words or ""),
                                        Row("The alleged abuser still has contact", _yes_no(told.alleged_abuser_has_contact))]))
    if form.neglect:
        sections.append(("Neglect", [Row("Areas of care neglected", ", ".join(NEGLECT_AREAS[area] for area in form.neglect.areas)),
                                     Row("Concerned for", form.neglect.how_long or "")]))
    if form.domestic_abuse:
        abuse = form.domestic_abuse
        sections.append(("Domestic abuse", [Row("The person causing it lives with the child", _yes_no(abuse.perpetrator_in_household)),
                                            Row("The child saw or heard it", _yes_no(abuse.child_present)),
                                            Row("Police involved", _yes_no(abuse.police_involved)),
                                            Row("Police reference", abuse.police_reference or "")]))
    if form.exploitation:
        seen = form.exploitation
        sections.append(("Exploitation", [Row("What was seen", seen.indicators or ""), Row("Has gone missing", _yes_no(seen.missing_episodes)),
                                          Row("Police told", _yes_no(seen.police_informed))]))
    if form.missing:
        gone = form.missing
        sections.append(("Missing child", [Row("Missing since", _when(gone.missing_since)), Row("Last seen", gone.last_seen or ""),
                                           Row("Police reference", gone.police_reference or "")]))
    if form.online_harm:
        online = form.online_harm
        sections.append(("Online harm", [Row("Apps, sites or games", online.platforms or ""),
                                         Row("Images of the child shared", _yes_no(online.images_shared)),
                                         Row("Police told", _yes_no(online.police_informed))]))
    return sections


def consent_rows(form: CauseForConcern | InformationRequest) -> list[Row]:
    if isinstance(form, InformationRequest):
        return []
    consent = form.consent
    rows = [Row("Consent sought from the family", _yes_no(consent.sought))]
    if consent.sought:
        rows.append(Row("Consent given", _yes_no(consent.given)))
    elif consent.not_sought_reason:
        rows.append(Row("Why consent was not sought", consent.not_sought_reason))
    return rows


def _query() -> dict[str, str]:
    return router.current_event.query_string_parameters or {}


def banner(case: ContactCase, council_levels: dict, given: dict[str, str]) -> tuple[str, str] | None:
    done = DONE.get(given.get("done", ""))
    if done is None:
        return None
    level = council_levels.get(case.level)
    return done[0], done[1].format(level=level.name if level else case.level, due=_when(case.response_due), officer=case.screening_officer,
                                   outcome=OUTCOME_NAMES[case.outcome.outcome] if case.outcome else "The outcome is recorded")


@router.get(f"{HOME}/contacts/<case_id>")
def contact_page(case_id: str) -> Response:
    council = front_door_council(router)
    who = caller(router)
    store = store_for(council.code)
    now = utcnow()
    loaded = view_case(store, case_id, who, now) if CASE_ID.match(case_id) else None  # the read is logged (who, when)
    if loaded is None or not isinstance(loaded.case, ContactCase):
        raise NotFoundError(f"There is no contact {case_id}.")
    case: ContactCase = loaded.case
    form = case.application.form
    levels = level_views(council)
    is_admin = who.has_any(Role.COUNCIL_ADMIN)
    ended_at = case.outcome.at if case.outcome else now
    return render_page(
        router, "ffd_team/contact.html", title=f"Contact {case.case_id}", case=case, submission=case.application, form=form,
        child=case.application.child, submitter=case.application.submitter, kind_name=KIND_NAMES[case.kind],
        sections=concern_sections(form), consent=consent_rows(form), channel_names=CHANNEL_NAMES,
        priority=priority_of(form.urgency, case.level, council), levels=levels,
        clock=response_clock(case, council, now), age=hours_text(age_in_business_hours(case.received_at, council, ended_at)),
        earlier=earlier_contacts(store, case), status_names=STATUS_NAMES, status_colours=STATUS_COLOURS,
        outcome_names=OUTCOME_NAMES, guidance_url=str(front_door_settings(council).threshold_guidance_url),
        history=readable_history(loaded.history, SERVICES.for_case(case).history, {team.key: team.name for team in council.teams}),
        # Who opened the record: council admins see it (the latest here, every read on its own page).
        views=store.views(case.case_id, limit=RECENT_VIEWS) if is_admin else [],
        # The service's steps while its workflow waits for the team; a council admin's restart of a stopped workflow.
        actions=actions_on(case, who),
        can_act=who.has_any(*EDITING_ROLES) and not case.is_closed, user=who.user,
        officers=front_door_officers(council) if who.has_any(*LEADER_ROLES) and not case.is_closed else [],
        can_note=who.has_any(*EDITING_ROLES), notes=sorted(loaded.notes, key=lambda note: note.at, reverse=True),
        banner=banner(case, levels, _query()), when=_when, london=london,
    )


@router.get(f"{HOME}/contacts/<case_id>/views")
def contact_views(case_id: str) -> Response:
    """Every read of the contact's record, newest first (council admins): who looked at the child's record, and when."""
    council = front_door_council(router)
    store = store_for(council.code)
    case = contact_of(store, case_id)
    require_any(router, Role.COUNCIL_ADMIN, doing="Seeing who opened a contact")
    return render_page(router, "ffd_team/views.html", title="Who opened this contact", case=case, views=store.views(case.case_id),
                       london=london)


@router.get(f"{HOME}/contacts/<case_id>/documents/<index>")
def contact_document(case_id: str, index: str) -> Response:
    """A document the partner attached, shown in the page by a pre-signed link that works for a few minutes only and
    is signed only for a file in the contact's own folder. Every opening is logged in the contact's view log."""
    council = front_door_council(router)
    not_found = NotFoundError(f"Contact {case_id} has no document {index}.")
    opened = open_document(store_for(council.code), council, case_id, int(index), caller(router), utcnow()) \
        if CASE_ID.match(case_id) and DOCUMENT_NUMBER.fullmatch(index) else None
    if opened is None:
        raise not_found
    case, document = opened
    folder = case_evidence_prefix(case.council_code, case.case_id)
    link = evidence_links_for(case.council_code).link(folder, document.key, document.file_format.value, document.name)
    if link is None:  # a contact names only files in its own folder (ContactCase checks): never signed for another
        raise not_found
    return render_page(router, "ffd_team/document.html", title=f"Document {index}, contact {case.case_id}",
                       evidence_origin=origin_of(link.url), case=case, document=document, number=int(index),
                       count=len(case.documents), link=link, when=_when)
