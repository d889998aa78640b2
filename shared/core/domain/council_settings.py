"""A council's own settings, changed by its council admin in the web UI without a redeploy, over its deployment entry.

The deployment configuration (shared/config/councils.json) still decides which councils exist, which services each
runs and everything not named here. A council admin may change only the council fields in EDITABLE and, for each
service the council runs, the fields its settings model names in COUNCIL_EDITABLE (ServiceSettings). The changes are
validated with the same models as the deployment configuration, over the council's deployment entry, so a value the
deployment could not hold is refused, naming its field (e.g. `services.blue-badge.badge_fee_pence`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.core.domain.council import CouncilConfig, CouncilSettingsInvalid, field_problems, with_service_settings

if TYPE_CHECKING:
    from shared.core.domain.services import ServiceRegistry

# The council's own fields its admin may change (each service's are its settings model's COUNCIL_EDITABLE).
EDITABLE = ("contact", "welsh_name", "information_request_days", "information_reminder_days")
SERVICES = "services"


class StoredSettings(BaseModel):
    """The council admin's changes as stored in the council's table: only the values that differ from the deployment
    entry, so a later deployment change to anything else still takes effect. `version` is the optimistic lock."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    changes: dict[str, Any] = Field(default_factory=dict)
    version: int = Field(ge=1)
    updated_by: str
    updated_at: datetime


def editable_fields(council: CouncilConfig, service_key: str) -> tuple[str, ...]:
    return type(council.settings_for(service_key)).COUNCIL_EDITABLE


def _not_editable(council: CouncilConfig, changes: dict[str, Any]) -> list[tuple[str, str]]:
    problems = [(key, "is not a setting a council admin may change") for key in changes if key not in (*EDITABLE, SERVICES)]
    service_changes = changes.get(SERVICES, {})
    if not isinstance(service_changes, dict):
        return [*problems, (SERVICES, "must be an object of settings by service")]
    for key, fields in service_changes.items():
        if not council.runs(key):
            problems.append((f"{SERVICES}.{key}", f"{council.name} does not run this service"))
        elif not isinstance(fields, dict):
            problems.append((f"{SERVICES}.{key}", "must be an object of settings"))
        else:
            editable = editable_fields(council, key)
            problems += [(f"{SERVICES}.{key}.{name}", "is not a setting a council admin may change") for name in fields if name not in editable]
    return problems


def overlay(council: CouncilConfig, changes: dict[str, Any], services: ServiceRegistry) -> CouncilConfig:
    """The council as it is now: its deployment entry with the admin's `changes` over it, validated by the same models
    (CouncilConfig, each service's settings model with the council as context, its EmailCatalogue's placeholders).
    CouncilSettingsInvalid names each field a change may not touch or that the models refuse."""
    if not changes:
        return council
    if problems := _not_editable(council, changes):
        raise CouncilSettingsInvalid(problems)
    entry = council.model_dump(mode="json", exclude={SERVICES})
    entry.update({key: value for key, value in changes.items() if key != SERVICES})
    entry[SERVICES] = {key: {**settings.model_dump(mode="json"), **changes.get(SERVICES, {}).get(key, {})}
                       for key, settings in council.services.items()}
    try:
        merged = CouncilConfig.model_validate(entry)
    except ValidationError as error:
        raise CouncilSettingsInvalid(field_problems(error)) from None
    return with_service_settings(merged, services)


def changed_from(deployed: CouncilConfig, proposed: dict[str, Any]) -> dict[str, Any]:
    """Of the values a council admin proposes (in the changes' shape), those that differ from the deployment entry."""
    def differs(value: Any, deployed_value: Any) -> bool:
        return json.dumps(value, sort_keys=True, default=str) != json.dumps(deployed_value, sort_keys=True, default=str)

    deployed_entry = deployed.model_dump(mode="json", exclude={SERVICES})
    changes: dict[str, Any] = {key: value for key, value in proposed.items()
                               if key != SERVICES and differs(value, deployed_entry.get(key))}
    for key, fields in proposed.get(SERVICES, {}).items():
        deployed_service = deployed.settings_for(key).model_dump(mode="json") if deployed.runs(key) else {}
        if changed := {name: value for name, value in fields.items() if differs(value, deployed_service.get(name))}:
            changes.setdefault(SERVICES, {})[key] = changed
    return changes


def editable_values(council: CouncilConfig) -> dict[str, Any]:
    """Every value a council admin may change, as the council has it now (the changes' shape)."""
    entry = council.model_dump(mode="json", exclude={SERVICES})
    return {**{key: entry[key] for key in EDITABLE},
            SERVICES: {key: {name: value for name, value in settings.model_dump(mode="json").items() if name in editable_fields(council, key)}
                       for key, settings in council.services.items()}}
