"""Writes the published JSON Schemas (schemas/*.json) from the pydantic models: `python -m shared.schemas`."""

import json

from shared.services.blue_badge.domain.application import Application
from shared.resources import PROJECT_ROOT

SCHEMAS = {"application.schema.json": Application}


def main() -> None:
    for filename, model in SCHEMAS.items():
        path = PROJECT_ROOT / "schemas" / filename
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
