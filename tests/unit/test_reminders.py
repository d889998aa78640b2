"""The reminder service with tiny fakes: the window's edges, paging, and saving before emailing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.core.adapters.case_store import StaleVersion
from shared.services.blue_badge.domain.application import Application
from shared.core.domain.case import Case
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import load_councils
from shared.services.blue_badge.domain.notifications import NotificationKind
from shared.services.blue_badge.logic.reminders import PAGE_SIZE, send_information_reminders
from shared.services.blue_badge.domain.case import BadgeCase
from tests.factories import complete_application

COUNCIL = load_councils().get("NORTHSHIRE")  # reminds 7 working days before
DUE = datetime(2026, 12, 21, 17, 0, tzinfo=UTC)


def waiting(due: datetime | None = DUE, **fields) -> Case:
    case = BadgeCase.open(Application.model_validate(complete_application()), [], datetime(2026, 11, 23, tzinfo=UTC))
    return case.model_copy(update={"stage": Stage.AWAITING_INFORMATION, "information_due": due, **fields})


class FakeStore:
    """The stage queue in pages (the cursor is an offset), and saves that can be made stale."""

    def __init__(self, cases: list[Case], stale: frozenset[str] = frozenset()):
        self.cases, self.stale, self.events, self.cursors = {c.case_id: c for c in cases}, stale, [], []

    def by_stage(self, stage: Stage, limit: int, after: str | None) -> tuple[list[Case], str | None]:
        self.cursors.append(after)
        queue = [case for case in self.cases.values() if case.stage is stage]
        start = int(after or 0)
        return queue[start:start + limit], str(start + limit) if start + limit < len(queue) else None

    def save(self, case: Case, expected_version: int, audit) -> None:
        if case.case_id in self.stale:
            raise StaleVersion(case.case_id)
        assert self.cases[case.case_id].version == expected_version
        self.cases[case.case_id] = case
        self.events.append(("saved", case.case_id, audit.action))


class FakeNotifier:
    def notify(self, store: FakeStore, case: Case, kind: NotificationKind, reply_by=None) -> None:
        store.events.append(("emailed", case.case_id, kind, reply_by, case.reminder_sent_at))


def run(store: FakeStore, now: datetime) -> list[str]:
    return send_information_reminders(store, FakeNotifier(), COUNCIL, now)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "now", "reminded"),
    [
        (waiting(), DUE - timedelta(days=11), True),  # the window opens 7 working days before: Thursday 10 December
        (waiting(), DUE - timedelta(microseconds=1), True),  # the last moment
        (waiting(), DUE - timedelta(days=11, microseconds=1), False),  # too early
        (waiting(), DUE, False),  # due: the workflow withdraws it
        (waiting(reminder_sent_at=DUE - timedelta(days=6)), DUE - timedelta(days=1), False),  # reminded this round
        (waiting(due=None), DUE - timedelta(days=1), False),  # not asked yet
        (waiting(stage=Stage.SCREENING), DUE - timedelta(days=1), False),  # not waiting
    ],
)
def test_the_window(case, now, reminded):
    assert run(FakeStore([case]), now) == ([case.case_id] if reminded else [])


def test_the_reminder_is_saved_before_the_email_goes():
    case = waiting()
    store = FakeStore([case])
    now = DUE - timedelta(days=3)
    run(store, now)
    assert store.events == [
        ("saved", case.case_id, "REMINDER_SENT"),
        ("emailed", case.case_id, NotificationKind.INFORMATION_REMINDER, DUE.date(), now),
    ]
    assert store.cases[case.case_id].version == case.version + 1


def test_every_page_of_the_queue_is_read():
    cases = [waiting() for _ in range(PAGE_SIZE + 1)]
    store = FakeStore(cases)
    assert run(store, DUE - timedelta(days=1)) == [case.case_id for case in cases]
    assert store.cursors == [None, str(PAGE_SIZE)]


def test_a_case_changed_meanwhile_is_skipped_and_not_emailed():
    changed, unchanged = waiting(), waiting()
    store = FakeStore([changed, unchanged], stale=frozenset({changed.case_id}))
    assert run(store, DUE - timedelta(days=1)) == [unchanged.case_id]
    assert [event[:2] for event in store.events] == [("saved", unchanged.case_id), ("emailed", unchanged.case_id)]
