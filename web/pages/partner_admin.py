"""Family Front Door: the council admin's page of partner agencies. The allow-list (which email domains admit which
agency, and each agency's permissions) and the partner accounts, with suspend and re-enable; every change audited (who,
when, what) and the latest changes listed on the page.

Council admins of a council that runs the Family Front Door only, each for their own council: everything is read
from and written to the council's own table, and a partner is suspended only if the council has their account.
"""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router
from pydantic import ValidationError

from shared.bootstrap import councils, partner_directory_for, partner_pool
from shared.core.domain.case import utcnow
from shared.core.domain.council import CouncilConfig
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.adapters.partner_directory import AllowListRefused, PartnerDirectory
from shared.services.family_front_door.domain.agencies import (
    PERMISSION_NAMES,
    Agency,
    AgencyKind,
    AllowedDomain,
    DomainRefused,
    normalise_domain,
)
from shared.services.family_front_door.logic.partners import SwitchIncomplete, enable, suspend
from web.forms import Errors, errors_from
from web.page import posted, render_page, require_any
from web.rendering import redirect

router = Router()

PAGE_PATH = "/partners"
TITLE = "Partner agencies"
DONE = {
    "agency": "The agency is saved.", "domain": "The domain is on the allow-list.", "removed": "The domain is removed.",
    "suspended": "The partner's account is suspended: they are signed out within minutes.", "enabled": "The partner's account is enabled again.",
}
AGENCY_FIELDS = {"agency_id": "agency-id", "name": "agency-name", "kind": "agency-kind", "permissions": "agency-permissions"}


def _admin() -> tuple[Caller, CouncilConfig, PartnerDirectory]:
    who = require_any(router, Role.COUNCIL_ADMIN, doing="managing the Family Front Door's partner agencies")
    council = councils().get(who.council_code) if who.council_code else None
    if council is None or not council.runs(SERVICE_KEY):
        raise NotFoundError("Your council does not run the Family Front Door")
    return who, council, partner_directory_for(council.code)


def _page(directory: PartnerDirectory, status: HTTPStatus = HTTPStatus.OK, errors: Errors | None = None,
          values: dict[str, object] | None = None) -> Response:
    allow_list = directory.allow_list()
    query = router.current_event.query_string_parameters or {}
    editing = allow_list.agency(query.get("edit", "")) if values is None else None
    values = values or ({"agency_id": editing.agency_id, "name": editing.name, "kind": editing.kind.value,
                         "permissions": [permission.value for permission in editing.permissions]} if editing else {})
    return render_page(
        router, "partner_admin/index.html", status, title=TITLE, errors=errors, values=values, allow_list=allow_list,
        accounts=sorted(directory.accounts(), key=lambda account: account.email), audit=directory.audit_trail(),
        kinds=list(AgencyKind), permission_names=PERMISSION_NAMES, done=DONE.get(query.get("done", "")),
    )


@router.get(PAGE_PATH)
def partner_agencies() -> Response:
    _, _, directory = _admin()
    return _page(directory)


@router.post(f"{PAGE_PATH}/agencies")
def save_agency() -> Response:
    who, _, directory = _admin()
    form = posted(router)
    values: dict[str, object] = {"agency_id": form.get("agency_id").lower(), "name": form.get("name"), "kind": form.get("kind"),
                                 "permissions": form.all("permissions")}
    try:
        agency = Agency.model_validate(values)
    except ValidationError as error:
        return _page(directory, HTTPStatus.BAD_REQUEST, errors_from(error, AGENCY_FIELDS), values)
    directory.save_agency(agency, who.actor, utcnow())
    return redirect(f"{PAGE_PATH}?done=agency")


@router.post(f"{PAGE_PATH}/domains")
def allow_domain() -> Response:
    who, _, directory = _admin()
    form = posted(router)
    errors = Errors()
    try:
        domain = normalise_domain(form.get("domain"))
    except DomainRefused as refused:
        errors.add("domain", str(refused))
    if not form.get("agency"):
        errors.add("domain-agency", "Select the agency this domain admits")
    if not errors:
        try:
            directory.allow_domain(AllowedDomain(domain=domain, agency_id=form.get("agency")), who.actor, utcnow())
        except AllowListRefused as refused:
            errors.add("domain", str(refused))
    if errors:
        return _page(directory, HTTPStatus.BAD_REQUEST, errors, {"domain": form.get("domain"), "domain_agency": form.get("agency")})
    return redirect(f"{PAGE_PATH}?done=domain")


@router.post(f"{PAGE_PATH}/domains/remove")
def remove_domain() -> Response:
    who, _, directory = _admin()
    try:
        directory.remove_domain(posted(router).get("domain").lower(), who.actor, utcnow())
    except AllowListRefused as refused:
        return _page(directory, HTTPStatus.BAD_REQUEST, _one("domain", str(refused)))
    return redirect(f"{PAGE_PATH}?done=removed")


def _switch_account(suspending: bool) -> Response:
    who, _, directory = _admin()
    email = posted(router).get("email").lower()
    try:
        (suspend if suspending else enable)(email, directory, partner_pool(), who.actor, utcnow())
    except AllowListRefused as refused:
        return _page(directory, HTTPStatus.BAD_REQUEST, _one("accounts", str(refused)))
    except SwitchIncomplete as incomplete:  # the message says what is true now
        return _page(directory, HTTPStatus.SERVICE_UNAVAILABLE, _one("accounts", str(incomplete)))
    return redirect(f"{PAGE_PATH}?done={'suspended' if suspending else 'enabled'}")


@router.post(f"{PAGE_PATH}/accounts/suspend")
def suspend_account() -> Response:
    return _switch_account(True)


@router.post(f"{PAGE_PATH}/accounts/enable")
def enable_account() -> Response:
    return _switch_account(False)


def _one(field_id: str, message: str) -> Errors:
    errors = Errors()
    errors.add(field_id, message)
    return errors

