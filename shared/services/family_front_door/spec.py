"""The Family Front Door as the engine carries it: its entry in the service registry."""

from __future__ import annotations

from shared.core.domain.services import ServiceSpec
from shared.resources import WORKFLOWS_BY_KEY, WorkflowKey
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.domain.case import ContactCase, ContactStage
from shared.services.family_front_door.domain.history import FFD_HISTORY
from shared.services.family_front_door.domain.lookups import CHILD_LOOKUP, LISTED_LOOKUPS, lookup_key, lookups
from shared.services.family_front_door.domain.notifications import REFERRER_EMAILS
from shared.services.family_front_door.domain.queue_row import ContactQueueRow
from shared.services.family_front_door.domain.retention import CONTACT_RETENTION
from shared.services.family_front_door.domain.response_watch import FFD_RESPONSE_WATCH
from shared.services.family_front_door.domain.settings import FamilyFrontDoorSettings
from shared.services.family_front_door.domain.submission import Submission
from shared.services.family_front_door.logic.accepted import CONTACT_HAND_OVER
from shared.services.family_front_door.logic.case_actions import step_actions
from shared.services.family_front_door.logic.dashboard import front_door_dashboard_tables
from shared.services.family_front_door.logic.recovery import FFD_RECOVERY
from shared.services.family_front_door.metrics import FFD_METRICS


def lookup_keys(case: ContactCase) -> list[str]:
    """The partner's and their agency's lists, and the child by surname and date of birth and by address."""
    return [lookup_key(kind, value) for kind, value in lookups(case.application)]


FAMILY_FRONT_DOOR = ServiceSpec(
    key=SERVICE_KEY,
    name="Family Front Door",
    staff_title="Family Front Door",
    home_path="/family-front-door",
    team_queue_path="/family-front-door?team={team}",
    case_path="/family-front-door/contacts/{case_id}",
    case_model=ContactCase,
    intake_model=Submission,
    intake_schema_file="ffd-submission.schema.json",
    stages=ContactStage,
    workflows=(WORKFLOWS_BY_KEY[WorkflowKey.FFD_CONTACT],),
    settings_model=FamilyFrontDoorSettings,
    emails=REFERRER_EMAILS,
    application_id=lambda submission: submission.submission_id,
    lookup_keys=lookup_keys,
    identifying_lookups=(CHILD_LOOKUP,),  # a child's surname and date of birth; an address is a household's
    queue_filters=lambda case: {"level": case.level},  # the holding area's level of need filter (indexed)
    dashboard=front_door_dashboard_tables,
    case_actions=step_actions,
    indexed_filters=("level",),
    retention=CONTACT_RETENTION,
    recovery=FFD_RECOVERY,
    history=FFD_HISTORY,
    metrics=FFD_METRICS,
    queue_row=ContactQueueRow,
    listed_lookups=LISTED_LOOKUPS,
    hand_over=CONTACT_HAND_OVER,
    response_watch=FFD_RESPONSE_WATCH,
)
