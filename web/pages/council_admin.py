"""The council admin's pages (/admin/...): the council's staff accounts and the council's settings, without a redeploy.

Only a council admin, and only of their own council: every account is looked up through the council (an account of
another council, or a national administrator, is "not found"), roles and teams are built from the council's own code,
and the settings are the caller's council's. Every action is audited in the council's table and listed on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.router import Router

from shared.bootstrap import council_admin_records_for, councils, staff_accounts
from shared.core.adapters.council_admin_records import SETTINGS_PARTITION, SettingsChangedMeanwhile
from shared.core.adapters.staff_accounts import StaffAccount
from shared.core.domain.case import AuditEntry, utcnow
from shared.core.domain.council import CouncilConfig, CouncilSettingsInvalid
from shared.core.logic.council_admin import AdminRefused, StaffAdmin, save_settings, staff_subject
from shared.core.logic.tenancy import Caller
from shared.resources import ROLE_NAMES, Role
from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.registry import SERVICES
from web.forms import Errors, Form
from web.page import posted, render_page, require_any
from web.rendering import redirect

router = Router()

STAFF_PATH = "/admin/staff"
SETTINGS_PATH = "/admin/settings"
EMAILS_PATH = f"{SETTINGS_PATH}/emails"
NOT_FOUND = "If you typed the web address, check it is correct."
DONE = {  # ?done=<action> on the page an action returns to: the confirmation banner's words
    "invited": "Invitation sent. Cognito has emailed them a temporary password.",
    "access": "Roles and teams saved.", "disabled": "Account disabled: they can no longer sign in.",
    "enabled": "Account enabled: they can sign in again.",
    "mfa": "Authenticator app reset: they will set up a new one when they next sign in.",
    "settings": "Settings saved. They apply from now on.", "email": "Email wording saved. It applies from now on.",
}
ACTIONS = {"STAFF_INVITED": "Invited", "STAFF_ACCESS_CHANGED": "Roles or teams changed", "STAFF_DISABLED": "Account disabled",
           "STAFF_ENABLED": "Account enabled", "STAFF_MFA_RESET": "Authenticator app reset",
           "COUNCIL_SETTINGS_CHANGED": "Settings changed"}
CHANGED_MEANWHILE = "Someone saved the council's settings while you were changing them. Open them again to see their changes, then make yours."


def _admin(doing: str) -> tuple[CouncilConfig, Caller]:
    who = require_any(router, Role.COUNCIL_ADMIN, doing=doing)
    council = councils().get(who.council_code) if who.council_code else None
    if council is None:
        raise NotFoundError(NOT_FOUND)
    return council, who


def _done() -> str | None:
    return DONE.get((router.current_event.query_string_parameters or {}).get("done", ""))


def audit_rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """The audit as the pages list it: when, who, what (each changed value before and after)."""
    def shown(value: Any) -> str:
        return ", ".join(map(str, value)) if isinstance(value, list) else ("none" if value in (None, "", {}) else str(value))

    rows = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = [f"{name}: {shown(before[name]) + ' to ' if name in before else ''}{shown(after.get(name))}" for name in after]
        subject = entry.case_id.removeprefix("STAFF#") if entry.case_id != SETTINGS_PARTITION else "Council settings"
        rows.append({"at": entry.at, "by": entry.actor.removeprefix("user:"), "what": ACTIONS.get(entry.action, entry.action),
                     "subject": subject, "changes": changes})
    return rows


# ---------------------------------------------------------------- staff accounts
def _staff_admin(council: CouncilConfig, who: Caller) -> StaffAdmin:
    return StaffAdmin(council, staff_accounts(), council_admin_records_for(council.code), who)


def _account(admin: StaffAdmin, username: str) -> StaffAccount:
    account = admin.account(username) if 0 < len(username) <= 128 else None
    if account is None:
        raise NotFoundError("There is no such account in your council.")
    return account


@router.get(STAFF_PATH)
def staff_list() -> Response:
    council, who = _admin("Managing staff accounts")
    records = council_admin_records_for(council.code)
    return render_page(router, "council_admin/staff.html", title="Staff accounts", council=council,
                       staff=_staff_admin(council, who).staff(), signed_in=records.last_sign_ins(),
                       audit=audit_rows(records.recent_audit()), role_names=ROLE_NAMES, done=_done())


def _team_names(council: CouncilConfig) -> dict[str, str]:
    return {team.key: team.name for team in council.teams}


@router.route(f"{STAFF_PATH}/invite", method=["GET", "POST"])
def invite() -> Response:
    council, who = _admin("Inviting staff")
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        try:
            _staff_admin(council, who).invite(form.get("email"), form.all("roles"), form.all("teams"), utcnow())
        except AdminRefused as refused:
            errors.add(refused.field, refused.message)
        else:
            return redirect(f"{STAFF_PATH}?done=invited")
    return render_page(router, "council_admin/invite.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title="Invite someone", values=form, errors=errors, role_names=ROLE_NAMES, team_names=_team_names(council))


@router.get(f"{STAFF_PATH}/<username>")
def staff_member(username: str) -> Response:
    council, who = _admin("Managing staff accounts")
    return _member_page(council, _account(_staff_admin(council, who), username), Form(), Errors())


def _member_page(council: CouncilConfig, account: StaffAccount, values: Form, errors: Errors) -> Response:
    records = council_admin_records_for(council.code)
    return render_page(router, "council_admin/member.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=account.email, account=account, values=values, errors=errors, role_names=ROLE_NAMES,
                       team_names=_team_names(council), signed_in=records.last_sign_ins().get(account.email),
                       audit=audit_rows(records.recent_audit(staff_subject(account.email))), done=_done())


@router.post(f"{STAFF_PATH}/<username>/<action>")
def staff_action(username: str, action: str) -> Response:
    council, who = _admin("Managing staff accounts")
    admin = _staff_admin(council, who)
    account = _account(admin, username)
    form, now = posted(router), utcnow()
    steps = {"access": lambda: admin.set_access(account, form.all("roles"), form.all("teams"), now),
             "disable": lambda: admin.disable(account, now), "enable": lambda: admin.enable(account, now),
             "mfa": lambda: admin.reset_authenticator(account, now)}
    if action not in steps:
        raise NotFoundError(NOT_FOUND)
    try:
        steps[action]()
    except AdminRefused as refused:
        errors = Errors()
        errors.add(refused.field, refused.message)
        return _member_page(council, account, form, errors)
    done = {"disable": "disabled", "enable": "enabled"}.get(action, action)
    return redirect(f"{STAFF_PATH}/{account.username}?done={done}")


# ---------------------------------------------------------------- the council's settings
@dataclass(frozen=True)
class SettingField:
    id: str  # the input's id and name
    path: str  # where its value is in the settings (dotted; the models' errors name it)
    label: str
    kind: str = "text"  # text, days, pounds or lines


COUNCIL_FIELDS = (
    SettingField("contact-phone", "contact.phone", "Phone number for the public"),
    SettingField("contact-email", "contact.email", "Email address for the public"),
    SettingField("contact-web", "contact.web", "Web page for the public"),
    SettingField("information-request-days", "information_request_days", "Working days to wait for missing information", "days"),
    SettingField("information-reminder-days", "information_reminder_days", "Working days before that deadline to send a reminder", "days"),
)
BADGE_FIELDS = (
    SettingField("fee", f"services.{BLUE_BADGE}.badge_fee_pence", "Badge fee", "pounds"),
    SettingField("days-to-decision", f"services.{BLUE_BADGE}.kpi.days_to_decision", "Target for a decision, in working days", "days"),
    SettingField("days-to-decision-automatic", f"services.{BLUE_BADGE}.kpi.days_to_decision_automatic",
                 "Target for a decision on the automatic routes, in working days", "days"),
    SettingField("signpost-url", f"services.{BLUE_BADGE}.signpost_url", "Web page of other parking help, for refused applicants"),
    SettingField("refusal-reasons", f"services.{BLUE_BADGE}.refusal_reasons", "Standard reasons for a refusal", "lines"),
)
PROBLEM_FIELDS = {"(entry)": "information-reminder-days"}  # the reminder-before-deadline rule is about the two days fields
WORDS = {  # how the models' complaints about a few patterns read to a person
    "contact-phone": "Enter a phone number of 10 to 16 digits, like 01632 960001",
    "contact-email": "Enter an email address in the correct format, like bluebadge@council.gov.uk",
}


def _fields(council: CouncilConfig) -> tuple[SettingField, ...]:
    return COUNCIL_FIELDS + (BADGE_FIELDS if council.runs(BLUE_BADGE) else ())


def _at(values: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        values = values.get(part) if isinstance(values, dict) else None
    return values


def _put(values: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        values = values.setdefault(part, {})
    values[last] = value


def _shown(field: SettingField, value: Any) -> str:
    if field.kind == "pounds":
        return f"{Decimal(value) / 100:.2f}"
    if field.kind == "lines":
        return "\n".join(value)
    return "" if value is None else str(value)


def _edits(council: CouncilConfig, form: Form, errors: Errors) -> dict[str, Any]:
    """The form's values in the settings' shape (each object whole: every part of it is on the form); what is not a
    number where one is needed goes in `errors`."""
    edits: dict[str, Any] = {}
    for field in _fields(council):
        raw = form.get(field.id)
        if field.kind == "days":
            if not raw.isdigit() or len(raw) > 4:
                errors.add(field.id, f"{field.label}: enter a whole number of days, like 20")
                continue
            value: Any = int(raw)
        elif field.kind == "pounds":
            try:
                pounds = Decimal(raw.removeprefix("£").strip() or "x")
            except InvalidOperation:
                pounds = Decimal(-1)
            if pounds < 0 or pounds != pounds.quantize(Decimal("0.01")) or pounds > 1000:
                errors.add(field.id, f"{field.label}: enter an amount in pounds, like 10 or 10.00 (0 for none)")
                continue
            value = int(pounds * 100)
        elif field.kind == "lines":
            value = [line.strip() for line in raw.splitlines() if line.strip()]
        else:
            value = raw
        _put(edits, field.path, value)
    return edits


def _problem_message(label: str, message: str) -> str:
    message = message.removeprefix("Value error, ")
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _settings_errors(problems: CouncilSettingsInvalid, fields: tuple[SettingField, ...]) -> Errors:
    """The models' problems on the inputs they are about (a problem deeper in a field, e.g. one refusal reason, on it;
    a rule across fields on the field PROBLEM_FIELDS names, else the first)."""
    errors = Errors()
    for path, message in problems.problems:
        field = next((field for field in fields if path == field.path or path.startswith(f"{field.path}.")), None) \
            or next((field for field in fields if field.id == PROBLEM_FIELDS.get(path)), fields[0])
        errors.add(field.id, WORDS.get(field.id) or _problem_message(field.label, message))
    return errors


@router.route(SETTINGS_PATH, method=["GET", "POST"])
def settings_page() -> Response:
    council, who = _admin("Changing the council's settings")
    records = council_admin_records_for(council.code)
    stored = records.settings()
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        edits = _edits(council, form, errors)
        if not errors:
            try:
                save_settings(records, councils().deployed(council.code), council, edits, _version(form), who, utcnow(), SERVICES)
            except CouncilSettingsInvalid as problems:
                errors = _settings_errors(problems, _fields(council))
            except SettingsChangedMeanwhile:
                return _changed_meanwhile()
            else:
                return redirect(f"{SETTINGS_PATH}?done=settings")
    values = {field.id: form.get(field.id) if form.fields else _shown(field, _current(council, field.path)) for field in _fields(council)}
    return render_page(router, "council_admin/settings.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title="Council settings", council=council, council_fields=COUNCIL_FIELDS,
                       badge_fields=BADGE_FIELDS if council.runs(BLUE_BADGE) else (), values=values, errors=errors,
                       version=stored.version if stored else 0, audit=audit_rows(records.recent_audit(SETTINGS_PARTITION)), done=_done())


def _current(council: CouncilConfig, path: str) -> Any:
    if path.startswith("services."):
        _, key, rest = path.split(".", 2)
        return _at(council.settings_for(key).model_dump(mode="json"), rest)
    return _at(council.model_dump(mode="json", exclude={"services"}), path)


def _version(form: Form) -> int:
    """The stored settings' version the form was built from (0: none stored); not a version: SettingsChangedMeanwhile."""
    version = form.get("version")
    if not (version.isdigit() and len(version) <= 9):
        raise SettingsChangedMeanwhile(f"the form's version {version[:12]!r} is not one")
    return int(version)


def _changed_meanwhile() -> Response:
    return render_page(router, "error.html", status=HTTPStatus.CONFLICT, title="The settings have changed since you opened them",
                       message=CHANGED_MEANWHILE, back_href=SETTINGS_PATH, back_text="Open the council settings again")


# ---------------------------------------------------------------- the wording of the emails
def _kind_label(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


@router.get(EMAILS_PATH)
def emails_page() -> Response:
    council, _ = _admin("Changing the council's email wording")
    services = [(SERVICES.get(key), council.settings_for(key).email_templates) for key in council.services]
    return render_page(router, "council_admin/emails.html", title="Email wording", services=services, kind_label=_kind_label,
                       done=_done())


@router.route(f"{EMAILS_PATH}/<service_key>/<kind>", method=["GET", "POST"])
def email_wording(service_key: str, kind: str) -> Response:
    council, who = _admin("Changing the council's email wording")
    if not council.runs(service_key) or kind not in SERVICES.get(service_key).emails.kinds:
        raise NotFoundError(NOT_FOUND)
    spec = SERVICES.get(service_key)
    overrides = dict(council.settings_for(service_key).email_templates)
    records = council_admin_records_for(council.code)
    stored = records.settings()
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        if form.get("action") == "standard":
            overrides.pop(kind, None)
        else:
            for part in ("subject", "body"):
                if not form.get(part):
                    errors.add(part, f"Enter the email's {part}")
            overrides[kind] = {"subject": form.get("subject"), "body": form.fields.get("body", [""])[-1].strip()}
        if not errors:
            edits = {"services": {service_key: {"email_templates": {
                name: template if isinstance(template, dict) else template.model_dump() for name, template in overrides.items()}}}}
            try:
                save_settings(records, councils().deployed(council.code), council, edits, _version(form), who, utcnow(), SERVICES)
            except CouncilSettingsInvalid as problems:
                for path, message in problems.problems:
                    part = "body" if path.endswith(".body") else "subject"
                    errors.add(part, _problem_message(f"The {part}", message))
            except SettingsChangedMeanwhile:
                return _changed_meanwhile()
            else:
                return redirect(f"{EMAILS_PATH}?done=email")
    template = council.settings_for(service_key).email_templates.get(kind) or spec.emails.templates[kind]
    values = {"subject": form.get("subject") if form.fields else template.subject,
              "body": form.fields.get("body", [""])[-1] if form.fields else template.body}
    return render_page(router, "council_admin/email.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=f"{_kind_label(kind)} email", spec=spec, kind=kind, values=values, errors=errors,
                       own_wording=kind in council.settings_for(service_key).email_templates,
                       placeholders=spec.emails.placeholders, version=stored.version if stored else 0)
