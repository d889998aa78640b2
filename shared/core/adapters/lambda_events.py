"""A handler's event read as its pydantic model."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


def parsed_event(model: type[Model]) -> Callable[[Callable[[Model, Any], Any]], Callable[[dict, Any], Any]]:
    """Call the handler with the event validated as `model` (a pydantic ValidationError names each bad field), as
    Powertools' event_parser does without an envelope. Importing that parser costs every cold start about 40 ms (its
    envelopes and the models of every AWS event source) in functions that never use them."""

    def decorate(handler: Callable[[Model, Any], Any]) -> Callable[[dict, Any], Any]:
        @functools.wraps(handler)
        def parse_then_handle(event: dict, context: Any) -> Any:
            return handler(model.model_validate(event), context)

        return parse_then_handle

    return decorate
