"""The local runtime: the whole serverless system on moto 5.2.5, built from shared/resources.py.

Modules: provision (create the resources), bridge (run real handlers for moto's Lambda), pump (the SQS
event source mapping), http_api (API Gateway + Cognito authorizer stand-in), seed (demo users and
applications), print_dispatch and print_results (the nightly run and the S3 notification of the supplier's
result files, on demand), __main__ (`python -m infra.local`).

Where moto needed bridging or a workaround (keep this list and the README in step):
- Lambda code only runs in Docker: bridge.install_lambda_bridge replaces LambdaFunction._invoke_lambda with
  an in-process call of the handler named by the function's Handler (Step Functions' lambda:invoke uses it).
- EventBridge -> SQS: moto's delivered envelope lacks "account", which Powertools' EventBridgeModel
  requires: install_lambda_bridge restores AWS's envelope template.
- DynamoDB backend is not thread-safe (TransactWriteItems deep-copies tables while other threads write):
  install_lambda_bridge serialises DynamoDB requests.
- StartExecution registers a RUNNING execution before building its worker, and a task callback arriving in
  that gap fails on it: install_lambda_bridge runs StartExecution and the callbacks under one lock.
- SQS event source mappings are never polled: pump.IntakePump does it (ReportBatchItemFailures semantics).
- EventBridge cannot invoke a Lambda target (no Docker): the Referral Accepted rule targets a local queue, and
  pump.EventTargetPump hands each event to the real CRM connector handler, as Lambda's async invoke would.
- API Gateway Lambda-proxy integrations and Cognito authorizers are not implemented: http_api.LocalApi.
  POST /local/token is local-only (USER_PASSWORD_AUTH) and has no AWS counterpart.
- Cognito ID tokens carry no user attributes unless the app client lists ReadAttributes (AWS includes all
  readable ones by default): provision names email and email_verified.
- Cognito runs no Lambda triggers, and signs in a user of an MFA-required pool who has no authenticator yet:
  partner_pool.install_cognito_bridge (installed by install_lambda_bridge) runs the partner pool's real pre-sign-up
  handler before SignUp and answers such a sign-in with MFA_SETUP. Sign-up and TOTP codes are not checked by moto.
- Step Functions executes only when enabled (mock_aws config, or POST /moto-api/config before state machines
  are created), and in server mode tasks call localhost:MOTO_PORT: __main__ does both in that order.
- moto's Lambda requires its role to exist in IAM: provision creates one local role.
- S3 -> Lambda notifications: moto invokes the function synchronously inside the request that wrote the object,
  swallows its errors (no retry), sends an event without userIdentity/requestParameters/responseElements/sequencer,
  and a function that moves the new object away breaks the uploader's CompleteMultipartUpload (NoSuchKey). So no
  notification is configured locally: `python -m infra.local.print_results` (print_results.deliver_inbox) lists the
  supplier's inbox and invokes print-results with the S3 event for each file, as S3 would.
- The handlers' embedded-metric-format (EMF) log lines have no log group to land in (and moto's CloudWatch matches
  dimensions as a subset, so its sums would be wrong): metrics.keep_emf_lines keeps them in a file of the run's own,
  and `python -m infra.local.metrics` adds them up per council.
Deliberate local differences: intake visibility timeout 2 s (AWS 180 s); Lambda timeouts are not enforced;
no X-Ray; EventBridge Scheduler never fires (start the print-dispatch state machine by hand; run the
information reminders with `python -m infra.local.reminders`, the renewal reminders with
`python -m infra.local.renewal_reminders`, the resume sweeper with
`python -m infra.local.resume_sweeper`, the response watch with `python -m infra.local.response_watch`); no CORS
preflight.
"""
