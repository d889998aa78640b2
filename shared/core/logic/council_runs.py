"""A scheduled job's run over every council: each council is tried even when another fails (one council's failure
must not hold up the others), and the failures are reported together at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel

from shared.core.domain.council import CouncilConfig

Done = TypeVar("Done")


class ScheduledRun(BaseModel):
    """A daily schedule's input; a run started by hand may leave the time out (then: now)."""

    scheduled_time: AwareDatetime | None = None


class CouncilsFailed(RuntimeError):
    """Raised once every council was tried, so that the failed run reaches the function's errors alarm."""


@dataclass
class CouncilRun(Generic[Done]):
    done: dict[str, Done] = field(default_factory=dict)  # council code -> what the work returned
    failed: list[str] = field(default_factory=list)

    def raise_if_failed(self, what: str) -> None:
        if self.failed:
            raise CouncilsFailed(f"{what} failed for {', '.join(self.failed)}")


def for_every_council(councils: Iterable[CouncilConfig], work: Callable[[CouncilConfig], Done], what: str, logger: Any) -> CouncilRun[Done]:
    """`logger`: the handler's Powertools Logger (or any with `exception(msg, extra=...)`)."""
    run: CouncilRun[Done] = CouncilRun()
    for council in councils:
        try:
            run.done[council.code] = work(council)
        except Exception:  # noqa: BLE001 - logged with its trace, and reported by raise_if_failed
            logger.exception(f"{what} failed", extra={"council_code": council.code})
            run.failed.append(council.code)
    return run
