"""Cases for the case page tests: opened through the real intake and workflow on the package's moto stack."""

from __future__ import annotations

import random
import re
from html import unescape

from shared.bootstrap import intake_service, store_for
from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import Stage
from tests.factories import complete_application
from tests.integration.conftest import upload_intake_files, wait_for_step
from tests.web.conftest import Browser, Page

NORTHSHIRE = "NORTHSHIRE"


def someone_new(**overrides) -> dict:
    """A complete application for a person nobody else in the run is (one badge per person)."""
    tag = "".join(random.choices("ABCDEFGHJKLMNPRSTUVWXYZ", k=8))
    return complete_application(
        NORTHSHIRE, channel="PAPER", holder__surname=f"Tester{tag.title()}", holder__nino=f"JK{random.randint(0, 999999):06d}A",
        contact__email=f"{tag.lower()}@example.com", **overrides)


def open_case(application: dict | None = None) -> str:
    application = upload_intake_files(application or someone_new())
    outcome = intake_service().accept(Application.model_validate(application), actor="user:test")
    assert outcome.case_id, outcome
    return outcome.case_id


def at(case_id: str, stage: Stage) -> Case:
    return wait_for_step(store_for(NORTHSHIRE), case_id, stage)


def case_now(case_id: str) -> Case:
    return store_for(NORTHSHIRE).get(case_id)


def send(browser: Browser, path: str, fields: dict, version: int | None = None) -> Page:
    """Fill in the form at `path` as a person would: its CSRF token, and the version of the case it shows."""
    form = browser.get(path)
    assert form.status == 200, form.text
    shown = re.search(r'name="expected_version" value="(\d*)"', form.html)
    sent = {"csrf_token": form.csrf_token, **fields}
    if shown and "expected_version" not in fields:
        sent["expected_version"] = str(version) if version is not None else shown.group(1)
    return browser.post(path, sent)


def error_summary(page: Page) -> list[str]:
    """The error summary's messages, in order."""
    block = re.search(r'govuk-error-summary__list">(.*?)</ul>', page.html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", block.group(1), flags=re.S)] if block else []
