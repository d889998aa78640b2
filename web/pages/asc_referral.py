"""The public adult social care pages (no sign-in): the referral form, its confirmation with the triage recommendation
and, for support needs, signposting and booking an appointment at a local hub (and cancelling it from the emailed link).

Under /adult-social-care/<council code, lower case>/, for a council that runs asc-triage; anything else is "not found".

State: the answers are kept server-side as a draft in the web session table (web/sessions.py DraftStore), under the
SHA-256 of a random journey id that only the browser holds (an HttpOnly cookie scoped to the council's pages); a
draft untouched for JOURNEY_IDLE is not used again (the table's TTL deletes it). Once sent, the draft keeps only the
case id, so the confirmation and the hub page it links to are shown to that browser alone.
CSRF: every form carries the value of an HttpOnly SameSite=Strict cookie (double submit, as the sign-in page does).
A hub booking's cancel token is never stored: it is emailed, and shown once through a short-lived cookie.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from pydantic import TypeAdapter, ValidationError

from shared.bootstrap import councils, hub_bookings_for, notification_channels, question_sets_for, store_for, workflows
from shared.core.adapters.email import error_code
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.domain.email import EmailMessage, bilingual
from shared.core.domain.formats import Email
from shared.resources import Env
from shared.services.asc_triage import SERVICE_KEY
from shared.services.asc_triage.adapters.hub_bookings import (
    AlreadyCancelled,
    BookingNotFound,
    SlotFull,
)
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.case import ReferralCase
from shared.services.asc_triage.domain.questions import QuestionSet
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.asc_triage.domain.welsh_notifications import welsh_hub_booking
from shared.services.asc_triage.domain.signposting import (
    BookingStatus,
    Hub,
    HubVisitor,
    hub_slot_starts,
    signposts_for,
)
from shared.services.asc_triage.logic.referrals import ReferralRefused, receive_referral
from web.asc_referral_journey import (
    QUESTION_SET_VERSION,
    REFERRAL_ID,
    STEPS,
    STEPS_BY_SLUG,
    SUBMITTED_CASE,
    Checked,
    Step,
    check,
    council_path,
    new_referral_id,
    next_step,
    previous_step,
    refer_path,
    refused_errors,
    steps_for,
    unable_outcome_ids,
)
from web.forms import CSRF_FIELD, Errors
from web.intake_journey import Answers, shown
from web.rendering import redirect, render_html
from web.security import (
    csrf_matches,
    current_form,
    draft_store,
    logger,
    request_cookie,
    secure_cookies,
)

router = Router()

PREFIX = "/adult-social-care/<council>"
JOURNEY_COOKIE = "asc_referral"
FORM_COOKIE = "asc_form_token"
# A booking's confirmation, shown once to the browser that made it (and its cancellation's): short-lived cookies.
BOOKED_COOKIE, CANCELLED_COOKIE = "asc_booked", "asc_cancelled"
JOURNEY_IDLE = timedelta(hours=24)  # answers left this long are not used again
FLASH_SECONDS = 3600  # how long a booking's confirmation page (with its cancel link) can be reloaded
BOOKING_DAYS = 14
FORM_ACTOR = "public-referral-form"
MAX_FIELDS = 120  # the most inputs a page ever shows, with room to spare
EMAIL = TypeAdapter(Email)


class NotOffered(Exception):
    """An unknown council or page, one that does not run the service, or a booking link that does not work."""


@router.exception_handler(NotOffered)
def _not_offered(error: NotOffered) -> Response:
    return render_html("asc_referral/problem.html", HTTPStatus.NOT_FOUND, title="Page not found", serviceName=SERVICE_TITLE,
                       publicServiceName=SERVICE_TITLE, council=None,
                       message="If you typed the web address, check it is correct. If you followed a link to cancel an "
                               "appointment, the link may be wrong or the appointment already cancelled.")


SERVICE_TITLE = "Adult social care"


# --- council, cookies and state -------------------------------------------------------------------------------------


def _council(code: str) -> CouncilConfig:
    council = councils().get(code.upper()) if code == code.lower() else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotOffered(code)
    return council


def _cookie(name: str, value: str, path: str, *, max_age: int | None = None, same_site: SameSite = SameSite.LAX_MODE) -> Cookie:
    return Cookie(name=name, value=value, path=path, secure=secure_cookies(), http_only=True, same_site=same_site, max_age=max_age)


def _form_token() -> tuple[str, Cookie | None]:
    """The browser's CSRF token, and the cookie to set when it has none yet."""
    token = request_cookie(router, FORM_COOKIE)
    if token and len(token) <= 100:
        return token, None
    token = secrets.token_urlsafe(32)
    return token, _cookie(FORM_COOKIE, token, "/adult-social-care/", same_site=SameSite.STRICT_MODE)


def _page(template: str, status: HTTPStatus = HTTPStatus.OK, *, council: CouncilConfig | None, **context: Any) -> Response:
    token, cookie = _form_token()
    response = render_html(template, status, csrf_token=token, council=council, serviceName=SERVICE_TITLE, publicServiceName=SERVICE_TITLE,
                           home=refer_path(council.code) if council else None,
                           hub_base=f"{council_path(council.code)}/hubs" if council else None, **context)
    if cookie is not None:
        response.cookies.append(cookie)
    return response


def _posted() -> dict[str, list[str]] | None:
    """The posted fields, or None when the form's CSRF token is missing or wrong (an old tab, or a forged post)."""
    form = current_form(router)
    if not csrf_matches(request_cookie(router, FORM_COOKIE) or "", form.get(CSRF_FIELD)) or len(form.fields) > MAX_FIELDS:
        return None
    return form.without_csrf()


def _expired(council: CouncilConfig, back: str) -> Response:
    return _page("asc_referral/problem.html", HTTPStatus.BAD_REQUEST, council=council, title="This form has expired",
                 message="Go back to the page, reload it, and send the form again. Your earlier answers are kept.", back=back)


def _owner(journey_id: str) -> str:
    """The draft's owner in the session table: the journey id's hash, so a copy of the table opens no journey."""
    return "asc-referral:" + hashlib.sha256(journey_id.encode()).hexdigest()


def _journey(council: CouncilConfig) -> tuple[str | None, Answers | None]:
    """The browser's journey id and its answers (None: no journey, or one left too long)."""
    journey_id = request_cookie(router, JOURNEY_COOKIE)
    if not journey_id or len(journey_id) > 100:
        return None, None
    found = draft_store().load(_owner(journey_id), refer_path(council.code))
    if found is None or utcnow() - found[1] > JOURNEY_IDLE:
        return journey_id, None
    return journey_id, Answers(found[0])


def _keep(council: CouncilConfig, journey_id: str, answers: Answers) -> bool:
    return draft_store().save(_owner(journey_id), refer_path(council.code), answers.fields)


def _questions(council: CouncilConfig, answers: Answers) -> QuestionSet:
    """The version this journey was shown (kept with its first answer); the current one before that."""
    sets = question_sets_for(council.code)
    version = answers.value(QUESTION_SET_VERSION)
    kept = sets.version(int(version)) if version.isdigit() else None
    return kept or sets.current()


def _submitted_case(council: CouncilConfig) -> ReferralCase | None:
    """The case this browser's journey became, if it has been sent."""
    _, answers = _journey(council)
    case_id = answers.value(SUBMITTED_CASE) if answers else ""
    case = store_for(council.code).get(case_id) if case_id else None
    return case if isinstance(case, ReferralCase) else None


# --- the referral form -------------------------------------------------------------------------------------------------


@router.get(f"{PREFIX}/refer")
def start(council: str) -> Response:
    council_config = _council(council)
    settings = triage_settings(council_config)
    return _page("asc_referral/start.html", council=council_config, title="Refer someone for adult social care",
                 first_path=refer_path(council_config.code, STEPS[0].slug), target_hours=f"{settings.routing_target_hours:g}")


@router.get(f"{PREFIX}/refer/check")
def check_answers(council: str) -> Response:
    council_config = _council(council)
    _, answers = _journey(council_config)
    if answers is not None and answers.value(SUBMITTED_CASE):
        return redirect(refer_path(council_config.code, "confirmation"))
    if answers is None or not answers.value(REFERRAL_ID):
        return redirect(refer_path(council_config.code))
    questions = _questions(council_config, answers)
    return _check_page(council_config, answers, questions, check(answers, questions, council_config, utcnow()).errors)


@router.post(f"{PREFIX}/refer/check")
def send(council: str) -> Response:
    council_config = _council(council)
    if _posted() is None:
        return _expired(council_config, refer_path(council_config.code, "check"))
    journey_id, answers = _journey(council_config)
    if answers is not None and answers.value(SUBMITTED_CASE):  # sent already (a second click): the same confirmation
        return redirect(refer_path(council_config.code, "confirmation"))
    if journey_id is None or answers is None or not answers.value(REFERRAL_ID):
        return redirect(refer_path(council_config.code))
    questions = _questions(council_config, answers)
    now = utcnow()
    checked = check(answers, questions, council_config, now)
    if checked.referral is None:
        return _check_page(council_config, answers, questions, checked.errors, HTTPStatus.BAD_REQUEST)
    try:
        receipt = receive_referral(checked.referral, council_config, store_for(council_config.code), question_sets_for(council_config.code),
                                   workflows(), actor=FORM_ACTOR, now=now)
    except ReferralRefused as refused:
        return _check_page(council_config, answers, questions, refused_errors(refused.errors, answers, questions), HTTPStatus.BAD_REQUEST)
    # From here the journey keeps only the case id: the answers are in the case, where the council's retention applies.
    _keep(council_config, journey_id, Answers({SUBMITTED_CASE: [receipt.case.case_id]}))
    # Counted for the inappropriate-referral rate: the route only, nothing about the person (the case holds the rest).
    logger.info("public referral received", extra={"council_code": council_config.code, "route": receipt.case.recommendation.route.value,
                                                   "duplicate": receipt.duplicate})
    return redirect(refer_path(council_config.code, "confirmation"))


@router.get(f"{PREFIX}/refer/confirmation")
def confirmation(council: str) -> Response:
    council_config = _council(council)
    case = _submitted_case(council_config)
    if case is None:
        return redirect(refer_path(council_config.code))
    referral = case.application
    directory = triage_settings(council_config).directory
    return _page(
        "asc_referral/confirmation.html", council=council_config, title="Referral sent", case=case,
        route=case.recommendation.route.value, routing_due=case.routing_due.astimezone(LONDON),
        signposts=signposts_for(directory, unable_outcome_ids(referral), referral.adult.address.postcode), hubs=directory.hubs,
    )


@router.get(f"{PREFIX}/refer/<slug>")
def question(council: str, slug: str) -> Response:
    council_config = _council(council)
    step = _step(slug)
    _, answers = _journey(council_config)
    answers = answers if answers is not None and not answers.value(SUBMITTED_CASE) else Answers()
    questions = _questions(council_config, answers)
    if not step.applies(answers, questions):
        return redirect(_first_to_answer(council_config, answers, questions))
    return _question_page(council_config, step, answers, questions, Errors())


@router.post(f"{PREFIX}/refer/<slug>")
def answer(council: str, slug: str) -> Response:
    council_config = _council(council)
    step = _step(slug)
    posted = _posted()
    if posted is None:
        return _expired(council_config, refer_path(council_config.code, slug))
    journey_id, kept = _journey(council_config)
    cookies = []
    if journey_id is None or kept is None or kept.value(SUBMITTED_CASE):  # a new referral
        if journey_id is None:
            journey_id = secrets.token_urlsafe(32)
            cookies.append(_cookie(JOURNEY_COOKIE, journey_id, council_path(council_config.code) + "/"))
        kept = Answers()
    questions = _questions(council_config, kept)
    if not kept.value(REFERRAL_ID):
        kept.fields |= {REFERRAL_ID: [new_referral_id()], QUESTION_SET_VERSION: [str(questions.version)]}
    if not step.applies(kept, questions):
        return redirect(_first_to_answer(council_config, kept, questions), cookies=cookies)
    answers = kept.with_page(posted, step.names(kept, questions))
    errors = check(answers, questions, council_config, utcnow()).of(step)
    if not _keep(council_config, journey_id, answers):  # kept even when the page has errors: nothing typed is lost
        errors.add(step.fields(answers, questions)[0].error_id, "Your answers are too long to keep. Shorten the longest answers")
    if errors:
        response = _question_page(council_config, step, answers, questions, errors, HTTPStatus.BAD_REQUEST)
        response.cookies.extend(cookies)
        return response
    following = next_step(step, answers, questions)
    done = _changing() or following is None
    return redirect(refer_path(council_config.code, "check" if done else following.slug), cookies=cookies)


def _step(slug: str) -> Step:
    step = STEPS_BY_SLUG.get(slug)
    if step is None:
        raise NotOffered(slug)
    return step


def _changing() -> bool:
    """Came from a "Change" link on check your answers, so goes back there."""
    return (router.current_event.query_string_parameters or {}).get("from") == "check"


def _first_to_answer(council: CouncilConfig, answers: Answers, questions: QuestionSet) -> str:
    checked = check(answers, questions, council, utcnow())
    for step in steps_for(answers, questions):
        if checked.of(step):
            return refer_path(council.code, step.slug)
    return refer_path(council.code, "check")


def _question_page(council: CouncilConfig, step: Step, answers: Answers, questions: QuestionSet, errors: Errors,
                   status: HTTPStatus = HTTPStatus.OK) -> Response:
    applicable = steps_for(answers, questions)
    earlier = previous_step(step, answers, questions)
    if _changing():
        back = refer_path(council.code, "check")
    else:
        back = refer_path(council.code, earlier.slug) if earlier else refer_path(council.code)
    action = refer_path(council.code, step.slug) + ("?from=check" if _changing() else "")
    return _page("asc_referral/question.html", status, council=council, title=step.title(answers), step=step, errors=errors,
                 fields=step.fields(answers, questions), answers=answers, back=back, action=action,
                 number=applicable.index(step) + 1, total=len(applicable))


def _check_page(council: CouncilConfig, answers: Answers, questions: QuestionSet, errors: dict[str, Errors],
                status: HTTPStatus = HTTPStatus.OK) -> Response:
    steps = steps_for(answers, questions)
    sections = [
        {"title": step.title(answers), "path": refer_path(council.code, step.slug),
         "rows": [{"field": item, "value": shown(answers, item)} for item in step.fields(answers, questions)]}
        for step in steps
    ]
    problems = [
        {"text": text, "href": f"{refer_path(council.code, step.slug)}?from=check#{field_id}"}
        for step in steps for field_id, text in Checked(None, errors).of(step).by_field.items()
    ]
    return _page("asc_referral/check.html", status, council=council, title="Check your answers before sending the referral",
                 sections=sections, problems=problems, errors=bool(problems), action=refer_path(council.code, "check"))


# --- hub appointments --------------------------------------------------------------------------------------------------


def _hub(council: CouncilConfig, hub_id: str) -> Hub:
    hub = triage_settings(council).directory.hub(hub_id)
    if hub is None:
        raise NotOffered(hub_id)
    return hub


def _bookable_starts(council: CouncilConfig, hub: Hub, now: datetime) -> list[datetime]:
    today = now.astimezone(LONDON).date()
    starts = hub_slot_starts(hub, today, today + timedelta(days=BOOKING_DAYS - 1), council.nation)
    return [start for start in starts if start > now]


def _free_slots(council: CouncilConfig, hub: Hub, now: datetime) -> list[dict[str, Any]]:
    """The next BOOKING_DAYS days' slots with a seat left, grouped by London day."""
    days: dict[str, dict[str, Any]] = {}
    for start, seats in hub_bookings_for(council.code).available_slots(hub, _bookable_starts(council, hub, now)):
        if seats <= 0:
            continue
        local = start.astimezone(LONDON)
        day = days.setdefault(local.date().isoformat(), {"label": f"{local:%A} {local.day} {local:%B}", "slots": []})
        day["slots"].append({"value": start.isoformat(), "text": _clock(local)})
    return list(days.values())


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


def _hub_page(council: CouncilConfig, hub: Hub, values: dict[str, str], errors: Errors, status: HTTPStatus = HTTPStatus.OK) -> Response:
    return _page("asc_referral/hub.html", status, council=council, title=f"Book an appointment at {hub.name}", hub=hub,
                 days=_free_slots(council, hub, utcnow()), values=values, errors=errors,
                 action=f"{council_path(council.code)}/hubs/{hub.id}", booking_days=BOOKING_DAYS)


@router.get(f"{PREFIX}/hubs/<hub_id>")
def hub_page(council: str, hub_id: str) -> Response:
    council_config = _council(council)
    hub = _hub(council_config, hub_id)
    case = _submitted_case(council_config)
    values = {}
    if case is not None:  # coming from the referral: who it is for, and how to reach them
        adult, referrer = case.application.adult, case.application.referrer
        values = {"name": f"{adult.given_name} {adult.family_name}",
                  "contact": adult.email or adult.phone or referrer.email or referrer.phone or ""}
    return _hub_page(council_config, hub, values, Errors())


@router.post(f"{PREFIX}/hubs/<hub_id>")
def book(council: str, hub_id: str) -> Response:
    council_config = _council(council)
    hub = _hub(council_config, hub_id)
    posted = _posted()
    if posted is None:
        return _expired(council_config, f"{council_path(council_config.code)}/hubs/{hub.id}")
    values = {name: (posted.get(name) or [""])[-1].strip() for name in ("slot", "name", "contact")}
    now = utcnow()
    errors = Errors()
    slot = _chosen_slot(values["slot"], council_config, hub, now)
    if slot is None:
        errors.add("slot", "Select an appointment time")
    visitor = _visitor(values, council_config, errors)
    if errors or slot is None or visitor is None:
        return _hub_page(council_config, hub, values, errors, HTTPStatus.BAD_REQUEST)
    try:
        booking, cancel_token = hub_bookings_for(council_config.code).book(hub, slot, visitor, now)
    except SlotFull:
        errors.add("slot", "The time you chose has just been booked by someone else. Select another time")
        return _hub_page(council_config, hub, values | {"slot": ""}, errors, HTTPStatus.CONFLICT)
    booking_path = f"{council_path(council_config.code)}/hubs/bookings/{booking.booking_id}"
    cancel_url = f"{os.environ.get(Env.WEB_BASE_URL, '').rstrip('/')}{booking_path}/cancel?token={cancel_token}"
    emailed = _email_booking(council_config, hub, booking.booking_id, slot, visitor, cancel_url)
    logger.info("hub appointment booked", extra={"council_code": council_config.code, "hub": hub.id, "emailed": emailed})
    # The cancel token is shown once, to this browser: a cookie for this booking's page, never stored by the council.
    flash = _cookie(BOOKED_COOKIE, f"{hub.id}.{int(slot.timestamp())}.{int(emailed)}.{cancel_token}", booking_path,
                    max_age=FLASH_SECONDS, same_site=SameSite.STRICT_MODE)
    return redirect(booking_path, cookies=[flash])


def _chosen_slot(value: str, council: CouncilConfig, hub: Hub, now: datetime) -> datetime | None:
    """The slot chosen, when it is one this page offers (the hub's, in the booking window, not started)."""
    try:
        chosen = datetime.fromisoformat(value)
    except ValueError:
        return None
    return chosen if chosen.tzinfo is not None and chosen in _bookable_starts(council, hub, now) else None


def _visitor(values: dict[str, str], council: CouncilConfig, errors: Errors) -> HubVisitor | None:
    if not values["name"]:
        errors.add("name", "Enter the name of the person the appointment is for")
    if not values["contact"]:
        errors.add("contact", "Enter a phone number or an email address")
    elif "@" in values["contact"] and not _is_email(values["contact"]):
        errors.add("contact", "Enter an email address in the correct format, like name@example.com, or a phone number")
    if errors:
        return None
    case = _submitted_case(council)
    try:
        return HubVisitor(name=values["name"], contact=values["contact"], referral_reference=case.case_id if case else None)
    except ValidationError as error:
        for problem in error.errors():
            field = str(problem["loc"][0])
            label = "Name" if field == "name" else "Phone number or email address"
            errors.add(field, f"{label}: {str(problem['msg']).removeprefix('Value error, ')}")
        return None


def _is_email(value: str) -> bool:
    try:
        EMAIL.validate_python(value)
    except ValidationError:
        return False
    return True


def _email_booking(council: CouncilConfig, hub: Hub, booking_id: str, slot: datetime, visitor: HubVisitor, cancel_url: str) -> bool:
    """Email the appointment and its cancel link when the contact given is an email address; False when not sent."""
    if "@" not in visitor.contact:
        return False
    local = slot.astimezone(LONDON)
    body = (f"Dear {visitor.name},\n\nYour appointment at {hub.name} is booked for {local:%A} {local.day} {local:%B %Y} at "
            f"{_clock(local)}.\n\n{hub.address}\n{hub.postcode}\n\nBooking reference: {booking_id}\n\n"
            f"If you cannot come, cancel the appointment with this link, so that someone else can have it:\n{cancel_url}\n\n"
            f"{council.name}\n{council.contact.phone}\n")
    subject = f"Your appointment at {hub.name}"
    if council.in_wales:  # Welsh first, then the English
        subject, body = bilingual(welsh_hub_booking(council, hub, booking_id, slot, visitor.name, cancel_url), (subject, body))
    message = EmailMessage(to=visitor.contact, reply_to=str(council.contact.email), sender=str(council.contact.email),
                           subject=subject, body_text=body)
    try:
        notification_channels().channel_for(council.code).email.send(message)  # SES, or the council's GOV.UK Notify
    except Exception as error:  # noqa: BLE001 - the page shows the cancel link: a failed email must not lose the booking
        logger.warning("hub booking email not sent", extra={"council_code": council.code, "error": error_code(error)})
        return False
    return True


def _flash(cookie: str, parts: int) -> list[str]:
    """A confirmation cookie's dot-separated parts (hub id, slot start in epoch seconds, ...); NotOffered without one."""
    found = (request_cookie(router, cookie) or "").split(".")
    if len(found) != parts or not all(found) or not found[1].isdigit():
        raise NotOffered(cookie)
    return found


@router.get(f"{PREFIX}/hubs/bookings/<booking_id>")
def booked(council: str, booking_id: str) -> Response:
    council_config = _council(council)
    booking_path = f"{council_path(council_config.code)}/hubs/bookings/{booking_id}"
    hub_id, starts, emailed, cancel_token = _flash(BOOKED_COOKIE, 4)
    # The confirmation is of a booking in this council's table, at the hub and time the cookie names: a cookie shown at
    # another booking's or another council's address confirms nothing.
    found = hub_bookings_for(council_config.code).booking(booking_id)
    if found is None or found.hub_id != hub_id or int(found.slot_start.timestamp()) != int(starts):
        raise NotOffered(booking_id)
    hub = _hub(council_config, hub_id)
    cancel_url = f"{os.environ.get(Env.WEB_BASE_URL, '').rstrip('/')}{booking_path}/cancel?token={cancel_token}"
    return _page("asc_referral/booked.html", council=council_config, title="Appointment booked", hub=hub, booking_id=booking_id,
                 starts=datetime.fromtimestamp(int(starts), UTC).astimezone(LONDON), emailed=emailed == "1", cancel_url=cancel_url)


@router.get(f"{PREFIX}/hubs/bookings/<booking_id>/cancel")
def cancel_page(council: str, booking_id: str) -> Response:
    council_config = _council(council)
    token = str((router.current_event.query_string_parameters or {}).get("token") or "")
    if not token or len(token) > 100:
        raise NotOffered(booking_id)
    # The token is checked when the cancellation is sent, so this page tells nothing about whether the booking exists.
    return _page("asc_referral/cancel.html", council=council_config, title="Cancel your appointment", booking_id=booking_id,
                 token=token, action=f"{council_path(council_config.code)}/hubs/bookings/{booking_id}/cancel")


@router.post(f"{PREFIX}/hubs/bookings/<booking_id>/cancel")
def cancel(council: str, booking_id: str) -> Response:
    council_config = _council(council)
    posted = _posted()
    token = (posted or {}).get("token", [""])[-1]
    if posted is None:
        return _expired(council_config, f"{council_path(council_config.code)}/hubs/bookings/{booking_id}/cancel?token={token}")
    try:
        cancelled = hub_bookings_for(council_config.code).cancel(booking_id, token, utcnow())
    except BookingNotFound:
        raise NotOffered(booking_id) from None
    except AlreadyCancelled:
        return _page("asc_referral/problem.html", HTTPStatus.CONFLICT, council=council_config,
                     title="This appointment is already cancelled", message="You do not need to do anything else.")
    logger.info("hub appointment cancelled", extra={"council_code": council_config.code, "hub": cancelled.hub_id})
    cancelled_path = f"{council_path(council_config.code)}/hubs/bookings/{booking_id}/cancelled"
    flash = _cookie(CANCELLED_COOKIE, f"{cancelled.hub_id}.{int(cancelled.slot_start.timestamp())}", cancelled_path,
                    max_age=FLASH_SECONDS, same_site=SameSite.STRICT_MODE)
    return redirect(cancelled_path, cookies=[flash])


@router.get(f"{PREFIX}/hubs/bookings/<booking_id>/cancelled")
def cancelled_page(council: str, booking_id: str) -> Response:
    council_config = _council(council)
    hub_id, starts = _flash(CANCELLED_COOKIE, 2)
    found = hub_bookings_for(council_config.code).booking(booking_id)  # as for the booking's confirmation: this council's, cancelled
    if found is None or found.status is not BookingStatus.CANCELLED or found.hub_id != hub_id \
            or int(found.slot_start.timestamp()) != int(starts):
        raise NotOffered(booking_id)
    return _page("asc_referral/cancelled.html", council=council_config, title="Appointment cancelled", hub=_hub(council_config, hub_id),
                 booking_id=booking_id, starts=datetime.fromtimestamp(int(starts), UTC).astimezone(LONDON))
