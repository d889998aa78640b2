"""Run the real Python handlers where moto would run Lambda code.

moto runs Lambda code only in Docker, which these machines do not have. Step Functions' `lambda:invoke`
tasks go through moto's Lambda backend (Invoke -> LambdaFunction.invoke -> LambdaFunction._invoke_lambda),
so replacing `_invoke_lambda` with an in-process call of the handler named by the function's Handler
(a dotted path, as in FunctionSpec.handler) is the one bridge needed. Everything around it (Invoke API,
Payload, FunctionError, Retry/Catch in the state machine) stays moto's own.

The pump and the HTTP adapter call handlers the same way, through `call_handler` and `lambda_context`.
`install_lambda_bridge` also repairs two moto gaps that the real handlers run into: the event envelope
EventBridge delivers, and DynamoDB's lack of thread safety.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from shared.resources import DEFAULT_REGION, FunctionSpec

log = logging.getLogger(__name__)

LOCAL_ACCOUNT_ID = "123456789012"  # moto's default account
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MEMORY_MB = 128
_BRIDGE_MARK = "_casework_local_bridge"


class LocalLambdaContext:
    """The parts of Lambda's context object that handlers and Powertools read.

    The timeout is not enforced; it only feeds get_remaining_time_in_millis (Powertools Idempotency uses it).
    """

    def __init__(
        self,
        function_name: str,
        invoked_function_arn: str,
        memory_limit_in_mb: int = DEFAULT_MEMORY_MB,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_context(function: FunctionSpec, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> LocalLambdaContext:
    """A fresh context (new request id) for one invocation of `function`."""
    arn = f"arn:aws:lambda:{DEFAULT_REGION}:{LOCAL_ACCOUNT_ID}:function:{function.function_name}"
    return LocalLambdaContext(function.function_name, arn, timeout_seconds=timeout_seconds)


def load_handler(dotted_path: str) -> Callable[[Any, Any], Any]:
    """Import a handler by its dotted path ("package.module.function") at call time.

    Importing late matters: handler modules read os.environ at import, which provisioning sets.
    """
    module_name, _, attribute = dotted_path.rpartition(".")
    if not module_name:
        raise ValueError(f"handler {dotted_path!r} is not a dotted path 'module.function'")
    return getattr(importlib.import_module(module_name), attribute)


def error_payload(error: BaseException, context: LocalLambdaContext) -> dict[str, Any]:
    """What Lambda's Python runtime returns for an unhandled exception; Step Functions reads errorType."""
    return {
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "requestId": context.aws_request_id,
        "stackTrace": traceback.format_tb(error.__traceback__),
    }


def call_handler(dotted_path: str, event: Any, context: LocalLambdaContext) -> tuple[Any, bool]:
    """Call the handler; returns (result, False), or (Lambda's error payload, True) if it raised."""
    try:
        return load_handler(dotted_path)(event, context), False
    except Exception as error:  # a handler error is data here, as it is for Lambda
        log.exception("handler %s failed (request %s)", dotted_path, context.aws_request_id)
        return error_payload(error, context), True


# AWS's envelope for an event delivered to a target. moto 5.2.5's default template leaves out "account",
# which Powertools' EventBridgeModel (and so the ingest handler) requires.
AWS_EVENT_ENVELOPE_TEMPLATE = (
    '{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", "account": "<account>", '
    '"time": <time>, "region": "<region>", "resources": <resources>, "detail": <detail>}'
)


def install_lambda_bridge() -> None:
    """Patch moto in this process so the system runs as in AWS. Safe to call more than once.

    1. Lambda Invoke runs the real handler in-process (the bridge).
    2. EventBridge delivers the complete event envelope to targets (a moto gap: "account" is missing).
    3. DynamoDB requests are served one at a time: moto's backend is not thread-safe (TransactWriteItems
       deep-copies whole tables while other threads write: "dictionary changed size during iteration"),
       and the pump, workflow tasks and API write concurrently.
    4. Cognito's pre-sign-up trigger and MFA set-up (infra/local/partner_pool.py).
    5. A callback never meets an execution that is registered but not started yet (see below).
    """
    from moto.awslambda.models import LambdaFunction  # moto only when the bridge is wanted
    from moto.dynamodb.responses import DynamoHandler
    from moto.events.utils import EventTemplateParser

    from infra.local.partner_pool import install_cognito_bridge  # (it calls handlers through this module)

    EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = AWS_EVENT_ENVELOPE_TEMPLATE
    install_cognito_bridge()
    if getattr(LambdaFunction._invoke_lambda, _BRIDGE_MARK, False):
        return

    dynamodb_lock = threading.RLock()
    serve_dynamodb_request = DynamoHandler.call_action

    def call_action_serialised(self: DynamoHandler) -> Any:
        with dynamodb_lock:
            return serve_dynamodb_request(self)

    DynamoHandler.call_action = call_action_serialised
    _start_executions_atomically()

    def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        # moto passes the parsed JSON payload, or the string "{}" when the request had no body.
        if event is None or isinstance(event, (str, bytes)):
            event = json.loads(event or "{}")
        context = LocalLambdaContext(self.function_name, self.function_arn, int(self.memory_size), float(self.timeout))
        result, errored = call_handler(self.handler, event, context)
        try:
            payload = json.dumps(result)
        except TypeError as error:  # Lambda fails such a response the same way
            payload, errored = json.dumps({"errorType": "Runtime.MarshalError", "errorMessage": f"Unable to marshal response: {error}"}), True
        # (payload, errored, logs) is what moto's Invoke expects; handler logs go to this process's output.
        return payload, errored, ""

    setattr(_invoke_lambda, _BRIDGE_MARK, True)
    LambdaFunction._invoke_lambda = _invoke_lambda


def _start_executions_atomically() -> None:
    """moto's StartExecution appends the execution (status RUNNING) and only then builds its worker; a
    SendTaskSuccess/Failure/Heartbeat from another thread in that gap walks the RUNNING executions and fails
    on the worker-less one ("'NoneType' object has no attribute 'callback_pool_manager'"). In AWS the two
    calls are independent, so start and callbacks share one lock here; each holds it only for moto's
    bookkeeping (the execution itself runs on its own thread)."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    execution_lock = threading.RLock()

    def serialised(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with execution_lock:
                return method(*args, **kwargs)

        return call

    for name in ("start_execution", "send_task_success", "send_task_failure", "send_task_heartbeat"):
        setattr(StepFunctionsParserBackend, name, serialised(getattr(StepFunctionsParserBackend, name)))
