"""Where a person with some support needs, but not eligible ones, is sent at once: a council's community directory
and its hubs, as configuration data, and the bookings people make at a hub.

Outcome ids are those of the Care and Support (Eligibility Criteria) Regulations 2015 (the ten of an adult, and the
carer's two of their own), plus support for carers and general advice. An entry serves postcode districts (outward codes, "NE1" of "NE1 4XF") or "ALL".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from shared.core.domain.formats import Email, LongText, Text, is_valid_postcode, normalise_postcode
from shared.services.asc_triage.domain.business_hours import LONDON, is_bank_holiday

Outcome = Literal[
    "nutrition",
    "personal_hygiene",
    "toilet_needs",
    "clothing",
    "home_safety",
    "habitable_home",
    "relationships",
    "work_education_volunteering",
    "community_facilities",
    "caring_for_child",
    "caring_for_others",  # a carer's outcomes, regulation 3(2)(b), beside those shared with adults
    "recreation",
    "carer_support",
    "general",
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
GENERAL = "general"  # an entry that helps with anything: offered to everyone, after the entries for their outcomes
ALL_AREAS = "ALL"

Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)  # in date.weekday() order
# A page asks for weeks of slots; a bound keeps a hostile date range from building a huge list.
MAX_SLOT_RANGE = timedelta(days=366)

_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def postcode_district(postcode: str) -> str | None:
    """The outward code of a full postcode ("NE1" of "NE1 4XF"), or None for a postcode that cannot be read."""
    return normalise_postcode(postcode).split(" ")[0] if is_valid_postcode(postcode) else None


def _district(value: str) -> str:
    district = value.strip().upper()
    if not _DISTRICT.match(district):
        raise ValueError(f"{value!r} is not a postcode district (the first part of a postcode, e.g. NE1)")
    return district


def _postcode(value: str) -> str:
    if not is_valid_postcode(value):
        raise ValueError(f"{value!r} is not a UK postcode")
    return normalise_postcode(value)


District = Annotated[str, AfterValidator(_district)]
Postcode = Annotated[str, AfterValidator(_postcode)]
DirectoryId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ]{10,16}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DirectoryEntry(_Frozen):
    """A community organisation or prevention service a person can be signposted to."""

    id: DirectoryId
    organisation: Text
    helps_with: tuple[Outcome, ...] = Field(min_length=1)
    description: LongText
    phone: Phone | None = None
    email: Email | None = None
    web: HttpUrl | None = None
    area: Literal["ALL"] | Annotated[tuple[District, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _reachable(self) -> DirectoryEntry:
        if self.phone is None and self.email is None and self.web is None:
            raise ValueError(f"directory entry {self.id} needs a phone number, an email address or a web address")
        return self

    def serves(self, district: str | None) -> bool:
        return self.area == ALL_AREAS or district in self.area


OpeningWindow = tuple[time, time]


class Hub(_Frozen):
    """A local hub where people book an appointment; `slots_per_time` people can be seen in each slot."""

    id: DirectoryId
    name: Text
    address: LongText
    postcode: Postcode
    opening_hours: Mapping[Weekday, tuple[OpeningWindow, ...]]  # London wall time; a day not named is closed
    slot_minutes: int = Field(ge=5, le=480)
    slots_per_time: int = Field(ge=1, le=100)

    @model_validator(mode="after")
    def _windows_in_order(self) -> Hub:
        for weekday, windows in self.opening_hours.items():
            ends = [moment for window in windows for moment in window]
            if ends != sorted(ends) or any(opens == closes for opens, closes in windows):
                raise ValueError(f"hub {self.id}: {weekday} opening times must run forward and not overlap")
        return self


class CommunityDirectory(_Frozen):
    """One council's directory and hubs (its configuration)."""

    entries: tuple[DirectoryEntry, ...] = ()
    hubs: tuple[Hub, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> CommunityDirectory:
        for kind, ids in (("entry", [entry.id for entry in self.entries]), ("hub", [hub.id for hub in self.hubs])):
            if repeated := sorted({one for one in ids if ids.count(one) > 1}):
                raise ValueError(f"directory {kind} ids must be unique: {', '.join(repeated)}")
        return self

    def hub(self, hub_id: str) -> Hub | None:
        return next((hub for hub in self.hubs if hub.id == hub_id), None)


def signposts_for(directory: CommunityDirectory, outcome_ids: Iterable[str], postcode: str | None) -> list[DirectoryEntry]:
    """The entries serving the person's area that help with at least one of their outcomes (or with anything),
    those that help with more of them first; at equal match, the local ones before those for the whole area,
    then in the council's order. A postcode that cannot be read matches only entries for the whole area."""
    wanted = set(outcome_ids)
    if unknown := sorted(wanted - set(OUTCOMES)):
        raise ValueError(f"unknown outcome ids: {', '.join(unknown)}")
    district = postcode_district(postcode) if postcode else None
    ranked = []
    for position, entry in enumerate(directory.entries):
        matched = len(wanted.intersection(entry.helps_with))
        if entry.serves(district) and (matched or GENERAL in entry.helps_with):
            ranked.append((-matched, entry.area == ALL_AREAS, position, entry))
    return [entry for *_, entry in sorted(ranked, key=lambda ranking: ranking[:3])]


def hub_slot_starts(hub: Hub, first_day: date, last_day: date, nation: str) -> list[datetime]:
    """Start times (UTC) of the hub's slots from `first_day` to `last_day` inclusive, in order: each opening window
    holds as many whole slots as fit from its opening; the nation's bank holidays are closed."""
    if last_day - first_day > MAX_SLOT_RANGE:
        raise ValueError(f"a slot range is at most {MAX_SLOT_RANGE.days} days")
    length = timedelta(minutes=hub.slot_minutes)
    starts = []
    day = first_day
    while day <= last_day:
        if not is_bank_holiday(day, nation):
            for opens, closes in hub.opening_hours.get(WEEKDAYS[day.weekday()], ()):
                start, closing = datetime.combine(day, opens), datetime.combine(day, closes)
                while start + length <= closing:
                    starts.append(start.replace(tzinfo=LONDON).astimezone(UTC))
                    start += length
        day += timedelta(days=1)
    return starts


class BookingStatus(StrEnum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"


class HubVisitor(_Frozen):
    """Who a hub appointment is for, and how to reach them."""

    name: Text
    contact: Text  # a phone number or an email address, as given
    referral_reference: Text | None = None  # the referral that signposted them, when there is one


class Booking(_Frozen):
    booking_id: str
    hub_id: str
    slot_start: AwareDatetime
    visitor: HubVisitor
    status: BookingStatus
    booked_at: AwareDatetime
    cancelled_at: AwareDatetime | None = None
