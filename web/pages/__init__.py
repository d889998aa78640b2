"""The web UI's pages, one router per area; functions/web/handler.py includes them all."""

from shared.core.logic.casework import EDITING_ROLES
from shared.resources import Role
from shared.services.asc_triage import SERVICE_KEY as ASC_TRIAGE
from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.family_front_door import SERVICE_KEY as FAMILY_FRONT_DOOR
from web.page import LEADER_ROLES, NavItem
from web.pages import (
    account,
    asc_dashboard,
    asc_questions,
    asc_referral,
    asc_reply,
    asc_screening,
    cases,
    council_admin,
    dashboard,
    dashboards,
    ffd_contact,
    ffd_dashboard,
    ffd_holding,
    ffd_steps,
    intake,
    operations,
    partner_admin,
    people,
    portal,
    portal_account,
    reply,
    search,
    work,
)

# The ASC dashboard's and question editor's literal paths (/referrals/dashboard, /referrals/questions) come before the
# screening pages' /referrals/<case id>;
# the referrer's reply page (/reply/<token>/referral) before Blue Badge's /reply/<token> pages;
# every service's dashboard downloads (/dashboards/<service>/<table>.csv) before any service's pages.
ROUTERS = (
    account.router, work.router, dashboards.router, cases.router, intake.router, search.router, people.router, dashboard.router,
    asc_dashboard.router, asc_questions.router, asc_screening.router, asc_referral.router, asc_reply.router, reply.router,
    operations.router, council_admin.router, partner_admin.router, portal_account.router, portal.router,
    ffd_dashboard.router, ffd_holding.router, ffd_contact.router, ffd_steps.router,
)

# The sections in the header, each shown to the roles it names in councils that run its service.
NAVIGATION = (
    NavItem("/", "My work"),
    NavItem("/queue", "Team queue", service=BLUE_BADGE),
    NavItem("/referrals", "Referrals", service=ASC_TRIAGE),
    NavItem("/search", "Search", service=BLUE_BADGE),
    NavItem("/applications/new", "New application", EDITING_ROLES, service=BLUE_BADGE),
    NavItem("/dashboard", "Dashboard", LEADER_ROLES, service=BLUE_BADGE),
    NavItem("/operations", "Operations", (*EDITING_ROLES, Role.READ_ONLY), service=BLUE_BADGE),
    NavItem("/referrals/dashboard", "Referrals dashboard", LEADER_ROLES, service=ASC_TRIAGE),
    NavItem("/referrals/questions", "Referral questions", (Role.COUNCIL_ADMIN,), service=ASC_TRIAGE),
    NavItem("/family-front-door", "Holding area", (*EDITING_ROLES, Role.READ_ONLY), service=FAMILY_FRONT_DOOR),
    NavItem("/family-front-door/dashboard", "Front door dashboard", LEADER_ROLES, service=FAMILY_FRONT_DOOR),
    NavItem("/partners", "Partner agencies", (Role.COUNCIL_ADMIN,), service=FAMILY_FRONT_DOOR),
    NavItem("/admin/staff", "Staff accounts", (Role.COUNCIL_ADMIN,)),
    NavItem("/admin/settings", "Council settings", (Role.COUNCIL_ADMIN,)),
)
