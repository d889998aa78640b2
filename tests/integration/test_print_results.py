"""The print supplier's confirmation and rejection files, dropped in its inbox and applied by the print-results
function (invoked as S3 would, through infra.local.print_results): badges ISSUED with the applicant or the council
told, rejected badges listed for caseworkers and ordered again, results applied once, malformed files quarantined."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date

import boto3
import pytest
from lxml import etree

from infra.local.print_results import deliver_inbox
from shared.bootstrap import badge_numbers, badge_store_for, councils, store_for
from shared.services.blue_badge.domain.badge import BadgeStatus
from shared.resources import (
    DEFAULT_REGION,
    PRINT_DROP_BUCKET_LOCAL_NAME,
    RESULTS_PROCESSED,
    RESULTS_QUARANTINE,
    SUPPLIER_INBOX,
    Role,
)
from tests.integration.conftest import case_actions, emails_to
from tests.integration.test_decisions import NORTHSHIRE, order_a_badge, someone_new
from tests.integration.test_print_dispatch import badge_numbers_in, caseworker, extract, run_dispatch, s3  # noqa: F401 - fixtures

CONFIRMATIONS_XSD = etree.XMLSchema(etree.parse("schemas/print/print-confirmation.xsd"))
REJECTIONS_XSD = etree.XMLSchema(etree.parse("schemas/print/print-rejection.xsd"))


# ------------------------------------------------------------------ the supplier's files, as its XSDs describe them
def confirmations_file(*entries: tuple[str, str, str]) -> bytes:
    """(badge number, Cancellation yes|no, DispatchedDate) per entry, valid against print-confirmation.xsd."""
    root = etree.Element("BadgePrintConfirmations")
    for number, cancellation, dispatched in entries:
        entry = etree.SubElement(root, "Confirmation")
        for name, value in (("BadgeIdentifier", number), ("Cancellation", cancellation), ("DispatchedDate", dispatched)):
            etree.SubElement(entry, name).text = value
    CONFIRMATIONS_XSD.assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="windows-1252")


def rejections_file(*entries: tuple[str, str]) -> bytes:
    """(badge number, ErrorMessage) per entry, valid against print-rejection.xsd."""
    root = etree.Element("BadgePrintRejections")
    for number, error in entries:
        entry = etree.SubElement(root, "Rejection")
        etree.SubElement(entry, "BadgeIdentifier").text = number
        etree.SubElement(entry, "ErrorMessage").text = error
    REJECTIONS_XSD.assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="windows-1252")


def drop(s3, data: bytes, name: str | None = None) -> str:  # noqa: F811 - s3 is the client here
    """The supplier uploads a file to its inbox; its name."""
    name = name or f"BADGECONFIRM_{uuid.uuid4().hex[:12]}.xml"
    s3.put_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=SUPPLIER_INBOX + name, Body=data)
    return name


def deliver(s3) -> list[dict]:  # noqa: F811
    """S3's notification, once per file in the inbox: what the function reports for each file."""
    answers = deliver_inbox(s3, boto3.client("lambda", region_name=DEFAULT_REGION))
    assert not [answer for answer in answers if answer["failed"]], answers
    return [file for answer in answers for file in answer["answer"]["files"]]


def keys(s3, prefix: str) -> set[str]:  # noqa: F811
    listed = s3.list_objects_v2(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Prefix=prefix).get("Contents", [])
    return {item["Key"].removeprefix(prefix) for item in listed}


@pytest.fixture
def at_the_printer(caseworker, stack, clients):  # noqa: F811
    """Order a badge per (application, order), then run the print dispatch: each (case id, badge), PROCESSED."""
    def order(*orders: tuple[dict, dict | None]) -> list[tuple[str, dict]]:
        ordered = [order_a_badge(caseworker, application, details) for application, details in orders]
        run_dispatch(stack, clients)
        for _, badge in ordered:
            assert badge_store_for(NORTHSHIRE).get_badge(badge["badge_number"]).status is BadgeStatus.PROCESSED
        return ordered
    return order


def council_email() -> str:
    return str(councils().get(NORTHSHIRE).contact.email)


def rejected_list(api) -> list[dict]:
    """Every page of the council's rejected badges (two to a page, so the cursor is followed)."""
    badges, cursor = [], None
    while True:
        status, body = api.call("GET", "/badges?status=REJECT&limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, body
        badges += body["badges"]
        cursor = body["cursor"]
        if cursor is None:
            return badges


# ------------------------------------------------------------------ tests
def test_a_confirmation_file_issues_the_badges_and_tells_the_applicant_or_the_council(at_the_printer, s3):  # noqa: F811
    home_applicant, collector, cancelled_applicant = someone_new(), someone_new(), someone_new()
    (home_case, home), (collect_case, collect), (_, cancelled) = at_the_printer(
        (home_applicant, None), (collector, {"deliver_to": "COUNCIL"}), (cancelled_applicant, None))
    # Where each badge lives was recorded when it was ordered, in the deployment's badge-number table.
    assert badge_numbers().owner(home["badge_number"]) == (NORTHSHIRE, home_case)
    council_mail_before = len(emails_to(council_email()))

    name = drop(s3, confirmations_file((home["badge_number"], "no", "2026-11-21"),
                                       (collect["badge_number"], "no", "2026-11-21T14:24:34"),
                                       (cancelled["badge_number"], "yes", "2026-11-22")))
    [file] = deliver(s3)
    assert (file["file"], file["kind"], file["issued"], file["rejected"], file["skipped"]) == (name, "BadgePrintConfirmations", 2, 1, [])

    store = badge_store_for(NORTHSHIRE)
    for badge in (home, collect):
        issued = store.get_badge(badge["badge_number"])
        assert issued.status is BadgeStatus.ISSUED and issued.dispatched_on == date(2026, 11, 21)
    [entry] = [entry for entry in store.history(home_case) if entry.action == "BADGE_ISSUED"]
    assert entry.actor == "print-supplier" and entry.after == {"status": "ISSUED", "dispatched_on": "2026-11-21", "file": name}
    # Cancellation yes: the supplier did not post it; back to a caseworker, with why.
    not_posted = store.get_badge(cancelled["badge_number"])
    assert not_posted.status is BadgeStatus.REJECT and not_posted.dispatched_on is None
    assert "cancelled this badge's print on 22 November 2026" in not_posted.print_problem and name in not_posted.print_problem

    # Posted home: the applicant is told. For collection: the council is, not the applicant. Not posted: nobody.
    [posted] = [mail for mail in emails_to(home_applicant["contact"]["email"]) if mail.subject.startswith("Your Blue Badge has been posted")]
    assert "posted to you on 21 November 2026" in posted.body and home["badge_number"] in posted.body
    assert not [mail for mail in emails_to(collector["contact"]["email"]) if "posted" in mail.subject]
    assert not [mail for mail in emails_to(cancelled_applicant["contact"]["email"]) if "posted" in mail.subject]
    council_mail = emails_to(council_email())[council_mail_before:]
    assert [mail.subject for mail in council_mail] == [f"Blue Badge for collection posted to Northshire County Council - case {collect_case}"]
    assert collect["badge_number"] in council_mail[0].body
    sent = [entry.after for entry in store.history(collect_case) if entry.action == "NOTIFICATION_SENT"]
    assert sent[-1]["kind"] == "BADGE_FOR_COLLECTION" and sent[-1]["delivered"]

    # The file left the supplier's inbox for the processed folder, unchanged.
    assert name not in keys(s3, SUPPLIER_INBOX)
    assert s3.get_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=RESULTS_PROCESSED + name)["Body"].read().startswith(b"<?xml")


def test_a_rejected_badge_is_listed_corrected_and_ordered_again_for_the_next_night(
    at_the_printer, caseworker, api_as, stack, clients, s3,  # noqa: F811
):
    [(case_id, badge)] = at_the_printer((someone_new(), None))
    number = badge["badge_number"]
    drop(s3, rejections_file((number, "Photograph not found")))
    [file] = deliver(s3)
    assert (file["kind"], file["rejected"], file["issued"]) == ("BadgePrintRejections", 1, 0)
    rejected = badge_store_for(NORTHSHIRE).get_badge(number)
    assert rejected.status is BadgeStatus.REJECT and rejected.print_problem == "Photograph not found"
    assert "BADGE_REJECTED" in case_actions(store_for(NORTHSHIRE), case_id)

    # Listed for the council's staff (read-only too), page by page; not for another council's.
    listed = [entry for entry in rejected_list(caseworker) if entry["badge_number"] == number]
    assert [(entry["status"], entry["print_problem"]) for entry in listed] == [("REJECT", "Photograph not found")]
    assert number in {entry["badge_number"] for entry in rejected_list(api_as(NORTHSHIRE, Role.READ_ONLY))}
    # The team leaders' dashboard counts them, as the list has them.
    from shared.services.blue_badge.logic.statistics import rejected_by_printer

    waiting = rejected_by_printer(store_for(NORTHSHIRE))
    assert waiting == len(rejected_list(caseworker)) >= 1
    other = api_as("VALEWYE", Role.CASEWORKER, Role.TEAM_LEADER)
    assert number not in {entry["badge_number"] for entry in rejected_list(other)}
    status, body = caseworker.call("GET", "/badges?status=ISSUED")
    assert status == 422 and body["errors"][0]["field"] == "status"

    # Ordering it again: editing roles only, this council only, the version seen, fields checked.
    version = rejected.version
    assert other.call("POST", f"/badges/{number}/reorder", {"expected_version": version})[0] == 404
    assert api_as(NORTHSHIRE, Role.READ_ONLY).call("POST", f"/badges/{number}/reorder", {"expected_version": version})[0] == 403
    assert caseworker.call("POST", f"/badges/{number}/reorder", {"expected_version": version - 1})[0] == 409
    status, body = caseworker.call("POST", f"/badges/{number}/reorder", {"expected_version": version, "holder": {"date_of_birth": "2999-01-01"}})
    assert status == 422 and body["errors"][0]["field"] == "holder.date_of_birth"
    assert badge_store_for(NORTHSHIRE).get_badge(number).version == version

    status, body = caseworker.call("POST", f"/badges/{number}/reorder",
                                   {"expected_version": version, "holder": {"forenames": "Corrected", "address": {"line2": "Flat 2"}}})
    assert status == 200, body
    reordered = body["badge"]
    assert (reordered["status"], reordered["batch_id"], reordered["print_problem"]) == ("ORDERED", None, None)
    assert reordered["holder"]["forenames"] == "Corrected" and reordered["holder"]["surname"] == badge["holder"]["surname"]
    assert reordered["holder"]["address"] == badge["holder"]["address"] | {"line2": "Flat 2"}
    [audit] = [entry for entry in store_for(NORTHSHIRE).history(case_id) if entry.action == "BADGE_REORDERED"]
    assert audit.before["print_problem"] == "Photograph not found" and set(audit.after["corrected"]) == {"forenames", "address"}
    assert number not in {entry["badge_number"] for entry in rejected_list(caseworker)}
    assert rejected_by_printer(store_for(NORTHSHIRE)) == waiting - 1
    status, body = caseworker.call("POST", f"/badges/{number}/reorder", {"expected_version": version + 1})
    assert status == 422 and "from ORDERED" in body["errors"][0]["message"]  # only a rejected badge is ordered again

    # The next night's run takes it, corrected.
    standard = run_dispatch(stack, clients)["STANDARD"]
    document = extract(s3, standard["filename"])
    assert number in badge_numbers_in(document)
    [details] = [element for element in document.iter("BadgeDetails") if element.findtext("BadgeIdentifier") == number]
    assert details.findtext("Name").endswith(", Corrected")
    again = badge_store_for(NORTHSHIRE).get_badge(number)
    assert again.status is BadgeStatus.PROCESSED and again.batch_id == standard["batch_id"]


def test_results_apply_once_unknown_and_already_issued_badges_are_skipped_and_logged(at_the_printer, s3, caplog):  # noqa: F811
    applicant = someone_new()
    [(case_id, badge)] = at_the_printer((applicant, None))
    number = badge["badge_number"]
    data = confirmations_file((number, "no", "2026-11-23"), ("000000", "no", "2026-11-23"))
    name = drop(s3, data)
    [first] = deliver(s3)
    assert first["issued"] == 1 and first["skipped"] == [
        {"badge_number": "000000", "reason": "no badge with this number was ordered in this deployment"}]
    store = badge_store_for(NORTHSHIRE)
    issued = store.get_badge(number)
    history, mail = store.history(case_id), emails_to(applicant["contact"]["email"])

    # The same file again (the supplier sent it twice): nothing changes, nobody is emailed again.
    caplog.set_level(logging.WARNING, logger="shared.services.blue_badge.logic.print_results")
    drop(s3, data, name)
    [second] = deliver(s3)
    assert (second["issued"], second["rejected"]) == (0, 0)
    assert {skip["badge_number"]: skip["reason"] for skip in second["skipped"]} == {
        "000000": "no badge with this number was ordered in this deployment",
        number: "the badge is ISSUED, not PROCESSED: a result applies once, to a badge at the printer"}
    assert store.get_badge(number) == issued and store.history(case_id) == history
    assert emails_to(applicant["contact"]["email"]) == mail
    logged = [record.getMessage() for record in caplog.records if record.name == "shared.services.blue_badge.logic.print_results"]
    assert any(f"badge {number} skipped" in line and "ISSUED" in line for line in logged)
    assert any("badge 000000 skipped" in line for line in logged)
    # A rejection arriving for a badge already issued is skipped the same way.
    drop(s3, rejections_file((number, "Card jammed")))
    [late] = deliver(s3)
    assert late["rejected"] == 0 and [skip["badge_number"] for skip in late["skipped"]] == [number]
    assert store.get_badge(number).status is BadgeStatus.ISSUED


def test_a_malformed_file_is_quarantined_whole_with_its_reason_and_nothing_in_it_applied(at_the_printer, s3):  # noqa: F811
    [(_, badge)] = at_the_printer((someone_new(), None))
    number = badge["badge_number"]
    bad = (b'<?xml version="1.0" encoding="windows-1252"?><BadgePrintConfirmations>'
           b"<Confirmation><BadgeIdentifier>" + number.encode() + b"</BadgeIdentifier><Cancellation>no</Cancellation>"
           b"<DispatchedDate>2026-11-24</DispatchedDate></Confirmation>"
           b"<Confirmation><BadgeIdentifier>" + number.encode() + b"</BadgeIdentifier><Cancellation>no</Cancellation>"
           b"<DispatchedDate>last Tuesday</DispatchedDate></Confirmation></BadgePrintConfirmations>")
    assert not CONFIRMATIONS_XSD.validate(etree.fromstring(bad))  # the supplier's schema refuses it too
    name = drop(s3, bad)
    s3.put_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=SUPPLIER_INBOX + "incoming/", Body=b"")  # an SFTP mkdir: ignored
    [file] = deliver(s3)
    assert file["quarantined"].startswith("Confirmation 2 (badge") and "DispatchedDate" in file["quarantined"]
    assert (file["moved_to"], file["issued"], file["skipped"]) == (RESULTS_QUARANTINE + name, 0, [])

    assert badge_store_for(NORTHSHIRE).get_badge(number).status is BadgeStatus.PROCESSED  # the good first entry was not applied
    assert name not in keys(s3, SUPPLIER_INBOX)
    quarantined = s3.get_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=RESULTS_QUARANTINE + name)
    assert quarantined["Body"].read() == bad
    assert quarantined["Metadata"]["reason"] == file["quarantined"]
    reason = s3.get_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=f"{RESULTS_QUARANTINE}{name}.reason.txt")["Body"].read().decode()
    assert reason == f"{name}: {file['quarantined']}\n"
    s3.delete_object(Bucket=PRINT_DROP_BUCKET_LOCAL_NAME, Key=SUPPLIER_INBOX + "incoming/")


def test_the_bridge_sends_the_event_s3_sends():
    from aws_lambda_powertools.utilities.parser.models import S3Model

    from infra.local.print_results import s3_event

    event = S3Model.model_validate(s3_event("bucket", f"{SUPPLIER_INBOX}a file+1.xml", 10, '"abc"'))  # AWS's full shape
    assert event.Records[0].s3.object.key == "supplier/from-supplier/a+file%2B1.xml"  # URL-encoded, as S3 sends it
    assert json.loads(json.dumps(s3_event("b", "k", 1, "e")))["Records"][0]["eventSource"] == "aws:s3"
