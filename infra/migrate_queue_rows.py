"""Step (1) of moving an existing deployment to the row-projecting work-queue indexes (shared/resources.py lists the
steps): every case stored before queue rows were kept is written again with its row, council by council.

Run once per deployment, with the deploying account's credentials, after deploying the code that writes rows and before
adding the "-rows" indexes:

    .venv/bin/python -m infra.migrate_queue_rows [--council CODE ...] [--region eu-west-2]

It Scans each council's table (a maintenance job: nothing in a request path Scans) and writes each case only while it
is at the version read, without changing it (no new version, no history entry). Running it again writes nothing more.
Exit status 1 if any case was left (it kept changing while written): run it again.
"""

from __future__ import annotations

import argparse

import boto3

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.council import load_councils
from shared.core.logic.migrations import write_queue_rows
from shared.resources import DEFAULT_REGION, council_table_name


def main(argv: list[str] | None = None, client=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.migrate_queue_rows", description=__doc__.splitlines()[0])
    parser.add_argument("--council", nargs="+", metavar="CODE", help="these councils only (default: every council deployed)")
    parser.add_argument("--region", default=DEFAULT_REGION)
    args = parser.parse_args(argv)
    councils = load_councils()
    unknown = sorted(set(args.council or ()) - {council.code for council in councils})
    if unknown:
        parser.error(f"not a council of this deployment: {', '.join(unknown)}")
    client = client or boto3.client("dynamodb", region_name=args.region)
    left = 0
    for council in councils:
        if args.council and council.code not in args.council:
            continue
        outcome = write_queue_rows(CaseStore(client, council_table_name(council.code)))
        left += len(outcome.left)
        print(f"{council.code}: {outcome.written} cases written with their queue rows"
              + (f"; left (changing while written, run again): {', '.join(outcome.left)}" if outcome.left else ""))
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
