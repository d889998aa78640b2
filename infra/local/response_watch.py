"""`python -m infra.local.response_watch`: count, per service and council, the cases near and past their response target
now (adult social care referrals against their routing target, Family Front Door contacts against their level's
target), against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the 15-minute schedule does: invoke the response watch
through Lambda (the local stack's bridge runs the real handler, which writes the CasesDueSoon and CasesOverdue metrics
`./dev metrics` shows). Synchronously, so that the counts, or the error, show.
"""

from __future__ import annotations

import json

from infra.local.commands import command_parser, stack_clients
from shared.resources import RESPONSE_WATCH_FUNCTION


def main(argv: list[str] | None = None) -> int:
    args = command_parser("response_watch", __doc__).parse_args(argv)
    response = stack_clients(args)("lambda").invoke(FunctionName=RESPONSE_WATCH_FUNCTION.function_name, Payload=b"{}")
    print(json.dumps(json.loads(response["Payload"].read()), indent=2))
    return 1 if "FunctionError" in response else 0


if __name__ == "__main__":
    raise SystemExit(main())
