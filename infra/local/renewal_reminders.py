"""`python -m infra.local.renewal_reminders`: run the daily renewal reminders now, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the schedule does: invoke the renewal reminders function
through Lambda (the local stack's bridge runs the real handler) with the schedule's input, and print, per council, the
badges whose holders were reminded. A holder is reminded once a badge, when it is ISSUED and has 12 weeks or less to
run; the demo badges are new, so --days-ahead N runs it as if N days later (badges expiring from then to 12 weeks on are
reminded, each once; a badge expires when its award ends, or at 3 years).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from infra.local.commands import command_parser, stack_clients
from infra.local.reminders import run_reminders
from shared.resources import RENEWAL_REMINDERS_FUNCTION


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("renewal_reminders", __doc__)
    parser.add_argument("--days-ahead", type=float, default=0, help="run as if this many days from now (default 0)")
    args = parser.parse_args(argv)
    at = datetime.now(UTC) + timedelta(days=args.days_ahead)
    result = run_reminders(stack_clients(args)("lambda"), at, RENEWAL_REMINDERS_FUNCTION)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
