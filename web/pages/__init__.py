"""The web UI's pages, one router per area; functions/web/handler.py includes them all."""

from web.pages import account, cases, dashboard, intake, people, reply, search, work

ROUTERS = (account.router, work.router, cases.router, intake.router, search.router, people.router, dashboard.router, reply.router)
