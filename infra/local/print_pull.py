"""`python -m infra.local.print_pull`: collect the print supplier's result files from its own (local stand-in) SFTP
server into its inbox and apply them, against a running `./dev run`.

EventBridge Scheduler never fires in moto, so this does what the hourly schedule does: invoke the print pull through
Lambda (the local stack's bridge runs the real handler), then, as S3's notification would, the print results for each
file that landed in the inbox (infra.local.print_results). Leave a file in the stand-in's results folder first (the
banner prints where its folders are).
"""

from __future__ import annotations

import json

from infra.local.commands import command_parser, stack_clients
from infra.local.print_results import deliver_inbox
from shared.resources import PRINT_PULL_FUNCTION


def main(argv: list[str] | None = None) -> int:
    args = command_parser("print_pull", __doc__).parse_args(argv)
    clients = stack_clients(args)
    response = clients("lambda").invoke(FunctionName=PRINT_PULL_FUNCTION.function_name, Payload=b"{}")
    pulled = json.loads(response["Payload"].read() or b"null")
    print(json.dumps(pulled, indent=2))
    if "FunctionError" in response:
        return 1
    answers = deliver_inbox(clients("s3"), clients("lambda"))
    for answer in answers:
        print(f"{answer['key']}: {'FAILED ' if answer['failed'] else ''}{json.dumps(answer['answer'])}")
    return 1 if any(answer["failed"] for answer in answers) else 0


if __name__ == "__main__":
    raise SystemExit(main())
