"""An accepted contact handed to the council's social care record system through the one connector
(functions/crm_connector, shared.core.logic.crm_delivery): what the Family Front Door declares (ServiceSpec.hand_over),
and keeping the id of the contact and referral episode the system opened on the contact (conditional, audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shared.core.adapters.case_store import CaseStore, StaleVersion
from shared.core.domain.case import AuditEntry
from shared.core.domain.crm import CaseHandOver
from shared.core.logic.crm_delivery import AlreadyDelivered
from shared.services.family_front_door.domain.accepted import CONTACT_ACCEPTED, ContactAccepted, episode_record
from shared.services.family_front_door.domain.case import ContactCase
from shared.services.family_front_door.domain.history import CONNECTOR_ACTOR
from shared.services.family_front_door.metrics import CONTACTS_DELIVERED_TO_RECORD_SYSTEM, RECORD_SYSTEM_DELIVERY_FAILURES

EPISODE_OPENED = "EPISODE_OPENED"


def record_episode_id(store: CaseStore, case_id: str, episode_id: str, now: Callable[[], datetime]) -> None:
    """Keep the id of the episode the system opened for the contact. A contact that already holds one raises
    AlreadyDelivered: a repeated delivery, which the connector counts as done."""
    for _ in range(3):  # a concurrent change to the contact (a note, a reassignment) is read again
        case = store.get(case_id)
        if not isinstance(case, ContactCase):
            raise LookupError(f"no contact {case_id}")
        if case.episode_id is not None:
            raise AlreadyDelivered(f"contact {case_id} already has episode {case.episode_id}")
        at = now()
        audit = AuditEntry(case_id=case_id, at=at, actor=CONNECTOR_ACTOR, action=EPISODE_OPENED, after={"episode_id": episode_id})
        try:
            store.save(case.changed(at, episode_id=episode_id), expected_version=case.version, audit=audit, before=case)
            return
        except StaleVersion:
            continue
    raise StaleVersion(f"contact {case_id} kept changing; the delivery is retried")


CONTACT_HAND_OVER = CaseHandOver(
    event=CONTACT_ACCEPTED, detail_model=ContactAccepted, record=episode_record, record_external_id=record_episode_id,
    delivered_metric=CONTACTS_DELIVERED_TO_RECORD_SYSTEM, failure_metric=RECORD_SYSTEM_DELIVERY_FAILURES,
)
