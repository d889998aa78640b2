"""Cross-council probes of the API (issue 10): Northshire's staff, in every role, on Vale of Wye's ids and keys.

Every operation of the committed OpenAPI document whose path names a case, badge or parked application is called
with Vale of Wye's real id and with a well-formed id that does not exist; the two answers must be the same (apart
from the id echoed) and a 404, or a 403 for both where the role may not call the route at all. Vale of Wye's data
is read straight from its table before and after each probe: nothing of it may change, and no Northshire user may
appear in its history (not even as a CASE_VIEWED). The routes without a path id (queues, search, parked, bulk
reassignment, keying in with evidence keys) are probed on Vale of Wye's values and must show nothing of it.

A route added to the API is probed by the parametrisation below; one whose path parameter or body is not known here
fails `test_every_operation_of_the_openapi_document_is_probed` until it is described.

This replaces the scattered "another council's staff answer 404" lines of test_casework_api.py (notes, person) as
the complete set; those stay as part of their own stories.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import boto3
import pytest

from shared.bootstrap import badge_store_for, store_for
from shared.services.blue_badge.adapters.badge_store import badges_of
from shared.services.blue_badge.domain.badge import badge_number_for
from shared.services.blue_badge.domain.case import Stage
from shared.resources import DEFAULT_REGION, EVIDENCE_BUCKET_LOCAL_NAME, PROJECT_ROOT, Role, council_group
from tests.factories import complete_application
from tests.integration.conftest import Api, Intake, upload_intake_files, wait_for_step
from tests.integration.test_casework_api import unique_postcode

# One worker runs the module: the probe count is totalled in it.
pytestmark = pytest.mark.xdist_group("cross-council-api")

NORTHSHIRE, VALEWYE = "NORTHSHIRE", "VALEWYE"
PROBER = "probe.cross-council@northshire.example.gov.uk"  # every Northshire role probes as this one sign-in
VALE_CASEWORKER = "vale.caseworker@valewye.example.gov.uk"
NORTHSHIRE_CASEWORKER = "north.caseworker@northshire.example.gov.uk"
WALKD = {"code": "WALKD", "walking": {"difficulties": ["PAIN"], "speed": "SLOW", "length_of_time": "FEWMIN"}}
OPENAPI = json.loads((PROJECT_ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))

# Each request that carries another council's id or key is one probe, counted by what it probed.
PROBES: Counter[str] = Counter()


def counted(kind: str) -> None:
    PROBES[kind] += 1


# ------------------------------------------------------------------ evidence, as the new key layout puts it


def evidence_folder(council: str, kind: str, owner_id: str) -> str:
    """`councils/<council>/cases/<case id>/` or `councils/<council>/intake/<application id>/`."""
    return f"councils/{council.lower()}/{kind}/{owner_id}/"


def s3():
    return boto3.client("s3", region_name=DEFAULT_REGION)


def put_file(key: str) -> str:
    s3().put_object(Bucket=EVIDENCE_BUCKET_LOCAL_NAME, Key=key, Body=b"%PDF-1.4\n" + b"\0" * 64, ContentType="application/pdf")
    return key


def application_with_files(council: str, **overrides) -> dict:
    """A complete application for a person nobody else is, its documents uploaded to its intake folder first."""
    tag = uuid.uuid4().hex[:8]
    application = complete_application(
        council, channel="PAPER", holder__surname=f"Crossley{tag.title()}", holder__nino=f"JK{int(tag, 16) % 1_000_000:06d}A",
        holder__address__postcode=unique_postcode(), contact__email=f"{tag}@example.com", **overrides)
    folder = evidence_folder(council, "intake", application["application_id"])
    for item in application["evidence"]:
        item["key"] = folder + item["key"].rsplit("/", 1)[-1]
    return upload_intake_files(application)


# ------------------------------------------------------------------ driving cases through the real workflow


def api(council: str, *roles: Role, user: str) -> Api:
    return Api([council_group(council, role) for role in roles], user)


def key_in(caller: Api, application: dict) -> str:
    status, body = caller.call("POST", "/applications", application)
    assert status == 201, body
    return body["case_id"]


def reach(council: str, stage: Stage, *case_ids: str) -> None:
    for case_id in case_ids:
        wait_for_step(store_for(council), case_id, stage)


def take_step(caller: Api, council: str, case_id: str, step: str, body: dict) -> None:
    version = store_for(council).get(case_id).version
    status, answer = caller.call("POST", f"/cases/{case_id}/{step}", {"expected_version": version, **body})
    assert status == 200, answer


APPROVE = {"outcome": "APPROVE", "order": {"deliver_to": "HOME", "delivery_option": "STANDARD"}}
REFUSE = {"outcome": "REFUSE", "reasons": ["You can walk more than 80 metres without severe pain."]}
PROOF_SEEN = {"confirmed": True, "notes": "PIP letter seen"}


@dataclass
class Council:
    """One council's cases, one at each stage a route acts on, and what identifies them."""

    code: str
    cases: dict[str, str]  # what the case is for (a stage, lower case) -> case id
    badge_number: str | None = None
    parked_id: str | None = None
    application: dict = field(default_factory=dict)  # the ordered case's application (its person's search keys)
    assignee: str | None = None

    @property
    def case_ids(self) -> list[str]:
        return list(self.cases.values())


def settle(read, timeout: float = 10):
    """The workflows finish their step (an email, its audit entry) just after a case arrives: wait until nothing moves."""
    deadline, last = time.monotonic() + timeout, read()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = read()
        if now == last:
            return now
        last = now
    raise AssertionError("the council's cases kept changing")


def without_photo(application: dict) -> dict:
    """Incomplete: the workflow asks the applicant for the photo (and emails them a reply link)."""
    return application | {"evidence": [item for item in application["evidence"] if item["type"] != "PHOTO"]}


def case_awaiting_information(code: str, user: str) -> str:
    case_id = key_in(api(code, Role.CASEWORKER, user=user), without_photo(application_with_files(code)))
    reach(code, Stage.AWAITING_INFORMATION, case_id)
    return case_id


def council_with_cases(code: str, user: str) -> Council:
    """Cases at proof check, assessment, decision, refused, review, awaiting information and ordered (with a badge);
    the proof-check case claimed by `user`. Each through intake and the real workflow, by the council's own staff."""
    staff = api(code, Role.CASEWORKER, user=user)
    automatic = {name: key_in(staff, application_with_files(code)) for name in ("proof_check", "decision", "refused", "review", "ordered")}
    cases = dict(automatic)
    cases["assessment"] = key_in(staff, application_with_files(code, eligibility=WALKD))
    cases["awaiting_information"] = key_in(staff, without_photo(application_with_files(code)))

    reach(code, Stage.PROOF_CHECK, *automatic.values())
    reach(code, Stage.ASSESSMENT, cases["assessment"])
    reach(code, Stage.AWAITING_INFORMATION, cases["awaiting_information"])
    for name in ("decision", "refused", "review", "ordered"):
        take_step(staff, code, cases[name], "proof-check", PROOF_SEEN)
    reach(code, Stage.DECISION, cases["decision"], cases["refused"], cases["review"], cases["ordered"])
    take_step(staff, code, cases["ordered"], "decision", APPROVE)
    for name in ("refused", "review"):
        take_step(staff, code, cases[name], "decision", REFUSE)
    reach(code, Stage.REFUSED, cases["refused"], cases["review"])
    take_step(staff, code, cases["review"], "review-request", {"grounds": "The applicant's GP says otherwise."})
    reach(code, Stage.REVIEW, cases["review"])
    reach(code, Stage.ORDERED, cases["ordered"])
    take_step(staff, code, cases["proof_check"], "assignment", {"assignee": user})

    ordered = store_for(code).load(cases["ordered"])
    [badge] = badges_of(ordered)
    return Council(code, cases, badge_number=badge.badge_number, application=ordered.case.application.model_dump(mode="json"), assignee=user)


def park_application(intake: Intake, code: str) -> str:
    """An application that cannot become a case (its date of birth is not a date): parked in the council's table."""
    broken = complete_application(code, holder__date_of_birth="not a date")
    intake.deliver(broken)
    store, cursor = store_for(code), None
    while True:
        parked, cursor = store.parked(limit=100, after=cursor)
        for item in parked:
            if item.payload.get("application_id") == broken["application_id"]:
                return item.parked_id
        assert cursor, "the application was not parked"


def council_state(council: Council) -> dict:
    """Everything stored about the council's probed cases, badge and parked application, read from its table
    (reading it this way leaves no CASE_VIEWED). Notification entries are left out: the workflow adds them by itself."""
    store = badge_store_for(council.code)
    state = {}
    for case_id in council.case_ids:
        loaded = store.load(case_id)
        state[case_id] = {
            "version": loaded.case.version, "stage": loaded.case.stage, "assignee": loaded.case.assignee,
            "priority": loaded.case.priority, "evidence": [item.key for item in loaded.case.application.evidence],
            "notes": len(loaded.notes), "badges": [(badge.badge_number, badge.status, badge.version) for badge in badges_of(loaded)],
            # The whole history, the view log included: a refused read must not have logged a view either.
            "history": [(entry.action, entry.actor, entry.at) for entry in store.history(case_id) if not entry.action.startswith("NOTIFICATION")],
        }
    if council.badge_number:
        badge = store.get_badge(council.badge_number)
        state["badge"] = (badge.status, badge.version)
    if council.parked_id:
        parked = store.get_parked(council.parked_id)
        state["parked"] = (parked.status, parked.version, parked.attempts)
    return state


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def valewye(stack, clients, pump) -> Council:
    council = council_with_cases(VALEWYE, VALE_CASEWORKER)
    council.parked_id = park_application(Intake(clients["events"], pump, stack), VALEWYE)
    settle(lambda: council_state(council))
    return council


@pytest.fixture(scope="module")
def northshire_case_awaiting_information(stack) -> str:
    return case_awaiting_information(NORTHSHIRE, NORTHSHIRE_CASEWORKER)


@pytest.fixture(scope="module")
def northshire_badge(stack) -> str:
    staff = api(NORTHSHIRE, Role.CASEWORKER, user=NORTHSHIRE_CASEWORKER)
    case_id = key_in(staff, application_with_files(NORTHSHIRE))
    reach(NORTHSHIRE, Stage.PROOF_CHECK, case_id)
    take_step(staff, NORTHSHIRE, case_id, "proof-check", PROOF_SEEN)
    reach(NORTHSHIRE, Stage.DECISION, case_id)
    take_step(staff, NORTHSHIRE, case_id, "decision", APPROVE)
    reach(NORTHSHIRE, Stage.ORDERED, case_id)
    [badge] = badges_of(store_for(NORTHSHIRE).load(case_id))
    return badge.badge_number


def northshire(*roles: Role) -> Api:
    return api(NORTHSHIRE, *roles, user=PROBER)


@pytest.fixture
def unchanged(valewye):
    """Vale of Wye's cases as they were before the test, checked after it: no change, no new audit entry (a view too).
    (tests/web/test_cross_council_pages.py uses it too, with its own `valewye`.)"""
    before = council_state(valewye)
    yield
    assert council_state(valewye) == before, "a cross-council request changed Vale of Wye's data or its history"


def northshire_actors(council: Council) -> set[str]:
    """Anyone from Northshire in the council's cases' whole history (notifications included)."""
    store = store_for(council.code)
    return {entry.actor for case_id in council.case_ids for entry in store.history(case_id) if "northshire" in entry.actor.lower()}


# ------------------------------------------------------------------ the operations with a path id, from the OpenAPI document


def operations_with_path_ids() -> list[tuple[str, str, str]]:
    """(method, path, parameter name) of every operation whose path names something."""
    found = []
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            names = [parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "path"]
            assert len(names) <= 1, f"{method.upper()} {path}: probe each of its path parameters"
            if names:
                found.append((method.upper(), path, names[0]))
    return found


def operations_without_path_ids() -> set[str]:
    with_ids = {f"{method} {path}" for method, path, _ in operations_with_path_ids()}
    return {f"{method.upper()} {path}" for path, operations in OPENAPI["paths"].items() for method in operations} - with_ids


OPERATIONS = operations_with_path_ids()

# Which of the council's cases a case route is probed on: the one at the stage where the step is open, so that
# a route that forgot the council would act (and change it) rather than answer 409.
CASE_FOR_STEP = {"proof-check": "proof_check", "assessment": "assessment", "referral": "assessment", "decision": "decision",
                 "information-request": "decision", "payment": "decision", "review-request": "refused", "review": "review",
                 "supplied": "awaiting_information"}


@dataclass(frozen=True)
class Target:
    real: str  # the other council's id
    unknown: str  # well-formed, of the same shape, and nobody's
    version: int  # of the case or badge, for expected_version


def unknown_like(real: str, tail: str) -> str:
    """The same id with its last characters replaced: well-formed, and nobody's."""
    replaced = real[: -len(tail)] + tail
    return replaced if replaced != real else real[: -len(tail)] + tail[::-1]


def target_for(council: Council, parameter: str, path: str) -> Target:
    store = badge_store_for(council.code)
    if parameter == "case_id":
        case_id = council.cases[CASE_FOR_STEP.get(path.rsplit("/", 1)[-1], "proof_check")]
        return Target(case_id, unknown_like(case_id, "ZZZZZZ"), store.get(case_id).version)
    if parameter == "badge_number":
        return Target(council.badge_number, badge_number_for(4321), store.get_badge(council.badge_number).version)
    if parameter == "parked_id":
        return Target(council.parked_id, unknown_like(council.parked_id, "FFFFFF"), store.get_parked(council.parked_id).version)
    raise AssertionError(f"{path}: no target for the path parameter {parameter!r}; add one to target_for")


def valid_application(council: str) -> dict:
    return complete_application(council, channel="PAPER", evidence=[])


# A plausible valid body for each operation, from the target's version: what the other council's own staff could send.
BODIES = {
    "POST /cases/{case_id}/assignment": lambda target: {"expected_version": target.version, "assignee": PROBER},
    "POST /cases/{case_id}/priority": lambda target: {"expected_version": target.version, "priority": 90},
    "POST /cases/{case_id}/team": lambda target: {"expected_version": target.version, "team": "community-ot"},
    "POST /cases/{case_id}/referral": lambda target: {"expected_version": target.version, "assessor": "olu.assessor@northshire.example.gov.uk"},
    "POST /cases/{case_id}/notes": lambda target: {"text": "Phoned the applicant."},
    "POST /cases/{case_id}/proof-check": lambda target: {"expected_version": target.version, **PROOF_SEEN},
    "POST /cases/{case_id}/assessment": lambda target: {"expected_version": target.version, "outcome": "ELIGIBLE", "summary": "Walks 20 m."},
    "POST /cases/{case_id}/decision": lambda target: {"expected_version": target.version, **APPROVE},
    "POST /cases/{case_id}/payment": lambda target: {"expected_version": target.version, "amount_pence": 1000, "reference": "PAY-X"},
    "POST /cases/{case_id}/review-request": lambda target: {"expected_version": target.version, "grounds": "New evidence."},
    "POST /cases/{case_id}/review": lambda target: {"expected_version": target.version, "outcome": "OVERTURN", "order": APPROVE["order"]},
    "POST /cases/{case_id}/information-request": lambda target: {"expected_version": target.version, "items": [{"code": "PHOTO"}]},
    "POST /cases/{case_id}/recovery": lambda target: {"expected_version": target.version},
    "POST /cases/{case_id}/supplied": lambda target: {"expected_version": target.version, "changes": {"holder": {"title": "Dr"}}},
    "POST /badges/{badge_number}/cancel": lambda target: {"expected_version": target.version, "reason": "LOST"},
    "POST /badges/{badge_number}/reorder": lambda target: {"expected_version": target.version},
    "POST /badges/{badge_number}/replace": lambda target: {"reason": "LOST"},
    "POST /parked/{parked_id}/replay": lambda target: valid_application(VALEWYE),
}

# The operations without a path id, each probed by its own test below.
PROBED_BY_VALUE = {"GET /cases", "POST /search", "GET /parked", "GET /badges", "POST /assignments", "POST /applications",
                   "POST /applications/national"}


def answer_without(status: int, body, *ids: str) -> tuple[int, str]:
    """The answer with the ids it echoes blanked, to compare two answers that differ only in the id asked for."""
    text = json.dumps(body, sort_keys=True)
    for echoed in ids:
        text = text.replace(echoed, "<id>")
    return status, text


def test_every_operation_of_the_openapi_document_is_probed():
    assert len(OPERATIONS) >= 20, OPERATIONS
    unprobed = [f"{method} {path}" for method, path, _ in OPERATIONS if method != "GET" and f"{method} {path}" not in BODIES]
    assert not unprobed, f"give these operations a body in BODIES: {unprobed}"
    assert operations_without_path_ids() == PROBED_BY_VALUE, "a route without a path id needs its own cross-council probe"
    assert not set(BODIES) - {f"{method} {path}" for method, path, _ in OPERATIONS}, "BODIES names an operation the API no longer has"


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize(("method", "path", "parameter"), OPERATIONS, ids=[f"{method} {path}" for method, path, _ in OPERATIONS])
def test_another_councils_id_answers_as_a_nonexistent_one(valewye, unchanged, method, path, parameter, role):
    caller = northshire(role)
    target = target_for(valewye, parameter, path)
    body = BODIES[f"{method} {path}"](target) if method != "GET" else None
    answers = []
    for asked in (target.real, target.unknown):
        status, answer = caller.call(method, path.replace("{" + parameter + "}", asked), body)
        answers.append(answer_without(status, answer, asked))
    counted(f"{method} {path}")
    real, unknown = answers
    assert real == unknown, f"{role} on Vale of Wye's {parameter} answers unlike on one that does not exist"
    assert real[0] in (403, 404), real


# ------------------------------------------------------------------ queues, search, parked, badges: nothing of the other council


def whole_queue(caller: Api, **query) -> list[str]:
    case_ids, cursor = [], None
    for _ in range(100):
        status, body = caller.call("GET", "/cases?" + urlencode({**query, "limit": 100} | ({"cursor": cursor} if cursor else {})))
        assert status == 200, body
        case_ids += [entry["case_id"] for entry in body["cases"]]
        cursor = body["cursor"]
        if cursor is None:
            return case_ids
    raise AssertionError(f"queue {query} did not end")


QUEUES = [{"assignee": VALE_CASEWORKER}, {"assignee": VALE_CASEWORKER, "stage": "PROOF_CHECK"}, {"stage": "PROOF_CHECK"},
          {"stage": "DECISION", "sort": "priority"}, {"stage": "ASSESSMENT", "route": "WALKD"}, {"stage": "REVIEW"}]


@pytest.mark.parametrize("query", QUEUES, ids=lambda query: urlencode(query))
def test_no_queue_holds_another_councils_cases(valewye, unchanged, query):
    # Vale of Wye's own staff see their cases in that queue, so the probe asks for something that is there.
    assert set(whole_queue(api(VALEWYE, Role.TEAM_LEADER, user=VALE_CASEWORKER), **query)) & set(valewye.case_ids)
    for role in (Role.CASEWORKER, Role.TEAM_LEADER, Role.READ_ONLY, Role.COUNCIL_ADMIN):
        counted("GET /cases")
        assert not set(whole_queue(northshire(role), **query)) & set(valewye.case_ids), role


def search_keys(council: Council) -> list[dict]:
    holder = council.application["holder"]
    return [{"kind": "BADGE", "value": council.badge_number}, {"kind": "NINO", "value": holder["nino"]},
            {"kind": "POSTCODE", "value": holder["address"]["postcode"]},
            {"kind": "PERSON", "value": holder["surname"], "date_of_birth": holder["date_of_birth"]}]


def found(caller: Api, query: dict) -> list[str]:
    status, body = caller.call("POST", "/search", query)
    assert status == 200, body
    return [result["case_id"] for result in body["results"]]


@pytest.mark.parametrize("kind", ["BADGE", "NINO", "POSTCODE", "PERSON"])
def test_search_finds_nothing_of_another_council(valewye, unchanged, kind):
    [query] = [query for query in search_keys(valewye) if query["kind"] == kind]
    assert valewye.cases["ordered"] in found(api(VALEWYE, Role.CASEWORKER, user=VALE_CASEWORKER), query)
    for role in (Role.CASEWORKER, Role.TEAM_LEADER, Role.READ_ONLY, Role.COUNCIL_ADMIN):
        counted("POST /search")
        assert not set(found(northshire(role), query)) & set(valewye.case_ids), role


def test_the_parked_list_and_rejected_badges_hold_nothing_of_another_council(valewye, unchanged):
    status, own = api(VALEWYE, Role.CASEWORKER, user=VALE_CASEWORKER).call("GET", "/parked?limit=100")
    assert status == 200 and valewye.parked_id in json.dumps(own)
    for role in (Role.CASEWORKER, Role.TEAM_LEADER, Role.COUNCIL_ADMIN):
        cursor, seen = None, []
        while True:
            status, body = northshire(role).call("GET", "/parked?" + urlencode({"limit": 100} | ({"cursor": cursor} if cursor else {})))
            counted("GET /parked")
            assert status == 200, body
            seen += [item["parked_id"] for item in body["parked"]]
            assert all(item["council_code"] != VALEWYE for item in body["parked"])
            if not (cursor := body["cursor"]):
                break
        assert valewye.parked_id not in seen
        # Rejected badges: none of the other council's (its badge is ORDERED, so this checks the council of each entry).
        status, body = northshire(role).call("GET", "/badges?status=REJECT&limit=100")
        counted("GET /badges")
        assert status == 200 and not [badge for badge in body["badges"] if badge["case_id"].startswith(VALEWYE)], body


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_bulk_reassignment_of_another_councils_cases_answers_404_for_each(valewye, unchanged, role):
    store = store_for(VALEWYE)
    real = [{"case_id": case_id, "expected_version": store.get(case_id).version} for case_id in valewye.case_ids]
    unknown = [item | {"case_id": unknown_like(item["case_id"], "ZZZZZZ")} for item in real]
    answers = []
    for cases in (real, unknown):
        status, body = northshire(role).call("POST", "/assignments", {"assignee": PROBER, "cases": cases})
        answers.append(answer_without(status, body, *(item["case_id"] for item in cases)))
    PROBES["POST /assignments"] += len(real)
    assert answers[0] == answers[1], role
    status, body = answers[0][0], json.loads(answers[0][1])
    if role in (Role.TEAM_LEADER, Role.COUNCIL_ADMIN):
        assert status == 200 and [result["status"] for result in body["results"]] == [404] * len(real), body
    else:
        assert status == 403, body


# ------------------------------------------------------------------ evidence keys inside the other council's folder


@pytest.fixture(scope="module")
def vale_keys(stack, valewye) -> dict[str, str]:
    """Real files of the other council: a document of its ordered case (its key as stored), one more put in that
    case's folder, and one of the application's files in its intake folder."""
    ordered = store_for(VALEWYE).get(valewye.cases["ordered"])
    return {
        "stored case document": ordered.application.evidence[0].key,
        "case folder": put_file(evidence_folder(VALEWYE, "cases", ordered.case_id) + "statement.pdf"),
        "intake folder": evidence_folder(VALEWYE, "intake", ordered.application.application_id) + "passport.jpg",
    }


KEY_KINDS = ["stored case document", "case folder", "intake folder"]


def refuses_the_key(status: int, body) -> bool:
    return status == 422 and [error["field"] for error in body.get("errors", [])] == ["evidence.0.key"]


@pytest.mark.parametrize("key_kind", KEY_KINDS)
def test_keying_in_an_application_with_another_councils_key_is_refused_naming_the_field(stack, valewye, vale_keys, unchanged, key_kind):
    application = application_with_files(NORTHSHIRE)
    application["evidence"][0]["key"] = vale_keys[key_kind]
    status, body = northshire(Role.CASEWORKER).call("POST", "/applications", application)
    counted("POST /applications")
    assert refuses_the_key(status, body), (status, body)


def test_a_national_application_for_another_council_is_refused_and_opens_no_case(stack, valewye, unchanged):
    from tests.integration.test_national_intake import national_records

    record = national_records("VWYE", "VALEWYE")[4]
    status, body = northshire(Role.CASEWORKER).call("POST", "/applications/national", record)
    counted("POST /applications/national")
    assert status == 403 and "localAuthorityCode" in body["message"], (status, body)
    assert store_for(VALEWYE).case_for_application(record["applicationId"]) is None


@pytest.mark.parametrize("key_kind", KEY_KINDS)
def test_supplying_another_councils_key_is_refused_naming_the_field(valewye, vale_keys, northshire_case_awaiting_information, unchanged, key_kind):
    case_id = northshire_case_awaiting_information
    before = store_for(NORTHSHIRE).get(case_id)
    status, body = northshire(Role.CASEWORKER).call("POST", f"/cases/{case_id}/supplied", {
        "expected_version": before.version, "evidence": [{"type": "PHOTO", "key": vale_keys[key_kind]}]})
    counted("POST /cases/{case_id}/supplied")
    assert refuses_the_key(status, body), (status, body)
    assert store_for(NORTHSHIRE).get(case_id).version == before.version


@pytest.mark.parametrize("key_kind", KEY_KINDS)
def test_replacing_a_badge_with_another_councils_key_is_refused_naming_the_field(valewye, vale_keys, northshire_badge, unchanged, key_kind):
    status, body = northshire(Role.CASEWORKER).call("POST", f"/badges/{northshire_badge}/replace", {
        "reason": "DAMAGED", "evidence": [{"type": "PHOTO", "key": vale_keys[key_kind]}]})
    counted("POST /badges/{badge_number}/replace")
    assert refuses_the_key(status, body), (status, body)


# ------------------------------------------------------------------ the count (the note reports it)


def test_no_northshire_user_is_in_the_other_councils_history(valewye):
    assert northshire_actors(valewye) == set()


def test_the_probe_count_is_reported():
    """Last in the module: every operation of the API was probed (run the whole module), and how many probes there were."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # xdist spreads a module over workers (loadgroup: pytest-xdist#1386)
        pytest.skip("counting needs the whole module in one process: run it with -n 0")
    every_operation = {f"{method.upper()} {path}" for path, operations in OPENAPI["paths"].items() for method in operations}
    print(f"\ncross-council API probes: {sum(PROBES.values())} ({dict(sorted(PROBES.items()))})")
    assert every_operation <= set(PROBES), f"not probed: {sorted(every_operation - set(PROBES))} (run the whole module)"
