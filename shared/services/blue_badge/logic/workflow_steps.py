"""Case changes made by workflow task states (the Step Functions side of a case).

Each step is safe to repeat: a retried task finds the case already changed and changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from shared.services.blue_badge.adapters.badge_numbers import BadgeNumbers
from shared.services.blue_badge.adapters.badge_store import BadgeStore, badges_of
from shared.core.adapters.case_store import CaseFile, CaseStore
from shared.services.blue_badge.domain.application import ApplicationType
from shared.services.blue_badge.domain.badge import BadgeStatus, batch_type
from shared.core.domain.case import WORKFLOW_ACTOR, AuditEntry, Case
from shared.core.domain.records import CaseRecord
from shared.services.blue_badge.domain.case import Stage, approved_order, review_due
from shared.core.domain.council import CouncilConfig
from shared.core.domain.working_days import end_of_day, working_days_later
from shared.services.blue_badge.domain.notifications import APPROVING_STAGES, NotificationKind, approval_email, ordered_email
from shared.services.blue_badge.domain.ordering import badge_terms, fee_due, new_badges, organisation_route_reason, stage_after_screening
from shared.services.blue_badge.domain.national import completion_owed
from shared.services.blue_badge.domain.pip import route_reason
from shared.services.blue_badge.logic.notify import Notifier
from shared.core.logic.workflow_steps import CaseNotFound, load_case as _load

def _move(store: CaseStore, case: Case, stage: Stage, now: datetime, records: Sequence[CaseRecord] = ()) -> Case:
    moved = case.moved_to(stage, now)
    audit = AuditEntry(case_id=case.case_id, at=now, actor=WORKFLOW_ACTOR, action="STAGE_CHANGED",
                       before={"stage": case.stage.value}, after={"stage": stage.value})
    store.save(moved, expected_version=case.version, audit=audit, records=records)
    return moved


def open_case(store: CaseStore, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """Move a RECEIVED case to its first working stage and tell the applicant it arrived: for a case stored RECEIVED
    before intake opened cases itself (IntakeService.accept)."""
    case = _load(store, case_id)
    if case.stage is not Stage.RECEIVED:
        return case
    opened = _move(store, case, case.first_working_stage(), now)
    notifier.notify(store, opened, NotificationKind.RECEIVED)
    return opened


def seconds_until(moment: datetime, now: datetime) -> int:
    """A wait's timeout: whole seconds to `moment`, at least 1 (Step Functions refuses 0; a window that has closed
    times out at once)."""
    return max(1, int((moment - now).total_seconds()))


def information_deadline(council: CouncilConfig, now: datetime) -> datetime:
    """When missing information asked for now is due: the council's information_request_days working days of its
    nation later, at the same time of day. The step before the wait sets it (the wait's timeout is the seconds to it)."""
    return working_days_later(now, council.information_request_days, council.nation)


def review_window_closes(store: CaseStore, council: CouncilConfig, case_id: str) -> datetime:
    """When the refusal's review window closes: the end of its last working day (counted from the refusal, so a
    restarted workflow waits only for what is left of it)."""
    case = _load(store, case_id)
    if case.decision is None:
        raise ValueError(f"case {case_id} has no decision to review")
    return end_of_day(review_due(case.decision.at, council.nation), UTC)


def request_information(
    store: CaseStore, notifier: Notifier, case_id: str, task_token: str, due: datetime, now: datetime
) -> Case:
    """Record that the workflow waits for the missing items (with the token that resumes it and the date
    due, set by the step before: information_deadline), and ask the applicant for each of them."""
    case = _load(store, case_id)
    if case.stage is not Stage.AWAITING_INFORMATION:
        raise ValueError(f"case {case_id} is at {case.stage.value}, not waiting for information")
    waiting = case.changed(now, task_token=task_token, information_due=due, reminder_sent_at=None)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="INFORMATION_REQUESTED",
                       after={"missing": case.missing_codes, "due": due.isoformat()})
    store.save(waiting, expected_version=case.version, audit=audit)
    notifier.notify(store, waiting, NotificationKind.INFORMATION_REQUESTED, reply_by=due.date())
    return waiting


def recheck_information(store: CaseStore, case_id: str, now: datetime) -> Case:
    """After something was supplied: move on to screening if nothing is missing any more."""
    case = _load(store, case_id)
    if case.stage is Stage.AWAITING_INFORMATION and not case.missing:
        return _move(store, case, Stage.SCREENING, now)
    return case


def withdraw(store: CaseStore, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """The information did not arrive in time: close the case as withdrawn and tell the applicant."""
    case = _load(store, case_id)
    if case.stage is Stage.WITHDRAWN:
        return case
    withdrawn = _move(store, case, Stage.WITHDRAWN, now, records=completion_owed(case.application, case_id, now))
    notifier.notify(store, withdrawn, NotificationKind.WITHDRAWN, reply_by=(case.information_due or now).date())
    return withdrawn


def screen(store: CaseStore, case_id: str) -> Stage:
    """Where a complete case goes next: proof check, assessment or straight to a decision."""
    return stage_after_screening(_load(store, case_id).application)


def wait_for_people(store: CaseStore, notifier: Notifier, council: CouncilConfig, case_id: str, stage: Stage, task_token: str,
                    now: datetime) -> Case:
    """Move the case to a stage where a person acts, and keep the token that resumes the workflow. A refusal records
    the last day a review may be asked for (review_due, in the council's working days).

    A retried task finds the case at the stage already and only renews the token (and emails nobody twice).
    """
    case = _load(store, case_id)
    arriving = case.stage is not stage
    if arriving:
        case.moved_to(stage, now)  # refuses a move the stage table does not allow
    # A renewed wait (after an escalation) keeps its flag: the team leader has still to see to it.
    routed = {"route_reason": route_reason(case.application) or organisation_route_reason(case.application, council)} \
        if arriving and case.stage is Stage.SCREENING else {}
    refused = stage is Stage.REFUSED and case.decision is not None
    window = {"review_due": review_due(case.decision.at, council.nation)} if refused else {}
    waiting = case.changed(now, stage=stage, task_token=task_token, needs_attention=None if arriving else case.needs_attention,
                           **routed, **window)
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="STAGE_CHANGED" if arriving else "TASK_RENEWED",
                       before={"stage": case.stage.value},
                       after={"stage": stage.value} | {name: words for name, words in routed.items() if words}
                       | {name: day.isoformat() for name, day in window.items()})
    store.save(waiting, expected_version=case.version, audit=audit)
    if arriving and refused and case.application.application_type is not ApplicationType.CANCEL:
        notifier.notify(store, waiting, NotificationKind.DECISION_REFUSED, reasons=case.decision.reasons, reply_by=waiting.review_due)
    return waiting


def check_fee(store: BadgeStore, numbers: BadgeNumbers, notifier: Notifier, council: CouncilConfig, case_id: str,
              now: datetime) -> bool:
    """Approved: say whether the fee is still to be paid before the order, and if so tell the applicant of the
    approval now; otherwise order the badge in this same step (order_badge: its one email says both), so that one read
    of the case and of the council's settings serves both. A retried step finds the badge ordered and orders nothing twice."""
    loaded = _load_file(store, case_id)
    case = loaded.case
    due = case.stage is not Stage.ORDERED and fee_due(case.application, council)
    if not due:
        _order(store, numbers, notifier, loaded, now)
        return False
    told = approval_email(due)
    if told is not None and case.stage in APPROVING_STAGES:  # approved just now (not a payment that came in later)
        notifier.notify(store, case, told)
    return due


def order_badge(store: BadgeStore, numbers: BadgeNumbers, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """Give the approved case its badge number(s) and order them for the nightly print; a replacement
    marks the old badge REPLACED in the same transaction."""
    return _order(store, numbers, notifier, _load_file(store, case_id), now)


def _load_file(store: BadgeStore, case_id: str) -> CaseFile:
    loaded = store.load(case_id)
    if loaded is None:
        raise CaseNotFound(f"case {case_id} is not in {store.table_name}")
    return loaded


def _order(store: BadgeStore, numbers: BadgeNumbers, notifier: Notifier, loaded: CaseFile, now: datetime) -> Case:
    case, case_id = loaded.case, loaded.case.case_id
    if case.stage is Stage.ORDERED:
        return case
    order = approved_order(case)
    application = case.application
    replacing = store.get_badge(application.existing_badge_number) if application.application_type is ApplicationType.REPLACE else None
    terms = badge_terms(application, order, now.date(), replacing)
    already = badges_of(loaded)  # written by an earlier attempt of a large order that did not finish
    badges = new_badges(case, order, terms, numbers.issue(application.badges_wanted - len(already)), now, replacing)
    replaced = None
    if replacing is not None:
        replaced = replacing.moved_to(BadgeStatus.REPLACED, now, now.date(), reason=application.replace_reason,
                                      replaced_by=badges[0].badge_number)
    numbers_ordered = [badge.badge_number for badge in [*already, *badges]]
    ordered = case.moved_to(Stage.ORDERED, now).model_copy(update={"badge_numbers": numbers_ordered})
    audit = AuditEntry(case_id=case_id, at=now, actor=WORKFLOW_ACTOR, action="BADGE_ORDERED",
                       before={"stage": case.stage.value},
                       after={"stage": Stage.ORDERED.value, "badges": ordered.badge_numbers, "start_date": terms.start_date.isoformat(),
                              "expiry_date": terms.expiry_date.isoformat(), "batch_type": batch_type(order.deliver_to, order.delivery_option).value,
                              "replaces": replacing.badge_number if replacing else None})
    store.order_badges(ordered, case.version, badges, audit, replaced, owner_write=numbers.owner_write)
    notifier.notify(store, ordered, ordered_email(case.stage))
    return ordered


def cancel_badge(store: BadgeStore, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """An approved cancellation request: the badge is CANCELLED with the request's reason, the case closes, and whoever
    asked is told that the badge can no longer be used and must be returned (domain notes, Badge lifecycle)."""
    case = _load(store, case_id)
    if case.stage is Stage.BADGE_CANCELLED:
        return case
    application = case.application
    badge = store.get_badge(application.existing_badge_number)
    if badge is None:
        raise ValueError(f"badge {application.existing_badge_number} is not a badge of {case.council_code}")
    if badge.status is not BadgeStatus.CANCELLED:
        cancelled = badge.moved_to(BadgeStatus.CANCELLED, now, now.date(), reason=application.cancel_reason)
        store.save_badge(cancelled, badge.version, AuditEntry(
            case_id=badge.case_id, at=now, actor=WORKFLOW_ACTOR, action="BADGE_CANCELLED",
            before={"status": badge.status.value}, after={"status": cancelled.status.value, "reason": cancelled.status_reason,
                                                          "by_case": case_id}))
    cancelled_case = _move(store, case, Stage.BADGE_CANCELLED, now)
    notifier.notify(store, cancelled_case, NotificationKind.BADGE_CANCELLED, badge_numbers=[badge.badge_number])
    return cancelled_case


def close_refused(store: CaseStore, notifier: Notifier, case_id: str, now: datetime) -> Case:
    """Refused for good: after a review that upheld the refusal (the applicant is told why), or a
    cancellation request that is not carried out."""
    case = _load(store, case_id)
    if case.stage is Stage.REFUSED:
        return case
    refused = _move(store, case, Stage.REFUSED, now)
    if case.stage is Stage.REVIEW:
        notifier.notify(store, refused, NotificationKind.REVIEW_UPHELD, reasons=case.review.reasons if case.review else ())
    return refused


