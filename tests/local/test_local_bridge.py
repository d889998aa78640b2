"""The bridge runs a real Python handler for a state machine's lambda:invoke task; errors reach Retry/Catch."""

import json
import time

import pytest

from infra.local.bridge import install_lambda_bridge, lambda_context
from infra.local.provision import client_factory
from shared.resources import API_FUNCTION

STANDIN_HANDLER = "tests.local.standins.double"


def _definition(function_arn: str) -> str:
    return json.dumps(
        {
            "StartAt": "Double",
            "States": {
                "Double": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
                    "ResultSelector": {"value.$": "$.Payload.value", "function_name.$": "$.Payload.function_name"},
                    "Catch": [{"ErrorEquals": ["StandInError"], "ResultPath": "$.error", "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        }
    )


@pytest.fixture
def aws(module_stack):
    return module_stack[0]


@pytest.fixture
def resources(module_stack):
    return module_stack[1]


@pytest.fixture(scope="module")
def state_machine(module_stack):
    session, resources, _ = module_stack
    clients = client_factory(session)
    function_arn = clients("lambda").create_function(
        FunctionName="standin-double", Runtime="python3.12", Role=resources.execution_role_arn,
        Handler=STANDIN_HANDLER, Code={"ZipFile": b"unused"},
    )["FunctionArn"]
    sfn = clients("stepfunctions")
    arn = sfn.create_state_machine(name="standin", definition=_definition(function_arn), roleArn=resources.execution_role_arn)["stateMachineArn"]
    return sfn, arn


def _run(sfn, state_machine_arn: str, name: str, payload: dict) -> dict:
    execution_arn = sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))["executionArn"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"execution {name} still running")


def test_lambda_invoke_task_runs_the_real_handler(state_machine):
    sfn, arn = state_machine
    execution = _run(sfn, arn, "ok", {"value": 21})
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {"value": 42, "function_name": "standin-double"}


def test_handler_exception_has_lambda_error_type_and_is_caught_by_catch(state_machine):
    sfn, arn = state_machine
    execution = _run(sfn, arn, "caught", {"fail": "on purpose"})
    assert execution["status"] == "SUCCEEDED"
    error = json.loads(execution["output"])["error"]
    assert error["Error"] == "StandInError"
    cause = json.loads(error["Cause"])
    assert cause["errorType"] == "StandInError"
    assert cause["errorMessage"] == "asked to fail: on purpose"


def test_uncaught_handler_exception_fails_the_execution_with_its_type(state_machine):
    sfn, arn = state_machine
    execution = _run(sfn, arn, "crashed", {"crash": True})
    assert execution["status"] == "FAILED"
    assert execution["error"] == "ValueError"


def test_direct_invoke_returns_handler_result_or_function_error(aws, resources, state_machine):
    lambda_client = aws.client("lambda")
    ok = lambda_client.invoke(FunctionName="standin-double", Payload=json.dumps({"value": 1}))
    result = json.loads(ok["Payload"].read())
    assert result["value"] == 2 and 0 < result["remaining_ms"] <= 3000  # moto's default 3 s timeout
    failed = lambda_client.invoke(FunctionName="standin-double", Payload=json.dumps({"fail": "x"}))
    assert failed["FunctionError"]
    assert json.loads(failed["Payload"].read())["errorType"] == "StandInError"


def test_install_is_idempotent():
    from moto.awslambda.models import LambdaFunction

    install_lambda_bridge()
    patched = LambdaFunction._invoke_lambda
    install_lambda_bridge()
    assert LambdaFunction._invoke_lambda is patched


def test_lambda_context_looks_like_lambdas():
    context = lambda_context(API_FUNCTION)
    assert context.function_name == API_FUNCTION.function_name
    assert context.invoked_function_arn.endswith(f":function:{API_FUNCTION.function_name}")
    assert context.memory_limit_in_mb == 128
    assert len(context.aws_request_id) == 36
    assert 0 < context.get_remaining_time_in_millis() <= 30_000
