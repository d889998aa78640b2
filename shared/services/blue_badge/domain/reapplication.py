"""The bar on reapplying soon after a refusal (domain notes, Eligibility: "some councils bar reapplying for 3 months").

A council that bars it sets `reapply_bar_months` in its Blue Badge settings (0, the default: no bar). A new application
(or a renewal) from a person whose refusal still stands (refused, or refused and under review) and is more recent than
that is not opened as a case: it is parked with the reason, naming the refusal and the day they may apply again, for
staff to see (and to replay once the bar has run out). Replacements and cancellations are about a badge, never barred.

Pure: the rule over the person's earlier cases.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from shared.core.domain.case import Case, ParkReason
from shared.services.blue_badge.domain.application import Application, ApplicationType
from shared.services.blue_badge.domain.case import DecisionOutcome, Stage

BARRED_TYPES = frozenset({ApplicationType.NEW, ApplicationType.RENEW})
# A refusal that stands: the case is refused (no review asked, or the review upheld it), or its review is under way.
REFUSAL_STANDS_AT = frozenset({Stage.REFUSED, Stage.REVIEW})
BAR_FIELD = "(application)"  # the whole application is barred, not one of its fields


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has no such day (30 November + 3: 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def refused_on(case: Case) -> date | None:
    """The day the case was refused, while that refusal stands (None otherwise)."""
    decision = getattr(case, "decision", None)
    if case.stage not in REFUSAL_STANDS_AT or decision is None or decision.outcome is not DecisionOutcome.REFUSE:
        return None
    return decision.at.date()


def reapplication_barred(application: Application, earlier: Iterable[Case], months: int, today: date) -> ParkReason | None:
    """Why the application may not become a case yet (None: it may): the person's latest standing refusal is less than
    `months` months old. `earlier`: the person's other cases."""
    if months <= 0 or application.application_type not in BARRED_TYPES:
        return None
    refusals = [(day, case.case_id) for case in earlier if (day := refused_on(case)) is not None]
    if not refusals:
        return None
    latest, case_id = max(refusals)
    until = months_after(latest, months)
    if today >= until:
        return None
    return ParkReason(field=BAR_FIELD, message=(
        f"the same person was refused a Blue Badge on {latest:%d/%m/%Y} (case {case_id}), and this council takes no new "
        f"application within {months} months of a refusal: they may apply again from {until:%d/%m/%Y}. Until then they "
        f"can ask for a review of that refusal. Replay this application from {until:%d/%m/%Y}"))
