"""What every signed-in page needs: the layout's context (navigation, CSRF token, session timer) and drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import ForbiddenError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import councils
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.resources import Role, needs_role
from shared.core.logic.tenancy import Caller
from shared.services.registry import SERVICES
from web.forms import Form
from web.rendering import render_html
from web.security import RESUME_PREFIX, current_form, current_session, draft_store
from web.sessions import SESSION_WARNING, WebSession

LEADER_ROLES = (Role.TEAM_LEADER, Role.COUNCIL_ADMIN)


@dataclass(frozen=True)
class NavItem:
    href: str
    text: str
    roles: tuple[Role, ...] | None = None  # None: everyone signed in to a council
    service: str | None = None  # shown only to staff of councils that run this service


def _sections(caller: Caller, council: CouncilConfig | None) -> list[NavItem]:
    from web.pages import NAVIGATION  # with the routers: the pages (and services) this deployment has

    return [item for item in NAVIGATION
            if (item.roles is None or caller.has_any(*item.roles))
            and (item.service is None or (council is not None and council.runs(item.service)))]


def _active(sections: list[NavItem], path: str) -> NavItem | None:
    """The section a path is in: the longest item it is under (so /referrals/dashboard is not also Referrals)."""
    under = [item for item in sections if path == item.href or (item.href != "/" and path.startswith(item.href))]
    return max(under, key=lambda item: len(item.href)) if under else None


def navigation(caller: Caller, path: str, council: CouncilConfig | None) -> list[dict[str, Any]]:
    """govukServiceNavigation items for this caller and council; the current section is marked active."""
    shown = _sections(caller, council)
    active = _active(shown, path)
    return [{"href": item.href, "text": item.text, "active": item is active, "current": path == item.href} for item in shown]


def staff_title(caller: Caller, path: str, council: CouncilConfig | None) -> str:
    """The service named in the header and title: that of the section the page is in; on the engine's own pages, the
    council's one service, or the deployment's first service where the council runs several (or none is known)."""
    active = _active(_sections(caller, council), path)
    running = [spec.key for spec in SERVICES if council is not None and council.runs(spec.key)]
    key = active.service if active is not None and active.service else (running[0] if len(running) == 1 else SERVICES.legacy)
    return SERVICES.get(key).staff_title


def render_page(router: Router, template: str, status: HTTPStatus = HTTPStatus.OK, **context: Any) -> Response:
    """A signed-in page: the layout gets the session, the navigation and the timeout warning's timings."""
    session: WebSession = current_session(router)
    now = utcnow()
    council = councils().get(session.council_code) if session.council_code else None
    return render_html(
        template,
        status,
        session=session,
        caller=session.caller,
        csrf_token=session.csrf_token,
        navigation=navigation(session.caller, router.current_event.path, council),
        serviceName=staff_title(session.caller, router.current_event.path, council),
        session_seconds=session.seconds_left(now),
        warn_seconds=int(SESSION_WARNING.total_seconds()),
        councilName=council.name if council else "national",
        **context,
    )


def caller(router: Router) -> Caller:
    return current_session(router).caller


def posted(router: Router) -> Form:
    return current_form(router)


def require_any(router: Router, *roles: Role, doing: str) -> Caller:
    who = caller(router)
    if not who.has_any(*roles):
        raise ForbiddenError(needs_role(doing, roles))
    return who


@dataclass(frozen=True)
class SavedWork:
    fields: dict[str, list[str]]
    saved_at: datetime
    after_timeout: bool  # kept when the session ended mid-form, rather than saved by the person

    def value(self, name: str) -> str:
        values = self.fields.get(name)
        return values[-1] if values else ""

    def values(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))


def saved_work(router: Router, form_path: str | None = None) -> SavedWork | None:
    """The draft of the form at this path: work kept when the session ended, else a saved draft."""
    user = current_session(router).user
    path = form_path or router.current_event.path
    store = draft_store()
    for key, after_timeout in ((RESUME_PREFIX + path, True), (path, False)):
        found = store.load(user, key)
        if found:
            return SavedWork(fields=found[0], saved_at=found[1], after_timeout=after_timeout)
    return None


def save_draft(router: Router, form_path: str | None = None) -> bool:
    return draft_store().save(current_session(router).user, form_path or router.current_event.path, posted(router).without_csrf())


def discard_drafts(router: Router, form_path: str | None = None) -> None:
    """Once a form is sent, its drafts go."""
    user = current_session(router).user
    path = form_path or router.current_event.path
    for key in (RESUME_PREFIX + path, path):
        draft_store().discard(user, key)
