"""The Welsh wording of the Blue Badge emails and letters the public gets, for Welsh councils (the English is in
notifications.py; both are sent, Welsh first). Same kinds, same placeholders; the parts that compose() works out
(dates, how the badge comes, the online reply paragraph) are given in Welsh by welsh_fields().

NEEDS REVIEW by a Welsh-language officer before any council goes live with it: written carefully, but not yet checked
by a Welsh speaker (mutations after "am" and "â"/"ag" in particular). The same goes for the missing items' names
(WELSH_DESCRIPTIONS). A caseworker's own note on a missing item, and a refusal reason typed rather than picked from the
council's standard list (or one its admin has given no Welsh wording, BlueBadgeSettings.welsh_refusal_reasons), are
given as written: staff write them in the language they work in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from shared.core.domain.case import MissingItem
from shared.core.domain.email import EmailTemplate, welsh_contact_footer, welsh_date
from shared.services.blue_badge.domain.completeness import DESCRIPTIONS, MissingCode

_FOOTER = welsh_contact_footer("Nodwch eich cyfeirnod $case_reference wrth gysylltu â ni.")

_STILL_NEED = """Anfonwch hyn atom erbyn $reply_by.

${reply_online}Gallwch $reply_how neu ein ffonio ar $council_phone.

Os na fyddwn yn cael yr wybodaeth hon erbyn $reply_by, byddwn yn cau eich cais.
"""

_OTHER_HELP = """Help arall
Efallai y gallwch gael help arall gyda pharcio a theithio o gwmpas. Cewch wybod mwy yn $signpost_url
"""

# Keyed by NotificationKind's values (its str): every kind but BADGE_FOR_COLLECTION, which goes to the council's own team.
WELSH_TEMPLATES: Mapping[str, EmailTemplate] = {
    "RECEIVED": EmailTemplate(
        subject="Rydym wedi cael eich cais am Fathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Rydym wedi cael eich cais am Fathodyn Glas. Eich cyfeirnod yw $case_reference.

Byddwn yn gwirio eich cais ac yn rhoi gwybod i chi os bydd angen unrhyw beth arall arnom.
Byddwn yn $contact_you pan fyddwn wedi gwneud penderfyniad.
""" + _FOOTER,
    ),
    "INFORMATION_REQUESTED": EmailTemplate(
        subject="Mae angen rhagor o wybodaeth arnom ar gyfer eich cais am Fathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Ni allwn wneud penderfyniad ar eich cais am Fathodyn Glas eto. Mae angen y canlynol arnom:

$missing_items

""" + _STILL_NEED + _FOOTER,
    ),
    "INFORMATION_REMINDER": EmailTemplate(
        subject="Nodyn atgoffa: mae angen gwybodaeth arnom o hyd ar gyfer eich cais am Fathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Rydym yn dal i aros am wybodaeth am eich cais am Fathodyn Glas. Mae angen y canlynol arnom:

$missing_items

""" + _STILL_NEED + _FOOTER,
    ),
    "WITHDRAWN": EmailTemplate(
        subject="Rydym wedi cau eich cais am Fathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Rydym wedi cau eich cais am Fathodyn Glas. Y rheswm am hyn yw na chawsom yr wybodaeth y gofynnon ni amdani erbyn $reply_by.

Ni wnaethom benderfyniad ar eich cais.

Gallwch wneud cais eto unrhyw bryd. Gwnewch gais ar-lein yn https://www.gov.uk/apply-blue-badge neu cysylltwch â ni i gael ffurflen bapur.
Bydd angen i chi anfon yr holl wybodaeth a'r holl ddogfennau gyda'ch cais newydd.
""" + _FOOTER,
    ),
    "DECISION_APPROVED": EmailTemplate(
        subject="Mae eich cais am Fathodyn Glas wedi cael ei gymeradwyo - cyfeirnod $case_reference",
        body="""Annwyl $name,

Mae eich cais am Fathodyn Glas wedi cael ei gymeradwyo.

Byddwn yn archebu eich bathodyn pan fydd ffi'r bathodyn wedi'i thalu. Os nad ydych wedi'i thalu eto, byddwn yn cysylltu â chi i esbonio sut i dalu.
Byddwn yn $contact_you eto pan fyddwn wedi archebu eich bathodyn.
""" + _FOOTER,
    ),
    "DECISION_REFUSED": EmailTemplate(
        subject="Penderfyniad ar eich cais am Fathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Mae'n ddrwg gennym, ond ni allwn roi Bathodyn Glas i chi.

Y rheswm am hyn yw:

$reasons

Sut i ofyn am adolygiad
Os ydych yn credu bod ein penderfyniad yn anghywir, gallwch ofyn i ni edrych arno eto. Adolygiad yw'r enw ar hyn.
Gofynnwch am adolygiad cyn pen $review_days ar ôl dyddiad $this_message, erbyn $reply_by.
$reply_how_capitalised neu ffoniwch ni ar $council_phone. Dywedwch wrthym pam rydych yn credu bod y penderfyniad yn anghywir ac anfonwch unrhyw dystiolaeth newydd.

""" + _OTHER_HELP + _FOOTER,
    ),
    "APPROVED_AND_ORDERED": EmailTemplate(
        subject="Mae eich cais am Fathodyn Glas wedi cael ei gymeradwyo ac rydym wedi archebu eich bathodyn - cyfeirnod $case_reference",
        body="""Annwyl $name,

Mae eich cais am Fathodyn Glas wedi cael ei gymeradwyo, ac rydym wedi archebu eich bathodyn. $delivery
""" + _FOOTER,
    ),
    "REVIEW_UPHELD": EmailTemplate(
        subject="Yr adolygiad o'r penderfyniad am eich Bathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Rydym wedi adolygu ein penderfyniad ar eich cais am Fathodyn Glas, fel y gofynnoch chi. Mae aelod arall o staff
wedi edrych eto ar eich cais ac ar bopeth a anfonoch atom.

Mae'n ddrwg gennym, ond mae'r penderfyniad yn aros yr un fath. Y rheswm am hyn yw:

$reasons

Gallwch wneud cais eto os bydd eich amgylchiadau'n newid.

""" + _OTHER_HELP + _FOOTER,
    ),
    "BADGE_ORDERED": EmailTemplate(
        subject="Rydym wedi archebu eich Bathodyn Glas - cyfeirnod $case_reference",
        body="""Annwyl $name,

Rydym wedi archebu eich Bathodyn Glas. $delivery
""" + _FOOTER,
    ),
    "BADGE_POSTED": EmailTemplate(
        subject="Mae eich Bathodyn Glas wedi cael ei anfon drwy'r post - cyfeirnod $case_reference",
        body="""Annwyl $name,

Mae eich Bathodyn Glas wedi cael ei argraffu ac fe'i anfonwyd atoch drwy'r post ar $dispatched_on. Dylai gyrraedd cyn pen 5 diwrnod gwaith.

Rhif y bathodyn: $badge_numbers

Pan fydd yn cyrraedd, gwiriwch fod y manylion arno'n gywir. Cysylltwch â ni os oes unrhyw beth arno'n anghywir, neu os nad yw
wedi cyrraedd cyn pen 2 wythnos. Peidiwch â defnyddio bathodyn sydd â manylion anghywir arno.
""" + _FOOTER,
    ),
    "RENEWAL_REMINDER": EmailTemplate(
        subject="Mae eich Bathodyn Glas yn dod i ben ar $expires_on - cyfeirnod $case_reference",
        body="""Annwyl $name,

Mae eich Bathodyn Glas yn dod i ben ar $expires_on.

Rhif y bathodyn: $badge_numbers

Os oes angen Bathodyn Glas arnoch o hyd, gwnewch gais i'w adnewyddu nawr, fel y gall eich bathodyn newydd eich cyrraedd cyn i'r un hwn ddod i ben.
Gwnewch gais ar-lein yn https://www.gov.uk/apply-blue-badge neu cysylltwch â ni i gael ffurflen bapur. Bydd angen i chi anfon
prawf cyfredol o gymhwysedd, fel llythyr dyfarnu budd-dal, gyda'ch cais.

Ni allwch ddefnyddio eich bathodyn ar ôl iddo ddod i ben. Pan fydd wedi dod i ben, dychwelwch ef atom.
""" + _FOOTER,
    ),
    "BADGE_CANCELLED": EmailTemplate(
        subject="Mae Bathodyn Glas $badge_numbers wedi'i ganslo - cyfeirnod $case_reference",
        body="""Annwyl $name,

Rydym wedi canslo Bathodyn Glas $badge_numbers, fel y gofynnwyd i ni.

Ni ellir defnyddio'r bathodyn mwyach. Dychwelwch ef atom, drwy'r post neu yn ein swyddfeydd.
""" + _FOOTER,
    ),
}

# The words that name the medium (the English is notifications.MEDIUM_WORDS).
WELSH_MEDIUM_WORDS = {
    "email": {"contact_you": "anfon e-bost atoch", "reply_how": "ateb yr e-bost hwn", "reply_how_capitalised": "Atebwch yr e-bost hwn",
              "this_message": "yr e-bost hwn"},
    "letter": {"contact_you": "ysgrifennu atoch", "reply_how": "ysgrifennu atom", "reply_how_capitalised": "Ysgrifennwch atom",
               "this_message": "y llythyr hwn"},
}

# How the badge reaches the holder, by DeliverTo value (the English is notifications.DELIVERY).
WELSH_DELIVERY = {
    "HOME": "Bydd yn cael ei argraffu a'i anfon atoch drwy'r post.\n\nCysylltwch â ni os nad yw wedi cyrraedd cyn pen 3 wythnos.",
    "COUNCIL": "Bydd yn cael ei argraffu a'i anfon atom ni i chi ei gasglu.\n\nByddwn yn cysylltu â chi pan fydd yn barod i'w gasglu.",
}


def welsh_working_days(count: int) -> str:
    """e.g. "20 diwrnod gwaith" (a Welsh noun stays singular after a number)."""
    return f"{count} diwrnod gwaith"


def welsh_reply_online(reply_url: str, reply_by: date | None) -> str:
    until = f", tan {welsh_date(reply_by)}" if reply_by else ""
    return f"Gallwch ei anfon atom ar-lein:\n{reply_url}\nMae'r ddolen hon ar eich cyfer chi yn unig. Mae'n gweithio unwaith{until}.\n\n"


# The missing items' names (the English is completeness.DESCRIPTIONS), for the Welsh missing-information emails.
WELSH_DESCRIPTIONS: Mapping[MissingCode, str] = {
    MissingCode.HOLDER_NAME: "Enw llawn deiliad y bathodyn (enwau cyntaf a chyfenw)",
    MissingCode.DATE_OF_BIRTH: "Dyddiad geni deiliad y bathodyn",
    MissingCode.ADDRESS: "Cyfeiriad cartref deiliad y bathodyn",
    MissingCode.POSTCODE: "Cod post dilys yn y DU ar gyfer y cyfeiriad cartref",
    MissingCode.NINO: "Rhif Yswiriant Gwladol dilys (sydd ei angen ar gyfer cais ar sail budd-dal)",
    MissingCode.ELIGIBILITY_CODE: "Y rheswm dros wneud cais (pa faen prawf cymhwysedd sy'n berthnasol)",
    MissingCode.AWARD_DATES: "Dyddiadau dechrau a gorffen y dyfarniad budd-dal",
    MissingCode.PROOF_OF_ELIGIBILITY: "Prawf o gymhwysedd, fel y llythyr dyfarnu budd-dal",
    MissingCode.WALKING_DETAILS: "Sut mae'r cyflwr yn effeithio ar gerdded (anawsterau, pellter, cymhorthion)",
    MissingCode.ARMS_DETAILS: "A yw'r deiliad yn gyrru'n rheolaidd, a sut mae'r cyflwr yn effeithio ar y breichiau",
    MissingCode.CHILD_EQUIPMENT: "Yr offer meddygol y mae'n rhaid i'r plentyn ei gael gydag ef neu hi bob amser",
    MissingCode.PROOF_OF_IDENTITY: "Prawf o hunaniaeth",
    MissingCode.PROOF_OF_ADDRESS: "Prawf o gyfeiriad",
    MissingCode.PHOTO: "Llun diweddar o ddeiliad y bathodyn, yn null llun pasbort",
    MissingCode.FEE: "Taliad ffi'r bathodyn",
    MissingCode.CONTACT: "Cyfeiriad e-bost neu rif ffôn i gysylltu â'r ymgeisydd",
    MissingCode.ORGANISATION_ADDRESS: "Cyfeiriad y sefydliad, gyda chod post dilys yn y DU",
    MissingCode.PIP_POINTS: "Y pwyntiau PIP a ddyfarnwyd am symud o gwmpas, ac am gynllunio a dilyn teithiau (gyda'r disgrifydd), "
                            "fel y maent ar y llythyr dyfarnu",
    MissingCode.CRIME_REFERENCE: "Y cyfeirnod trosedd a roddodd yr heddlu pan roddwyd gwybod bod y bathodyn wedi'i ddwyn",
    MissingCode.RECENT_PIP_AWARD_LETTER: "Llythyr dyfarnu PIP dyddiedig o fewn y 12 mis diwethaf",
    MissingCode.REPLACE_REASON: "Pam mae angen bathodyn newydd: wedi'i golli, wedi'i ddwyn, wedi'i ddifrodi neu heb gyrraedd erioed",
}

# Who an email is addressed to when the application names nobody (the English is notifications.UNNAMED_ADDRESSEE).
WELSH_UNNAMED_ADDRESSEE = "ymgeisydd"


def welsh_missing_items(items: Iterable[MissingItem]) -> str:
    """One "- description" line per item in Welsh: the item's Welsh name, then the caseworker's note as they wrote it
    (an item's description is its standard name, or "<standard name>: <note>")."""
    lines = []
    for item in items:
        standard = DESCRIPTIONS.get(item.code, "")
        note = item.description[len(standard):] if standard and item.description.startswith(standard) else ""
        welsh = WELSH_DESCRIPTIONS.get(item.code)
        lines.append(f"- {welsh}{note}" if welsh else f"- {item.description}")
    return "\n".join(lines)


def welsh_reasons(reasons: Iterable[str], welsh_wording: Mapping[str, str]) -> str:
    """One "- reason" line per reason: the council's Welsh wording of a standard reason, else the reason as written."""
    return "\n".join(f"- {welsh_wording.get(reason, reason)}" for reason in reasons)
