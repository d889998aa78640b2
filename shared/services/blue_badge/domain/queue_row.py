"""A Blue Badge case's line in a work queue (shared.core.domain.queue_row): the team queue's, My work's and
GET /cases' columns."""

from __future__ import annotations

from typing import Self

from shared.core.domain.queue_row import QueueRow
from shared.services.blue_badge.domain.application import ApplicationType, Channel, EligibilityCode
from shared.services.blue_badge.domain.case import BadgeCase, Stage
from shared.services.blue_badge.domain.completeness import MissingCode
from shared.services.blue_badge.domain.pip import routes_automatically


class BadgeQueueRow(QueueRow):
    stage: Stage
    application_type: ApplicationType
    channel: Channel
    route: EligibilityCode | None  # the eligibility route
    missing: list[MissingCode]
    routes_automatically: bool  # which days-to-decision target applies (shared.services.blue_badge.domain.kpi)

    @classmethod
    def of(cls, case: BadgeCase) -> Self:
        application = case.application
        holder, organisation = application.holder, application.organisation
        if holder is not None and holder.surname:
            name = " ".join(part for part in (holder.forenames, holder.surname) if part)
        else:
            name = organisation.name if organisation is not None else "Name not given"
        return cls(**cls.common(case), name=name, application_type=application.application_type, channel=application.channel,
                   route=application.eligibility.code if application.eligibility else None,
                   missing=[item.code for item in case.missing], routes_automatically=routes_automatically(application))
