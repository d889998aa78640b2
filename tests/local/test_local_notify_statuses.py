"""The GOV.UK Notify stand-in's GET /v2/notifications, with the real Notify client: a service's own notifications only,
newest first, a page at a time (older_than), narrowed by status, with the status a test set."""

from __future__ import annotations

import pytest

from tests.local.test_local_notify import ADDRESS, client_of, refused, stand_in  # noqa: F401 - the fixture


def test_a_service_lists_its_own_notifications_newest_first_by_page_with_their_statuses(stand_in):  # noqa: F811
    client, settings = client_of(stand_in, "VALEWYE")
    other, other_settings = client_of(stand_in, "NORTHSHIRE")
    ids = [client.send_letter_notification(str(settings.templates.letter), ADDRESS | {"subject": "S", "body": f"B{n}"}, f"C{n}/RECEIVED")["id"]
           for n in range(3)]
    other.send_email_notification("ada@example.com", str(other_settings.templates.email), {"subject": "S", "body": "B"}, "X/RECEIVED")
    stand_in.page_size = 2
    first = client.get_all_notifications()
    assert [item["id"] for item in first["notifications"]] == ids[::-1][:2] and "next" in first["links"]
    assert {item["status"] for item in first["notifications"]} == {"accepted"}
    second = client.get_all_notifications(older_than=first["notifications"][-1]["id"])
    assert [item["id"] for item in second["notifications"]] == [ids[0]] and "next" not in second["links"]
    assert second["notifications"][0]["reference"] == "C0/RECEIVED" and second["notifications"][0]["type"] == "letter"

    stand_in.set_status(ids[1], "returned-letter")
    [returned] = client.get_all_notifications(status="returned-letter")["notifications"]
    assert returned["id"] == ids[1] and returned["completed_at"].endswith("Z")
    with pytest.raises(ValueError, match="'delivered' is not a status of letter notifications"):
        stand_in.set_status(ids[0], "delivered")
    assert refused(lambda: client.get_all_notifications(older_than="not-one-of-ours"))[0] == 400


def test_a_status_is_set_by_hand_on_the_stand_ins_own_path(stand_in):  # noqa: F811
    import requests

    from infra.local.notify_api import STATUS_PATH

    client, settings = client_of(stand_in, "VALEWYE")
    sent = client.send_email_notification("ada@example.com", str(settings.templates.email), {"subject": "S", "body": "B"}, "C/RECEIVED")
    assert requests.post(f"{stand_in.base_url}{STATUS_PATH}", json={"id": sent["id"], "status": "permanent-failure"}, timeout=5).ok
    assert stand_in.status_of(sent["id"]) == "permanent-failure"
    wrong = requests.post(f"{stand_in.base_url}{STATUS_PATH}", json={"id": sent["id"], "status": "returned-letter"}, timeout=5)
    assert wrong.status_code == 400 and "is not a status of email notifications" in wrong.text
    assert requests.post(f"{stand_in.base_url}{STATUS_PATH}", json={"id": "nope", "status": "delivered"}, timeout=5).status_code == 404
