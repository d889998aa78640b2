"""`python -m infra.local.print_results`: apply the print supplier's result files waiting in its inbox, against a
running `./dev run` - S3's part, which the local stack does not play.

In AWS each object created under SUPPLIER_INBOX makes S3 invoke the print-results function, asynchronously, with the
S3 event for that object (retried twice if the function fails). moto 5.2.5 does invoke a function for a bucket
notification, but not the way S3 does: synchronously, inside the request that wrote the object (the uploader waits
while the function runs); every error is swallowed (no retry, no trace); the event lacks fields AWS sends
(userIdentity, requestParameters, responseElements, the sequencer); and a function that moves the new object away,
as this one does, makes the uploader's CompleteMultipartUpload fail with NoSuchKey. So the local stack configures no
notification, and this command lists the inbox and invokes the function through the Lambda API with the S3 event for
each file, one file per invocation, as S3 would. Drop a file first, e.g.
`aws --endpoint-url http://127.0.0.1:4566 s3 cp confirmations.xml s3://casework-print-drop-local/supplier/from-supplier/`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus


from infra.local.bridge import LOCAL_ACCOUNT_ID
from infra.local.commands import command_parser, stack_clients
from shared.resources import DEFAULT_REGION, PRINT_DROP_BUCKET_LOCAL_NAME, PRINT_RESULTS_FUNCTION, SUPPLIER_INBOX

NOTIFICATION_ID = "supplier-inbox-to-print-results"  # the configurationId S3 reports


def s3_event(bucket: str, key: str, size: int, etag: str, region: str = DEFAULT_REGION, at: datetime | None = None,
             sequencer: str = "0") -> dict[str, Any]:
    """The event S3 sends a function for one object created (AWS's notification structure, event version 2.1)."""
    at = at or datetime.now(UTC)
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": f"AWS:{LOCAL_ACCOUNT_ID}"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": NOTIFICATION_ID,
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": LOCAL_ACCOUNT_ID}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": etag.strip('"'), "sequencer": sequencer},
        },
    }]}


def inbox_events(s3: Any, bucket: str = PRINT_DROP_BUCKET_LOCAL_NAME) -> Iterator[dict[str, Any]]:
    """One S3 event per object in the supplier's inbox, oldest first (S3 notifies in the order objects are written)."""
    objects = [item for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=SUPPLIER_INBOX)
               for item in page.get("Contents", [])]
    for position, item in enumerate(sorted(objects, key=lambda item: (item["LastModified"], item["Key"])), start=1):
        yield s3_event(bucket, item["Key"], item["Size"], item["ETag"], at=item["LastModified"], sequencer=f"{position:016X}")


def deliver_inbox(s3: Any, lambda_client: Any, bucket: str = PRINT_DROP_BUCKET_LOCAL_NAME) -> list[dict[str, Any]]:
    """Invoke the print-results function for each file in the inbox; what each invocation answered."""
    answers = []
    for event in inbox_events(s3, bucket):
        response = lambda_client.invoke(FunctionName=PRINT_RESULTS_FUNCTION.function_name, Payload=json.dumps(event))
        payload = json.loads(response["Payload"].read() or b"null")
        answers.append({"key": event["Records"][0]["s3"]["object"]["key"], "failed": "FunctionError" in response, "answer": payload})
    return answers


def main(argv: list[str] | None = None) -> int:
    args = command_parser("print_results", __doc__).parse_args(argv)
    clients = stack_clients(args)
    answers = deliver_inbox(clients("s3"), clients("lambda"))
    if not answers:
        print(f"nothing in s3://{PRINT_DROP_BUCKET_LOCAL_NAME}/{SUPPLIER_INBOX}")
    for answer in answers:
        if answer["failed"]:
            print(f"{answer['key']}: FAILED {json.dumps(answer['answer'])}")
            continue
        for file in answer["answer"]["files"]:
            if file["quarantined"]:
                print(f"{file['file']}: quarantined to {file['moved_to']}: {file['quarantined']}")
            else:
                print(f"{file['file']}: {file['issued']} issued, {file['rejected']} rejected, {len(file['skipped'])} skipped"
                      f" -> {file['moved_to']}")
                for skipped in file["skipped"]:
                    print(f"  skipped {skipped['badge_number']}: {skipped['reason']}")
    return 1 if any(answer["failed"] for answer in answers) else 0


if __name__ == "__main__":
    raise SystemExit(main())
