"""The council admin's pages (/admin/...): the council's staff accounts and the council's settings, without a redeploy.

Only a council admin, and only of their own council: every account is looked up through the council (an account of
another council, or a national administrator, is "not found"), roles and teams are built from the council's own code,
and the settings are the caller's council's. Every action is audited in the council's table and listed on the pages.
"""

from __future__ import annotations

import copy
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
from shared.core.domain.council_settings import editable_values
from shared.core.logic.council_admin import AdminRefused, StaffAdmin, save_settings, staff_subject
from shared.core.logic.tenancy import Caller
from shared.resources import ROLE_NAMES, Role
from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
from shared.services.asc_triage.domain.settings import triage_settings
from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.family_front_door import SERVICE_KEY as FAMILY_FRONT_DOOR
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.registry import SERVICES
from web.forms import Errors, Form
from web.page import posted, render_page, require_any
from web.rendering import redirect

router = Router()

STAFF_PATH = "/admin/staff"
SETTINGS_PATH = "/admin/settings"
EMAILS_PATH = f"{SETTINGS_PATH}/emails"
SERVICE_SETTINGS_PATH = f"{SETTINGS_PATH}/services"  # /<service key>: the settings of one of the council's services
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
    path: str  # where its value is in the settings (dotted, a list's items by position; the models' errors name it)
    label: str
    kind: str = "text"  # text, optional (empty: none), days, hours, whole-<unit> (hours, months, people), pounds, lines, welsh-lines, yes-no or teams
    hint: str | None = None
    pairs_with: str | None = None  # welsh-lines: the path of the English lines each line gives the Welsh of
    words: str | None = None  # how the models' complaint about its value (a pattern) reads to a person


COUNCIL_FIELDS = (
    SettingField("contact-phone", "contact.phone", "Phone number for the public"),
    SettingField("contact-email", "contact.email", "Email address for the public"),
    SettingField("contact-web", "contact.web", "Web page for the public"),
    SettingField("information-request-days", "information_request_days", "Working days to wait for missing information", "days"),
    SettingField("information-reminder-days", "information_reminder_days", "Working days before that deadline to send a reminder", "days"),
)
WELSH_NAME = SettingField("welsh-name", "welsh_name", "The council's name in Welsh", "optional",
                          "Used in the Welsh text of the council's emails and letters. Leave it empty to use the English name.")
BADGE_FIELDS = (
    SettingField("fee", f"services.{BLUE_BADGE}.badge_fee_pence", "Badge fee", "pounds"),
    SettingField("days-to-decision", f"services.{BLUE_BADGE}.kpi.days_to_decision", "Target for a decision, in working days", "days"),
    SettingField("days-to-decision-automatic", f"services.{BLUE_BADGE}.kpi.days_to_decision_automatic",
                 "Target for a decision on the automatic routes, in working days", "days"),
    SettingField("signpost-url", f"services.{BLUE_BADGE}.signpost_url", "Web page of other parking help, for refused applicants"),
    SettingField("refusal-reasons", f"services.{BLUE_BADGE}.refusal_reasons", "Standard reasons for a refusal", "lines"),
    SettingField("reapply-bar-months", f"services.{BLUE_BADGE}.reapply_bar_months",
                 "Months after a refusal before the same person may apply again", "whole-months",
                 "0 for no wait (at most 12). An application within the wait is parked with the reason, for staff to see."),
    SettingField("replacement-fee", f"services.{BLUE_BADGE}.replacement_fee", "Charge the badge fee again for a replacement", "yes-no"),
    SettingField("organisation-min-people", f"services.{BLUE_BADGE}.organisation_min_people_carried",
                 "Fewest eligible people an organisation must carry", "whole-people",
                 "0 for no minimum. Screening states it on an organisation's case for the decision."),
)
WELSH_REFUSAL_REASONS = SettingField(
    "welsh-refusal-reasons", f"services.{BLUE_BADGE}.welsh_refusal_reasons", "Standard reasons for a refusal, in Welsh",
    "welsh-lines", "The Welsh of each reason above, on the same line. Leave a line empty to send that reason as it is written.",
    pairs_with=f"services.{BLUE_BADGE}.refusal_reasons")
DIRECTORY_WAYS = (  # how a community directory entry is reached: its part, label, and what a bad value is told
    ("phone", "Phone number", "Enter a phone number of 10 to 16 digits, like 01632 960001, or leave it empty"),
    ("email", "Email address", "Enter an email address in the correct format, like help@example.org.uk, or leave it empty"),
    ("web", "Web page", None),
)
PROBLEM_FIELDS = {  # a rule across fields, on the field it is about
    "(entry)": "information-reminder-days",
    f"services.{FAMILY_FRONT_DOOR}.(entry)": "answer-within-hours",  # the reminder must come before the answer is due
}
WORDS = {  # how the models' complaints about a few patterns read to a person
    "contact-phone": "Enter a phone number of 10 to 16 digits, like 01632 960001",
    "contact-email": "Enter an email address in the correct format, like bluebadge@council.gov.uk",
    "colleagues-see": "Select yes if partners can see what colleagues at the same agency have sent",
}


def _fields(council: CouncilConfig) -> tuple[SettingField, ...]:
    welsh = council.in_wales
    badge = (*BADGE_FIELDS, *((WELSH_REFUSAL_REASONS,) if welsh else ())) if council.runs(BLUE_BADGE) else ()
    return (*COUNCIL_FIELDS, *((WELSH_NAME,) if welsh else ()), *badge)


def _service_groups(council: CouncilConfig, key: str) -> list[tuple[str, tuple[SettingField, ...]]]:
    """The settings of one of the council's other services a council admin changes on its own page, in groups (each
    under its heading); none for a service without such a page."""
    at = f"services.{key}"
    if key == ASC_TRIAGE:
        routing = ("Routing", (
            SettingField("routing-teams", f"{at}.routing_teams", "Teams a screening officer may pass a referral to", "teams"),
            SettingField("routing-target-hours", f"{at}.routing_target_hours", "Target for routing a referral, in business hours",
                         "hours", "From when it arrives. Referrals already waiting keep the target they were given."),
        ))
        entries = [(f"Community directory: {entry.organisation}", tuple(
            SettingField(f"directory-{entry.id}-{part}", f"{at}.directory.entries.{number}.{part}", label, "optional", words=words)
            for part, label, words in DIRECTORY_WAYS))
            for number, entry in enumerate(triage_settings(council).directory.entries)]
        return [routing, *entries]
    if key == FAMILY_FRONT_DOOR:
        levels = tuple(SettingField(f"level-{level.key}-hours", f"{at}.levels.{number}.response_hours",
                                    f"Response target for {level.name}, in business hours", "hours",
                                    "From when a contact arrives. Contacts already received keep their targets.")
                       for number, level in enumerate(front_door_settings(council).levels))
        return [
            ("Response targets", levels),
            ("Partners", (
                SettingField("colleagues-see", f"{at}.colleagues_see_agency_submissions",
                             "Can partners see what colleagues at the same agency have sent?", "yes-no"),
                SettingField("reminder-after-hours", f"{at}.reminder_after_hours",
                             "Hours before a partner who has not answered a question is reminded", "whole-hours"),
                SettingField("answer-within-hours", f"{at}.answer_within_hours",
                             "Hours a partner has to answer before the team decides without it", "whole-hours"),
            )),
            ("Outcome emails", (SettingField("threshold-guidance-url", f"{at}.threshold_guidance_url",
                                             "Web page of the council's threshold guidance", hint="Linked in every outcome email."),)),
        ]
    return []


def _at(values: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(values, list):
            values = values[int(part)] if part.isdigit() and int(part) < len(values) else None
        else:
            values = values.get(part) if isinstance(values, dict) else None
    return values


def _put(values: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        values = values[int(part)] if isinstance(values, list) else values.setdefault(part, {})
    if isinstance(values, list):
        values[int(last)] = value
    else:
        values[last] = value


def _shown(field: SettingField, value: Any, paired: Any = None) -> Any:
    """The value as its input shows it (`paired`: for welsh-lines, the English lines)."""
    if field.kind == "pounds":
        return f"{Decimal(value) / 100:.2f}"
    if field.kind == "lines":
        return "\n".join(value)
    if field.kind == "welsh-lines":
        return "\n".join((value or {}).get(line, "") for line in paired or ()).rstrip("\n")
    if field.kind == "hours":
        return f"{value:g}"
    if field.kind == "yes-no":
        return "yes" if value else "no"
    if field.kind == "teams":
        return list(value)
    return "" if value is None else str(value)


_INVALID = object()


def _parsed(field: SettingField, form: Form, edits: dict[str, Any], errors: Errors) -> Any:
    """A field's value from the form in the settings' shape, or _INVALID (with the reason in `errors`)."""
    raw = form.get(field.id)
    if field.kind == "days" or field.kind.startswith("whole-"):
        if raw.isdigit() and len(raw) <= 4:
            return int(raw)
        unit = field.kind.removeprefix("whole-")
        errors.add(field.id, f"{field.label}: enter a whole number of {unit}, like {3 if unit == 'months' else 20}")
    elif field.kind == "hours":
        try:
            hours = Decimal(raw or "x")
        except InvalidOperation:
            hours = Decimal(-1)
        if hours.is_finite() and 0 <= hours <= 1000 and hours == hours.quantize(Decimal("0.01")):
            return float(hours)
        errors.add(field.id, f"{field.label}: enter a number of hours, like 24 or 1.5")
    elif field.kind == "pounds":
        try:
            pounds = Decimal(raw.removeprefix("£").strip() or "x")
        except InvalidOperation:
            pounds = Decimal(-1)
        if pounds.is_finite() and 0 <= pounds <= 1000 and pounds == pounds.quantize(Decimal("0.01")):
            return int(pounds * 100)
        errors.add(field.id, f"{field.label}: enter an amount in pounds, like 10 or 10.00 (0 for none)")
    elif field.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    elif field.kind == "welsh-lines":  # line by line beside the English: a blank line keeps its place
        english = _at(edits, field.pairs_with or "") or []
        welsh = form.fields.get(field.id, [""])[-1].rstrip().splitlines()
        if len(welsh) > len(english):
            errors.add(field.id, f"{field.label}: give at most one line for each of the {len(english)} reasons above")
        else:
            return {reason: line.strip() for reason, line in zip(english, welsh) if line.strip()}
    elif field.kind == "yes-no":
        if raw in ("yes", "no"):
            return raw == "yes"
        errors.add(field.id, WORDS.get(field.id, "Select yes or no"))
    elif field.kind == "teams":
        if chosen := form.all(field.id):
            return chosen  # each is checked by the service's model against the council's teams, naming any other
        errors.add(field.id, f"Select at least one of the {field.label[:1].lower()}{field.label[1:]}")
    elif field.kind == "optional":
        return raw or None
    else:
        return raw
    return _INVALID


def _edits(fields: tuple[SettingField, ...], form: Form, errors: Errors, edits: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form's values in the settings' shape, over `edits` (each object whole: every part of it is on the form, or
    in `edits` already); what is not a number where one is needed goes in `errors`."""
    edits = {} if edits is None else edits
    for field in fields:
        if (value := _parsed(field, form, edits, errors)) is not _INVALID:
            _put(edits, field.path, value)
    return edits


def _problem_message(label: str, message: str) -> str:
    message = message.removeprefix("Value error, ")
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _settings_errors(problems: CouncilSettingsInvalid, fields: tuple[SettingField, ...]) -> Errors:
    """The models' problems on the inputs they are about (a problem deeper in a field, e.g. one refusal reason, on it;
    one about an object on its first input, e.g. a directory entry with no way to reach it; a rule across fields on the
    field PROBLEM_FIELDS names, else the first)."""
    errors = Errors()
    for path, message in problems.problems:
        field = next((field for field in fields if path == field.path or path.startswith(f"{field.path}.")), None) \
            or next((field for field in fields if field.path.startswith(f"{path}.") or field.id == PROBLEM_FIELDS.get(path)), fields[0])
        words = field.words if path == field.path else None
        errors.add(field.id, words or WORDS.get(field.id) or _problem_message(field.label, message))
    return errors


def _form_values(council: CouncilConfig, fields: tuple[SettingField, ...], form: Form) -> dict[str, Any]:
    """Each input's value: as posted (a form with errors), else as the council has it now."""
    if form.fields:
        return {field.id: form.all(field.id) if field.kind == "teams" else
                form.fields.get(field.id, [""])[-1].rstrip() if field.kind == "welsh-lines" else form.get(field.id) for field in fields}
    return {field.id: _shown(field, _current(council, field.path), _current(council, field.pairs_with) if field.pairs_with else None)
            for field in fields}


def _save(council: CouncilConfig, who: Caller, form: Form, fields: tuple[SettingField, ...], edits: dict[str, Any],
          done: str) -> tuple[Response | None, Errors]:
    """Save `edits` (the form's values in the settings' shape) over the council's settings: the redirect to `done`, or
    the errors to show on `fields` (none stored then)."""
    try:
        save_settings(council_admin_records_for(council.code), councils().deployed(council.code), council, edits, _version(form),
                      who, utcnow(), SERVICES)
    except CouncilSettingsInvalid as problems:
        return None, _settings_errors(problems, fields)
    except SettingsChangedMeanwhile:
        return _changed_meanwhile(), Errors()
    return redirect(done), Errors()


@router.route(SETTINGS_PATH, method=["GET", "POST"])
def settings_page() -> Response:
    council, who = _admin("Changing the council's settings")
    records = council_admin_records_for(council.code)
    stored = records.settings()
    form, errors, fields = posted(router), Errors(), _fields(council)
    if router.current_event.http_method == "POST":
        edits = _edits(fields, form, errors)
        if not errors:
            done, errors = _save(council, who, form, fields, edits, f"{SETTINGS_PATH}?done=settings")
            if done is not None:
                return done
    badge = [field for field in fields if field.path.startswith(f"services.{BLUE_BADGE}.")]
    return render_page(router, "council_admin/settings.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title="Council settings", council=council, council_fields=[field for field in fields if field not in badge],
                       badge_fields=badge, values=_form_values(council, fields, form), errors=errors,
                       services=[SERVICES.get(key) for key in council.services if _service_groups(council, key)],
                       version=stored.version if stored else 0, audit=audit_rows(records.recent_audit(SETTINGS_PARTITION)), done=_done())


@router.route(f"{SERVICE_SETTINGS_PATH}/<service_key>", method=["GET", "POST"])
def service_settings_page(service_key: str) -> Response:
    council, who = _admin("Changing the council's settings")
    groups = _service_groups(council, service_key) if council.runs(service_key) else []
    if not groups:
        raise NotFoundError(NOT_FOUND)
    fields = tuple(field for _, group in groups for field in group)
    stored = council_admin_records_for(council.code).settings()
    form, errors = posted(router), Errors()
    if router.current_event.http_method == "POST":
        # Over the service's values now: a list (its levels, its directory) keeps what the form does not show.
        edits = _edits(fields, form, errors, {"services": {service_key: copy.deepcopy(editable_values(council)["services"][service_key])}})
        if not errors:
            done, errors = _save(council, who, form, fields, edits, f"{SERVICE_SETTINGS_PATH}/{service_key}?done=settings")
            if done is not None:
                return done
    spec = SERVICES.get(service_key)
    return render_page(router, "council_admin/service_settings.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=f"{spec.name} settings", spec=spec, groups=groups, values=_form_values(council, fields, form),
                       errors=errors, team_names=_team_names(council), version=stored.version if stored else 0, done=_done())


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
    services = [(SERVICES.get(key), council.settings_for(key)) for key in council.services]
    return render_page(router, "council_admin/emails.html", title="Email wording", services=services, kind_label=_kind_label,
                       welsh=council.in_wales, done=_done())


@router.route(f"{EMAILS_PATH}/<service_key>/<kind>", method=["GET", "POST"])
def email_wording(service_key: str, kind: str) -> Response:
    return _wording(service_key, kind, welsh=False)


@router.route(f"{EMAILS_PATH}/<service_key>/<kind>/welsh", method=["GET", "POST"])
def welsh_email_wording(service_key: str, kind: str) -> Response:
    return _wording(service_key, kind, welsh=True)


def _wording(service_key: str, kind: str, *, welsh: bool) -> Response:
    """The council's own wording of one email (`welsh`: of its Welsh text, for a council in Wales), or back to the standard."""
    council, who = _admin("Changing the council's email wording")
    spec = SERVICES.get(service_key) if council.runs(service_key) else None
    defaults = (spec.emails.welsh if welsh else spec.emails.templates) if spec is not None else {}
    if kind not in defaults or (welsh and not council.in_wales):
        raise NotFoundError(NOT_FOUND)
    setting = "welsh_email_templates" if welsh else "email_templates"
    overrides = dict(getattr(council.settings_for(service_key), setting))
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
            edits = {"services": {service_key: {setting: {
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
    template = getattr(council.settings_for(service_key), setting).get(kind) or defaults[kind]
    values = {"subject": form.get("subject") if form.fields else template.subject,
              "body": form.fields.get("body", [""])[-1] if form.fields else template.body}
    return render_page(router, "council_admin/email.html", status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
                       title=f"{_kind_label(kind)} email{' in Welsh' if welsh else ''}", spec=spec, kind=kind, values=values,
                       errors=errors, welsh=welsh, own_wording=kind in getattr(council.settings_for(service_key), setting),
                       placeholders=spec.emails.placeholders, version=stored.version if stored else 0)
