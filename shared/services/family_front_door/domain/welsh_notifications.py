"""The Welsh wording of the emails to the partner who sent a Family Front Door contact, for Welsh councils (the English
is in notifications.py; both are sent, Welsh first). Same kinds, same placeholders; the parts referrer_email() works
out (the response and answer times, the outcome's name) are given in Welsh by welsh_fields().

NEEDS REVIEW by a Welsh-language officer before any council goes live with it: written carefully, but not yet checked
by a Welsh speaker. The team's reply to the referrer is given as the team wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from shared.core.domain.email import EmailTemplate, welsh_contact_footer, welsh_day_and_time
from shared.services.family_front_door.domain.case import ContactOutcome

_FOOTER = welsh_contact_footer("Nodwch y cyfeirnod $reference wrth gysylltu â ni.")
_DANGER = "Os yw plentyn mewn perygl uniongyrchol, ffoniwch 999.\n"

# Keyed by ContactEmail's values (its str): every kind goes to a partner, so every kind has its Welsh.
WELSH_TEMPLATES: Mapping[str, EmailTemplate] = {
    "CONTACT_RECEIVED": EmailTemplate(
        subject="Rydym wedi cael eich cyswllt am $child - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Rydym wedi cael yr hyn a anfonoch at y Drws Ffrynt i Deuluoedd am $child. Y cyfeirnod yw $reference.

Bydd ein tîm yn edrych arno ac yn ymateb erbyn $respond_by. Gallwch weld sut mae'n datblygu yn y porth:
$portal_url

""" + _DANGER + _FOOTER,
    ),
    "CONTACT_QUESTION": EmailTemplate(
        subject="Mae angen rhagor o wybodaeth arnom am $child - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Mae angen rhagor o wybodaeth ar dîm y Drws Ffrynt i Deuluoedd cyn penderfynu beth fydd yn digwydd nesaf i $child.

Mewngofnodwch i'r porth i ddarllen ein cwestiwn a'i ateb erbyn $answer_by:
$portal_url

Os na fyddwn yn clywed gennych erbyn hynny, byddwn yn penderfynu gan ddefnyddio'r wybodaeth sydd gennym eisoes.

""" + _DANGER + _FOOTER,
    ),
    "CONTACT_QUESTION_REMINDER": EmailTemplate(
        subject="Nodyn atgoffa: mae angen rhagor o wybodaeth arnom am $child - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Rydym yn dal i aros am eich ateb i'n cwestiwn am $child. Atebwch ef yn y porth erbyn $answer_by:
$portal_url

""" + _DANGER + _FOOTER,
    ),
    "CONTACT_OUTCOME": EmailTemplate(
        subject="Canlyniad eich cyswllt am $child - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Mae tîm y Drws Ffrynt i Deuluoedd wedi penderfynu beth fydd yn digwydd nesaf i $child.

Canlyniad: $outcome

$reply

Gallwch ddarllen sut rydym yn penderfynu ar lefel yr angen yn ein canllawiau trothwy:
$threshold_guidance_url

Os bydd amgylchiadau'r plentyn yn newid, neu os ydych yn dal i boeni, cysylltwch â ni eto.

""" + _DANGER + _FOOTER,
    ),
}

# The outcomes' names (the English is case.OUTCOME_NAMES).
WELSH_OUTCOME_NAMES: Mapping[ContactOutcome, str] = {
    ContactOutcome.REFER_TO_CSC: "Wedi'i atgyfeirio at ofal cymdeithasol plant",
    ContactOutcome.EARLY_HELP: "Wedi'i atgyfeirio at gymorth cynnar",
    ContactOutcome.INFORMATION_AND_ADVICE: "Gwybodaeth a chyngor wedi'u rhoi",
    ContactOutcome.NO_FURTHER_ACTION: "Dim camau pellach",
}


def welsh_fields(respond_by: datetime, answer_by: datetime | None, outcome: ContactOutcome | None) -> dict[str, str]:
    """The fields referrer_email() works out, in Welsh (the rest are as given: names, links, the team's reply)."""
    return {"respond_by": welsh_day_and_time(respond_by), "answer_by": welsh_day_and_time(answer_by) if answer_by else "",
            "outcome": WELSH_OUTCOME_NAMES[outcome] if outcome else ""}
