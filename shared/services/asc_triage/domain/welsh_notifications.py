"""The Welsh wording of the emails to the person who made an adult social care referral, for Welsh councils (the English
is in notifications.py; both are sent, Welsh first). Same kinds, same placeholders; the parts referrer_email() works
out (dates and times, the online answer, the support listed, why a referral was closed, the team's Welsh name) are
given in Welsh here; so is the email confirming a hub appointment (welsh_hub_booking).

NEEDS REVIEW by a Welsh-language officer before any council goes live with it: written carefully, but not yet checked
by a Welsh speaker. Directory entries (the support listed) and hubs' names and addresses are filled in as the council's
directory holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from shared.core.domain.council import CouncilConfig
from shared.core.domain.email import EmailTemplate, welsh_contact_footer, welsh_date, welsh_day_and_time as welsh_day_and_time
from shared.services.asc_triage.domain.business_hours import LONDON
from shared.services.asc_triage.domain.signposting import DirectoryEntry, Hub

_FOOTER = welsh_contact_footer("Nodwch y cyfeirnod $reference wrth gysylltu â ni.")

_LOOK_AGAIN = ("Os bydd eu hanghenion yn newid, neu os ydych yn credu ein bod wedi gwneud camgymeriad, cysylltwch â ni a "
               "byddwn yn edrych eto.\n")

# Keyed by ReferralEmail's values (its str).
WELSH_TEMPLATES: Mapping[str, EmailTemplate] = {
    "REFERRAL_RECEIVED": EmailTemplate(
        subject="Rydym wedi cael eich atgyfeiriad - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Rydym wedi cael eich atgyfeiriad at ofal cymdeithasol i oedolion ar gyfer $person. Y cyfeirnod yw $reference.

Bydd rhywun o'n tîm yn ei ddarllen ac yn penderfynu beth fydd yn digwydd nesaf. Ein nod yw gwneud hyn erbyn $routing_due. Byddwn yn anfon e-bost atoch pan fyddwn wedi gwneud hynny.

Os ydych yn credu bod rhywun mewn perygl uniongyrchol, ffoniwch 999.
""" + _FOOTER,
    ),
    "REFERRAL_QUESTION": EmailTemplate(
        subject="Mae angen rhagor o wybodaeth arnom am eich atgyfeiriad - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Mae angen rhagor o wybodaeth arnom cyn y gallwn benderfynu beth fydd yn digwydd gyda'ch atgyfeiriad ar gyfer $person.

Ein cwestiwn:
$question

${reply_online}Gallwch hefyd ein ffonio ar $council_phone.

Os na fyddwn yn clywed gennych${by_reply_date}, byddwn yn penderfynu gan ddefnyddio'r wybodaeth sydd gennym eisoes.
""" + _FOOTER,
    ),
    "REFERRAL_ROUTED": EmailTemplate(
        subject="Rydym wedi anfon eich atgyfeiriad at ein tîm $team_name - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Rydym wedi darllen eich atgyfeiriad ar gyfer $person ac wedi'i anfon at ein tîm $team_name.

Byddant yn cysylltu â $person i siarad am y cymorth sydd ei angen arnynt.
""" + _FOOTER,
    ),
    "REFERRAL_SIGNPOSTED": EmailTemplate(
        subject="Cymorth i $person yn y gymuned - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Rydym wedi darllen eich atgyfeiriad ar gyfer $person. Rydym yn credu mai cymorth yn y gymuned yw'r help gorau iddynt ar hyn o bryd.

${support}""" + _LOOK_AGAIN + _FOOTER,
    ),
    "REFERRAL_CLOSED": EmailTemplate(
        subject="Rydym wedi cau eich atgyfeiriad - cyfeirnod $reference",
        body="""Annwyl $referrer_name,

Rydym wedi darllen eich atgyfeiriad ar gyfer $person ac wedi'i gau. $closed_because

""" + _LOOK_AGAIN + _FOOTER,
    ),
}


def welsh_day(moment: datetime) -> str:
    return welsh_date(moment.astimezone(LONDON).date())


def welsh_support(signposts: Iterable[DirectoryEntry]) -> str:
    listed = "\n\n".join(_signpost(entry) for entry in signposts)
    if listed:
        return f"Gall y gwasanaethau hyn helpu:\n\n{listed}\n\n"
    return "Ffoniwch ni a byddwn yn trafod y cymorth sydd ar gael yn y gymuned.\n\n"


def _signpost(entry: DirectoryEntry) -> str:
    ways = [f"Ffôn: {entry.phone}" if entry.phone else None, f"E-bost: {entry.email}" if entry.email else None,
            f"Gwefan: {entry.web}" if entry.web else None]
    return "\n".join([entry.organisation, entry.description, *(way for way in ways if way)])


def welsh_closed_because(person: str, linked: bool) -> str:
    if linked:
        return f"Mae {person} eisoes yn hysbys i ni, felly rydym wedi ychwanegu eich atgyfeiriad at y cofnod sydd gennym yn barod."
    return "Ni fyddwn yn cymryd unrhyw gamau pellach."


def welsh_team_name(council: CouncilConfig, team_name: str) -> str:
    """The Welsh name of the council's team called `team_name`, where the council gives one (Team.welsh_name)."""
    return next((team.welsh_name for team in council.teams if team.name == team_name and team.welsh_name), team_name)


def welsh_hub_booking(council: CouncilConfig, hub: Hub, booking_id: str, slot: datetime, name: str, cancel_url: str) -> tuple[str, str]:
    """(subject, body) in Welsh of the email confirming a hub appointment (the English is web/pages/asc_referral.py's)."""
    body = (f"Annwyl {name},\n\nMae eich apwyntiad yn {hub.name} wedi'i drefnu am {welsh_day_and_time(slot)}.\n\n"
            f"{hub.address}\n{hub.postcode}\n\nCyfeirnod yr apwyntiad: {booking_id}\n\n"
            f"Os na allwch ddod, canslwch yr apwyntiad gyda'r ddolen hon, fel y gall rhywun arall ei gael:\n{cancel_url}\n\n"
            f"{council.welsh_name or council.name}\n{council.contact.phone}\n")
    return f"Eich apwyntiad yn {hub.name}", body
