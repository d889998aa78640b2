"""Who is calling, for which council, in which roles: read from the identity token's groups only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.resources import GROUP_SEPARATOR, NATIONAL_ADMIN_GROUP, TEAM_GROUP_MARK, Role


class NoCouncilAccess(PermissionError):
    pass


@dataclass(frozen=True)
class Caller:
    user: str
    council_code: str | None  # None only for a national administrator
    roles: frozenset[Role]
    national_admin: bool = False
    teams: frozenset[str] = frozenset()  # the council's teams the person belongs to (team groups)

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def actor(self) -> str:
        return f"user:{self.user}"


def parse_groups(raw: object) -> list[str]:
    """API Gateway passes `cognito:groups` as a string ("a,b" or "[a b]"); tests may pass a list."""
    if isinstance(raw, list):
        return [str(group) for group in raw]
    if not isinstance(raw, str):
        return []
    return [group for group in re.split(r"[\s,\[\]]+", raw) if group]


def caller_from_claims(claims: dict) -> Caller:
    user = str(claims.get("email") or claims.get("cognito:username") or claims.get("sub") or "")
    if not user:
        raise NoCouncilAccess("the identity token names no user")
    groups = parse_groups(claims.get("cognito:groups"))
    if NATIONAL_ADMIN_GROUP in groups:
        return Caller(user=user, council_code=None, roles=frozenset(), national_admin=True)
    councils: dict[str, set[Role]] = {}
    teams: dict[str, set[str]] = {}
    team_mark = f"{TEAM_GROUP_MARK}{GROUP_SEPARATOR}"
    for group in groups:
        council, _, role = group.partition(GROUP_SEPARATOR)
        if role in Role._value2member_map_:
            councils.setdefault(council, set()).add(Role(role))
        elif role.startswith(team_mark):
            teams.setdefault(council, set()).add(role.removeprefix(team_mark))
    if len(councils) != 1:
        # Staff belong to exactly one council; anything else is a misconfigured account, refused rather than guessed.
        raise NoCouncilAccess(f"user {user} must belong to exactly one council (found {len(councils)})")
    [(council, roles)] = councils.items()
    # Only the teams of the council the roles are in: a team group of another council grants nothing.
    return Caller(user=user, council_code=council, roles=frozenset(roles), teams=frozenset(teams.get(council, ())))
