"""Whether a PIP award gives a badge without further assessment (domain notes, Eligibility): 8 or more points in
"moving around", or 10 points under descriptor E of "planning and following journeys" (overwhelming psychological
distress). An award with fewer points goes to further assessment, with the reason in words on the case.

Pure: the points are those the application carries, or those a caseworker saw on the award letter at the proof check.
The award letter must also be recent: the evidence for the PIP route is "PIP award letter, less than 12 months old".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.services.blue_badge.domain.application import Application, EligibilityCode, JourneysDescriptor, Party
from shared.services.blue_badge.domain.badge import AUTOMATIC_ROUTE_MIN_AGE, age_on, anniversary

MOVING_AROUND_POINTS_NEEDED = 8
QUALIFYING_JOURNEYS_DESCRIPTOR = JourneysDescriptor.E
AWARD_LETTER_FIELD = "pip_award_letter_date"


@dataclass(frozen=True)
class PipPoints:
    moving_around: int | None = None
    planning_journeys: int | None = None
    journeys_descriptor: JourneysDescriptor | None = None

    @property
    def given(self) -> bool:
        return any(value is not None for value in (self.moving_around, self.planning_journeys, self.journeys_descriptor))


@dataclass(frozen=True)
class PipQualification:
    qualifies: bool | None  # None: no points known (the national form's PIP route; confirmed at the proof check)
    reason: str


def pip_qualification(points: PipPoints) -> PipQualification:
    """The automatic criterion applied to the points, with the reason in words."""
    if not points.given:
        return PipQualification(None, "No PIP points given: they are checked on the award letter at the proof check")
    moving, planning, descriptor = points.moving_around, points.planning_journeys, points.journeys_descriptor
    if moving is not None and moving >= MOVING_AROUND_POINTS_NEEDED:
        return PipQualification(True, f"PIP award with {moving} points in moving around (8 or more qualify)")
    if descriptor is QUALIFYING_JOURNEYS_DESCRIPTOR:
        return PipQualification(True, "PIP award with 10 points under descriptor E of planning and following journeys")
    moving_words = f"{moving} points in moving around" if moving is not None else "no points in moving around given"
    if descriptor is not None:
        journeys_words = f"descriptor {descriptor.value} ({descriptor.points} points) of planning and following journeys"
    elif planning == JourneysDescriptor.E.points:
        journeys_words = "10 points in planning and following journeys, not stated to be under descriptor E"
    elif planning is not None:
        journeys_words = f"{planning} points in planning and following journeys"
    else:
        journeys_words = "no points in planning and following journeys given"
    return PipQualification(False, f"PIP award with {moving_words} and {journeys_words}: the automatic route needs 8 or "
                                   "more points in moving around, or 10 points under descriptor E of planning and following "
                                   "journeys, so it goes to further assessment")


def application_pip_points(application: Application) -> PipPoints | None:
    """The PIP points an application carries (None: it is not on the PIP route)."""
    eligibility = application.eligibility
    if eligibility is None or eligibility.code is not EligibilityCode.PIP:
        return None
    award = eligibility.benefit
    if award is None:
        return PipPoints()
    return PipPoints(award.pip_moving_around_points, award.pip_planning_journeys_points, award.pip_planning_journeys_descriptor)


def under_automatic_age(application: Application) -> bool:
    """The holder was under 3 when the application was made: the automatic routes are for people aged 3 or over (domain
    notes, Eligibility), so the route is assessed instead (a child under 3 qualifies under CHILDBULK or CHILDVEHIC)."""
    holder = application.holder
    if application.party is not Party.PERSON or holder is None or holder.date_of_birth is None:
        return False
    return age_on(holder.date_of_birth, application.submitted_at.date()) < AUTOMATIC_ROUTE_MIN_AGE


def routes_automatically(application: Application) -> bool:
    """On an automatic route, the holder aged 3 or over, and (for PIP) not with points that fall short of it."""
    eligibility = application.eligibility
    if eligibility is None or not eligibility.code.is_automatic or under_automatic_age(application):
        return False
    points = application_pip_points(application)
    return points is None or pip_qualification(points).qualifies is not False


def route_reason(application: Application) -> str | None:
    """Why a PIP application, or a child under 3 on an automatic route, goes where screening sends it, in words (None
    for every other application)."""
    eligibility = application.eligibility
    if eligibility is not None and eligibility.code.is_automatic and under_automatic_age(application):
        return (f"The holder was under 3 when the application was made: the {eligibility.code.words} route gives a badge without "
                "further assessment only from age 3, so it goes to further assessment (a child under 3 qualifies with bulky "
                "medical equipment, or when they must be kept near a vehicle)")
    points = application_pip_points(application)
    return pip_qualification(points).reason if points is not None else None


def award_letter_problem(letter_date: date | None, today: date) -> str | None:
    """Why a PIP award letter dated `letter_date` cannot confirm the automatic route on `today` (None: it can). The letter
    must be less than 12 months old: on its first anniversary it is too old (a 29 February letter: on 1 March)."""
    if letter_date is None:
        return "Enter the date of the PIP award letter: it must be less than 12 months old to confirm the PIP route"
    if letter_date > today:
        return f"The date of the PIP award letter ({letter_date:%d/%m/%Y}) cannot be in the future"
    if anniversary(letter_date, 1) <= today:
        return (f"The PIP award letter is dated {letter_date:%d/%m/%Y}: it must be less than 12 months old to confirm the "
                "PIP route. Record that the proof does not confirm it, or ask the applicant for a newer award letter "
                "(request information)")
    return None
