"""The services this deployment runs: one explicit list (adding a service is one entry here and its package)."""

from shared.core.domain.services import ServiceRegistry
from shared.services.asc_triage.spec import ASC_TRIAGE
from shared.services.blue_badge.spec import BLUE_BADGE
from shared.services.family_front_door.spec import FAMILY_FRONT_DOOR

# Cases stored before cases named their service are Blue Badge's, the platform's first service.
SERVICES = ServiceRegistry((BLUE_BADGE, ASC_TRIAGE, FAMILY_FRONT_DOOR), legacy=BLUE_BADGE.key)
