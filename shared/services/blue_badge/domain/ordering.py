"""From a complete application to ordered badges: screening route, fee, badge terms and the badge records.

Pure domain code: no I/O and no clock (callers pass `today` and `now`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shared.services.blue_badge.domain.application import Application, ApplicationType, EvidenceType, Party
from shared.services.blue_badge.domain.badge import (
    Badge,
    BadgeDates,
    BadgeRuleError,
    BadgeStatus,
    badge_dates,
    badge_transition,
    batch_type,
    end_reason,
    replacement_dates,
)
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import BadgeOrder, Stage
from shared.services.blue_badge.domain.completeness import fee_paid
from shared.services.blue_badge.domain.pip import routes_automatically
from shared.core.domain.council import CouncilConfig
from shared.services.blue_badge.domain.settings import badge_settings


def stage_after_screening(application: Application) -> Stage:
    """Automatic routes go to a proof check, further-assessment routes (and PIP awards whose points fall short) to an
    assessment; replacements, cancellations and organisations (checked on their own terms) go straight to a decision."""
    if application.application_type in (ApplicationType.REPLACE, ApplicationType.CANCEL):
        return Stage.DECISION
    if application.party is Party.ORG or application.eligibility is None:
        return Stage.DECISION
    return Stage.PROOF_CHECK if routes_automatically(application) else Stage.ASSESSMENT


def screened(case: Case) -> dict[str, Any]:
    """What opening a case found, as the workflows' first Choice reads it (`$.screened`): its stage, what is missing,
    and the route screening gives. Intake starts an execution with it; OpenCase returns it for a case stored RECEIVED."""
    return {"stage": case.stage.value, "missing": case.missing_codes, "route_to": stage_after_screening(case.application).value}


def organisation_route_reason(application: Application, council: CouncilConfig) -> str | None:
    """The council's local minimum of eligible people an organisation carries (domain notes, Party types), in words for
    the decision: screening states it, the caseworker decides. None: not an organisation's new badge, or no minimum."""
    minimum = badge_settings(council).organisation_min_people_carried
    organisation = application.organisation
    if organisation is None or not minimum or application.application_type not in (ApplicationType.NEW, ApplicationType.RENEW):
        return None
    carried = organisation.people_carried
    if carried is None:
        return (f"The organisation has not said how many eligible people it carries: the council's minimum is {minimum}, "
                "so ask the organisation before deciding")
    people = "person" if carried == 1 else "people"
    if carried < minimum:
        return (f"The organisation carries {carried} eligible {people}, fewer than the council's minimum of {minimum}: "
                "refuse with that reason, unless there is cause to depart from the minimum")
    return f"The organisation carries {carried} eligible {people}, at least the council's minimum of {minimum}"


def fee_due(application: Application, council: CouncilConfig) -> bool:
    """Whether the council's fee is still to be paid before the badge can be ordered (councils that take
    it with the application have it checked as a missing item already; this is the guard before ordering)."""
    return badge_settings(council).charges_fee and not fee_paid(application, council)


def badge_terms(application: Application, order: BadgeOrder, today: date, replacing: Badge | None = None) -> BadgeDates:
    """Start and expiry of the badge(s) this application gets; BadgeRuleError names what stops it."""
    if application.application_type is ApplicationType.REPLACE:
        if replacing is None:
            raise BadgeRuleError("existing_badge_number", f"badge {application.existing_badge_number} is not a badge of this council")
        badge_transition(replacing.status, BadgeStatus.REPLACED, expiry=replacing.expiry_date, today=today)
        end_reason(BadgeStatus.REPLACED, application.replace_reason)
        return replacement_dates(replacing.expiry_date, today)
    holder, eligibility = application.holder, application.eligibility
    award = eligibility.benefit if eligibility else None
    return badge_dates(
        start=order.start_date or today,
        today=today,
        eligibility=eligibility.code if eligibility and application.party is Party.PERSON else None,
        date_of_birth=holder.date_of_birth if holder else None,
        award_end=award.award_end if award else None,
        award_indefinite=award.indefinite if award else False,
    )


def new_badges(
    case: Case, order: BadgeOrder, terms: BadgeDates, numbers: list[str], now: datetime, replacing: Badge | None = None
) -> list[Badge]:
    """The badge records to order, one per number. A replacement keeps what the old badge printed unless
    the application corrects it."""
    application = case.application
    photos = application.evidence_of(EvidenceType.PHOTO)
    holder = application.holder or (replacing.holder if replacing else None)
    eligibility = application.eligibility.code if application.eligibility else (replacing.eligibility if replacing else None)
    return [
        Badge(
            badge_number=number,
            council_code=case.council_code,
            case_id=case.case_id,
            start_date=terms.start_date,
            expiry_date=terms.expiry_date,
            deliver_to=order.deliver_to,
            delivery_option=order.delivery_option,
            batch_type=batch_type(order.deliver_to, order.delivery_option),
            eligibility=None if application.party is Party.ORG else eligibility,
            holder=None if application.party is Party.ORG else holder,
            organisation_name=application.organisation.name if application.organisation else None,
            photo_key=photos[-1].key if photos else (replacing.photo_key if replacing else None),
            replaces=replacing.badge_number if replacing else None,
            # Same expiry as the badge it replaces: a holder reminded to renew that one is not reminded again.
            renewal_reminded_at=replacing.renewal_reminded_at if replacing else None,
            ordered_at=now,
            updated_at=now,
        )
        for number in numbers
    ]
