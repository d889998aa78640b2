"""The routing clock of adult social care referrals: 24 hours, counted in business hours.

A referral that plainly meets the eligibility threshold must reach the council's front door team within 24 business
hours. Business hours are Monday to Friday, 09:00 to 17:00 Europe/London, less the bank holidays of the council's
nation (the `holidays` package's GB calendars; their data ships inside the package, so nothing is fetched).

Times are counted on London wall time: clocks change at night on a Sunday, so every business day is 8 real hours long,
and a due time after a clock change is still 09:00-17:00 local (one hour apart in UTC from the same time before it).
"""

# The clock is the core's (shared.core.domain.business_hours), shared with the other services that count business hours.
from shared.core.domain.business_hours import (  # noqa: F401 - re-exported
    CLOSES,
    LONDON,
    ONE_HOUR,
    OPENS,
    ROUTING_TARGET_HOURS,
    ClockState,
    Nation,
    RoutingClock,
    add_business_hours,
    business_hours_between,
    is_bank_holiday,
    is_business_day,
)
