"""Writes the published JSON Schemas (schemas/*.json) from the pydantic models: `python -m shared.schemas`."""

import json

from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.national import NationalApplication
from shared.resources import PROJECT_ROOT

# The detail of a `National Application Submitted` event (shared.resources.NATIONAL_APPLICATION_SUBMITTED): an application
# in the national service's own format, as its Applications API 1.0.8 defines it (shared/services/blue_badge/domain/national.py).
SCHEMAS = {"application.schema.json": Application, "events/national-application-submitted.schema.json": NationalApplication}


def main() -> None:
    for filename, model in SCHEMAS.items():
        path = PROJECT_ROOT / "schemas" / filename
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
