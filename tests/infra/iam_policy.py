"""Evaluates the synthesised identity policies as IAM would, for the constructs this app's policies use.

moto's IAM enforcement checks actions only: it ignores Resource elements, conditions and policy variables
(moto/iam/access_control.py says so), and no package on the registry evaluates ${aws:PrincipalTag/...} in a
policy offline. This evaluator covers exactly what our statements contain - Allow/Deny, Action and Resource with
`*`/`?` wildcards, policy variables in resources and condition values, and the condition operators listed in
OPERATORS - and raises on anything else, so an unknown construct can never be read as "allowed".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

ACCOUNT, REGION, PARTITION = "111122223333", "eu-west-2", "aws"
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def resolve(value: Any, attributes: Mapping[str, str]) -> Any:
    """CloudFormation intrinsics to plain strings: Fn::Join, Ref of pseudo parameters, Fn::GetAtt from `attributes`."""
    if isinstance(value, list):
        return [resolve(item, attributes) for item in value]
    if not isinstance(value, dict):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(resolve(part, attributes) for part in parts)
    if "Ref" in value:
        pseudo = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": PARTITION, "AWS::URLSuffix": "amazonaws.com"}
        return pseudo.get(value["Ref"]) or attributes[value["Ref"]]
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return attributes[f"{logical_id}.{attribute}"]
    return {key: resolve(item, attributes) for key, item in value.items()}


def _substitute(text: str, context: Mapping[str, Any]) -> str | None:
    """Policy variables replaced from the request context; None if one is missing (the statement then matches nothing)."""
    missing = [name for name in _VARIABLE.findall(text) if name not in context]
    return None if missing else _VARIABLE.sub(lambda match: str(context[match.group(1)]), text)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _like(pattern: str, value: str) -> bool:
    return fnmatchcase(value, pattern)


OPERATORS = {
    "StringEquals": lambda expected, actual: actual == expected,
    "StringLike": lambda expected, actual: _like(expected, actual),
    "ArnLike": lambda expected, actual: _like(expected, actual),
    "ArnEquals": lambda expected, actual: actual == expected,
    "Bool": lambda expected, actual: str(actual).lower() == str(expected).lower(),
}


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, Any]) -> bool:
    if operator == "Null":
        return (key not in context) == (str(expected).lower() == "true")
    qualifier, _, base = operator.rpartition(":")
    if base not in OPERATORS or qualifier not in ("", "ForAllValues", "ForAnyValue"):
        raise NotImplementedError(f"condition operator {operator} is not evaluated here")
    if key not in context:
        return qualifier == "ForAllValues"  # IAM: ForAllValues over an absent key is true
    patterns = [_substitute(str(item), context) for item in _listed(expected)]
    actual_values = [str(item) for item in _listed(context[key])]
    matches = [any(pattern is not None and OPERATORS[base](pattern, actual) for pattern in patterns) for actual in actual_values]
    return all(matches) if qualifier == "ForAllValues" else any(matches)


def _statement_applies(statement: Mapping[str, Any], action: str, resource: str, context: Mapping[str, Any]) -> bool:
    unsupported = set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}
    if unsupported:
        raise NotImplementedError(f"statement elements {sorted(unsupported)} are not evaluated here")
    if not any(fnmatchcase(action.lower(), pattern.lower()) for pattern in _listed(statement["Action"])):
        return False
    resources = [_substitute(pattern, context) for pattern in _listed(statement["Resource"])]
    if not any(pattern is not None and fnmatchcase(resource, pattern) for pattern in resources):
        return False
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, block in statement.get("Condition", {}).items()
        for key, expected in block.items()
    )


def allowed(statements: Iterable[Mapping[str, Any]], action: str, resource: str, context: Mapping[str, Any] | None = None) -> bool:
    """Whether the identity policy allows `action` on `resource` for a request with `context` (no explicit deny)."""
    context = context or {}
    applying = [statement for statement in statements if _statement_applies(statement, action, resource, context)]
    return any(s["Effect"] == "Allow" for s in applying) and not any(s["Effect"] == "Deny" for s in applying)
