"""Demo partner agencies and partners for the Family Front Door portal: for each council that runs it, a school, a GP
practice and the police, each with its email domain on the council's allow-list (written as a council admin would, so
the allow-list's audit trail shows them), and one demo partner per agency in the partner pool.

A partner registering through the portal with another address on one of these domains is admitted by the real
pre-sign-up trigger (run by infra/local/partner_pool.py's bridge); any other domain is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.local.provision import ClientFactory, LocalResources, client_factory
from infra.local.seed import DEMO_PASSWORD
from shared.core.domain.council import CouncilConfig, CouncilRegistry
from shared.resources import PARTNER_COUNCIL_ATTRIBUTE, PORTAL_PATH, tenant_id
from shared.services.family_front_door import SERVICE_KEY
from shared.services.family_front_door.adapters.partner_directory import PartnerDirectory
from shared.services.family_front_door.domain.agencies import Agency, AgencyKind, AllowedDomain, PartnerPermission

SEED_ACTOR = "local-seed"


@dataclass(frozen=True)
class DemoAgency:
    agency: Agency
    domain: str
    partner_email: str
    partner_name: str


@dataclass(frozen=True)
class PartnerSeedReport:
    agencies: dict[str, list[DemoAgency]]  # council code -> its demo agencies
    password: str


def demo_agencies(council: CouncilConfig) -> list[DemoAgency]:
    place = tenant_id(council.code)
    everything = frozenset(PartnerPermission)
    made = [
        (Agency(agency_id="riverside-primary", name="Riverside Primary School", kind=AgencyKind.SCHOOL, permissions=everything),
         f"riverside-primary.{place}.sch.example", "dsl", "Dana Lee"),
        (Agency(agency_id="millbrook-surgery", name="Millbrook Surgery", kind=AgencyKind.GP_PRACTICE, permissions=everything),
         f"millbrook-surgery.{place}.nhs.example", "safeguarding.lead", "Dr Sam Patel"),
        # The police raise concerns; what the council holds about a child they ask for through their own channels.
        (Agency(agency_id=f"{place}-police", name=f"{council.name.split()[0]} Police", kind=AgencyKind.POLICE,
                permissions=frozenset({PartnerPermission.CAUSE_FOR_CONCERN})),
         f"police.{place}.example", "pc.morgan", "PC Alex Morgan"),
    ]
    return [DemoAgency(agency, domain, f"{person}@{domain}", name) for agency, domain, person, name in made]


def seed_partners(session_or_clients: Any, resources: LocalResources, councils: CouncilRegistry,
                  now: datetime | None = None, password: str = DEMO_PASSWORD) -> PartnerSeedReport:
    clients: ClientFactory = client_factory(session_or_clients)
    cognito = clients("cognito-idp")
    now = now or datetime.now(UTC)
    seeded: dict[str, list[DemoAgency]] = {}
    for council in councils:
        if not council.runs(SERVICE_KEY):
            continue
        directory = PartnerDirectory(clients("dynamodb"), resources.council_tables[council.code])
        seeded[council.code] = demo_agencies(council)
        for demo in seeded[council.code]:
            directory.save_agency(demo.agency, SEED_ACTOR, now)
            directory.allow_domain(AllowedDomain(domain=demo.domain, agency_id=demo.agency.agency_id), SEED_ACTOR, now)
            cognito.admin_create_user(
                UserPoolId=resources.partner_user_pool_id, Username=demo.partner_email, MessageAction="SUPPRESS",
                UserAttributes=[{"Name": "email", "Value": demo.partner_email}, {"Name": "email_verified", "Value": "true"},
                                {"Name": "name", "Value": demo.partner_name},
                                {"Name": f"custom:{PARTNER_COUNCIL_ATTRIBUTE}", "Value": council.code}],
            )
            cognito.admin_set_user_password(UserPoolId=resources.partner_user_pool_id, Username=demo.partner_email,
                                            Password=password, Permanent=True)
    return PartnerSeedReport(seeded, password)


def partner_banner(web_url: str, report: PartnerSeedReport, councils: CouncilRegistry) -> str:
    """How to reach the portal: the demo partners, and how to register a new one with an allowed domain."""
    portal = f"{web_url}{PORTAL_PATH}"
    lines = [f"Family Front Door portal for partner agencies: {portal}"]
    if not report.agencies:
        return lines[0] + " (no council runs the Family Front Door)"
    lines.append(f"  Demo partners (password {report.password}; the first sign-in sets up an authenticator app, and locally "
                 "any 6-digit code is accepted):")
    lines += [f"    {demo.partner_email:<52} {code:<11} {demo.agency.name}" for code, agencies in report.agencies.items() for demo in agencies]
    code, agencies = next(iter(report.agencies.items()))
    council = councils.get(code)
    lines.append(f"  Register a new partner: {portal}/register, choose {council.name if council else code}, and use any address "
                 f"@{agencies[0].domain} (a domain not on the council's allow-list, e.g. @gmail.com, is refused). moto sends no "
                 "email: any code confirms it. Council admins manage the allow-list at /partners.")
    return "\n".join(lines)
