"""Blue Badge as the engine carries it: its entry in the service registry (shared.services.registry)."""

from __future__ import annotations

from shared.services.blue_badge.domain.queue_row import BadgeQueueRow
from shared.core.domain.services import ServiceSpec
from shared.resources import WORKFLOWS_BY_KEY, WorkflowKey
from shared.services.blue_badge import SERVICE_KEY
from shared.services.blue_badge.domain.history import BLUE_BADGE_HISTORY
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.badge import Badge
from shared.services.blue_badge.domain.national import NationalStatusReport
from shared.services.blue_badge.domain.case import BadgeCase, Stage
from shared.services.blue_badge.domain.notifications import BLUE_BADGE_EMAILS
from shared.services.blue_badge.domain.settings import BlueBadgeSettings
from shared.services.blue_badge.logic.dashboard import badge_dashboard_tables
from shared.services.blue_badge.logic.recovery import BLUE_BADGE_RECOVERY
from shared.services.blue_badge.domain.retention import BADGE_RETENTION
from shared.services.blue_badge.logic.case_actions import step_actions
from shared.services.blue_badge.metrics import BLUE_BADGE_METRICS


def lookup_keys(case: BadgeCase) -> list[str]:
    """Search keys of a case: the holder's NI number, postcode and surname with date of birth, an organisation's
    postcode, and the badge an application replaces or cancels."""
    application = case.application
    keys: list[str] = []
    holder = application.holder
    if holder is not None:
        if holder.nino:
            keys.append(f"LOOKUP#NINO#{holder.nino}")
        if holder.address and holder.address.postcode:
            keys.append(f"LOOKUP#POSTCODE#{holder.address.postcode.replace(' ', '')}")
        if holder.surname and holder.date_of_birth:
            keys.append(f"LOOKUP#PERSON#{holder.surname.upper()}#{holder.date_of_birth.isoformat()}")
    organisation = application.organisation
    if organisation is not None and organisation.address and organisation.address.postcode:
        keys.append(f"LOOKUP#POSTCODE#{organisation.address.postcode.replace(' ', '')}")
    if application.existing_badge_number:
        keys.append(f"LOOKUP#BADGE#{application.existing_badge_number}")
    return keys


def queue_filters(case: BadgeCase) -> dict[str, str]:
    """A team narrows a stage's queue by application type and by eligibility route (each with an index)."""
    filters = {"application_type": case.application.application_type.value}
    if case.application.eligibility is not None:
        filters["route"] = case.application.eligibility.code.value
    return filters


BLUE_BADGE = ServiceSpec(
    key=SERVICE_KEY,
    name="Blue Badge",
    staff_title="Blue Badge casework",
    home_path="/queue",
    team_queue_path="/queue?team={team}",
    case_path="/cases/{case_id}",
    case_model=BadgeCase,
    intake_model=Application,
    intake_schema_file="application.schema.json",
    stages=Stage,
    workflows=tuple(WORKFLOWS_BY_KEY[key] for key in (WorkflowKey.APPLICATION, WorkflowKey.REPLACEMENT,
                                                      WorkflowKey.CANCELLATION, WorkflowKey.PRINT_DISPATCH)),
    settings_model=BlueBadgeSettings,
    emails=BLUE_BADGE_EMAILS,
    application_id=lambda application: application.application_id,
    lookup_keys=lookup_keys,
    identifying_lookups=("NINO", "PERSON"),
    queue_filters=queue_filters,
    dashboard=badge_dashboard_tables,
    case_actions=step_actions,
    indexed_filters=("application_type", "route"),
    recovery=BLUE_BADGE_RECOVERY,
    records=(Badge, NationalStatusReport),  # NationalStatusReport: statuses owed to a national Applications API
    retention=BADGE_RETENTION,
    history=BLUE_BADGE_HISTORY,
    metrics=BLUE_BADGE_METRICS,
    queue_row=BadgeQueueRow,

)
