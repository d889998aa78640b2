"""Whether a council's bar on reapplying after a refusal stops an application becoming a case (domain/reapplication.py):
the person's other cases are found by their search keys (a Query each, then a GetItem per case), only where the council
bars reapplying and the application is a new one or a renewal."""

from __future__ import annotations

from datetime import datetime

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.case import ParkReason
from shared.core.domain.council import CouncilConfig
from shared.core.logic.people import same_person_case_ids
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.blue_badge.domain.reapplication import BARRED_TYPES, reapplication_barred
from shared.services.blue_badge.domain.settings import badge_settings


def reapplication_bar(store: CaseStore, council: CouncilConfig, application: Application, now: datetime) -> ParkReason | None:
    """The reason the application is barred (None: it may become a case)."""
    months = badge_settings(council).reapply_bar_months
    if months <= 0 or application.application_type not in BARRED_TYPES:
        return None  # no bar: no lookups
    probe = BadgeCase.open(application, [], now)  # the person's search keys, as the case would have them
    earlier = [case for case_id in same_person_case_ids(store, probe) if (case := store.get(case_id)) is not None]
    return reapplication_barred(application, earlier, months, now.date())
