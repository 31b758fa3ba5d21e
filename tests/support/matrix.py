"""One runner for the authorization matrices: who (a role) may do what (an action) where (a
target).

A matrix is a list of :class:`Cell` s, each expecting one outcome:

- :data:`ALLOWED`: the action succeeded. No FORBIDDEN, no userErrors, and it returned what it did
  (the changed object, not ``None``). Passing authorization is not enough.
- :data:`FORBIDDEN`: authorization refused it (``Forbidden`` / GraphQL ``FORBIDDEN``).
- :data:`NOT_FOUND`: it was aimed at another county, whose objects do not exist for the caller.
- :func:`refused_with` ``(code)``: authorized, but a rule of the domain refuses it with exactly
  ``code`` (the county centre cannot be closed; a township head is not held at a village).

Cells read ``role-action-target``, e.g. ``township_head-hireStaff-child``:

- role: a ``Role`` value, held in every factory county by the user ``ROLE_USERS`` names;
- action: the product action, named as its GraphQL mutation or query (``grantRole:WINDOW_STAFF``
  when an argument tells actions apart);
- target: where it is aimed relative to the role's own site (:data:`RELATIONS`: ``own``,
  ``child``, ``grandchild``, ``sibling``, ``sibling_child``, ``cousin``, ``parent``,
  ``grandparent``), ``other_county`` (the
  same place in another county), or what the matrix names (``county``, a department, …).

An attempt comes to an :class:`Outcome`: through the services with :func:`attempt` (a transaction
rolled back afterwards, so every cell starts from the same county; :func:`check_in_transaction`)
or through GraphQL with :func:`graphql_outcome`. :func:`check` compares it with the cell. Every
matrix runs in the :class:`World` of the ``matrix_world`` fixture.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from tenants.database import Database
from tenants.errors import UserErrors
from tests.support.catalog import CatalogSetup, setup_catalog
from tests.support.factories import ROLE_USERS, County, make_county
from tests.support.workforce import head_proposal, hire
from workforce.models import Staff

ROLES = tuple(ROLE_USERS)
OTHER_COUNTY = "other_county"

# Where a target lies relative to the role's own site (a site key of the factory county).
RELATIONS: dict[str, dict[str, str]] = {
    "root": {"own": "root", "child": "town_a", "grandchild": "village_a1"},
    "sub": {"own": "sub", "sibling": "town_a", "sibling_child": "village_a1", "parent": "root"},
    "town_a": {
        "own": "town_a",
        "child": "village_a1",
        "sibling": "town_b",
        "sibling_child": "village_b1",
        "parent": "root",
    },
    "village_a1": {
        "own": "village_a1",
        "sibling": "village_a2",
        "cousin": "village_b1",
        "parent": "town_a",
        "grandparent": "root",
    },
}
INSIDE = ("own", "child", "grandchild")  # where a role bound at its site holds


def user_of(role: str) -> str:
    """The factory county's user holding ``role``."""
    return ROLE_USERS[role][0]


def home_of(role: str) -> str:
    """The site key ``role`` is bound at in the factory county."""
    return ROLE_USERS[role][1]


def relations(role: str) -> dict[str, str]:
    """Target name → site key, for ``role``: its own site, around it, and ``other_county``
    (the role's own site key, looked up in the other county)."""
    return {**RELATIONS[home_of(role)], OTHER_COUNTY: home_of(role)}


@dataclass(frozen=True)
class Expect:
    kind: str
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}({self.code})" if self.code else self.kind


ALLOWED = Expect("allowed")
FORBIDDEN = Expect("forbidden")
NOT_FOUND = Expect("not_found")


def refused_with(code: str) -> Expect:
    return Expect("refused", code)


@dataclass(frozen=True)
class Cell:
    role: str
    action: str
    target: str
    expected: Expect

    @property
    def id(self) -> str:
        return f"{self.role}-{self.action}-{self.target}"

    @property
    def username(self) -> str:
        return user_of(self.role)

    @property
    def elsewhere(self) -> bool:
        return self.target == OTHER_COUNTY


def cells(
    roles: Iterable[str],
    actions: Iterable[str],
    targets: Callable[[str, str], Iterable[str]],
    expect: Callable[[str, str, str], Expect],
) -> list:
    """``pytest.param`` s of role × action × ``targets(role, action)``, each expecting
    ``expect(role, action, target)``, with ids ``role-action-target``."""
    made = []
    for role in roles:
        for action in actions:
            for target in targets(role, action):
                cell = Cell(role, action, target, expect(role, action, target))
                made.append(pytest.param(cell, id=cell.id))
    return made


@dataclass
class Outcome:
    """What one attempt came to: FORBIDDEN, refused with codes, or done with a value."""

    forbidden: bool = False
    codes: list[str] = field(default_factory=list)
    value: object = None

    def __str__(self) -> str:
        if self.forbidden:
            return "FORBIDDEN"
        if self.codes:
            return f"refused {self.codes}" + (f", yet {self.value!r}" if self.value else "")
        return f"done: {self.value!r}"[:200]


async def attempt(
    db: Database, tenant_id: uuid.UUID, action: Callable[[AsyncSession], Awaitable[object]]
) -> Outcome:
    """Run ``action(session)`` (service calls returning what they changed) in a transaction of
    ``tenant_id`` that is rolled back afterwards."""
    session = db.session(tenant_id)
    try:
        await session.begin()
        try:
            value = await action(session)
            await session.flush()
        except Forbidden:
            return Outcome(forbidden=True)
        except UserErrors as refused:
            return Outcome(codes=[e.code for e in refused.errors])
        return Outcome(value=value)
    finally:
        await session.rollback()
        await session.close()


def graphql_outcome(result: dict, path: str) -> Outcome:
    """A GraphQL response: a FORBIDDEN error, another error's code or the ``userErrors`` of the
    payload, else the value at ``path`` (``"overrideMatter.change"``)."""
    if result.get("errors"):
        code = result["errors"][0].get("extensions", {}).get("code")
        assert code is not None, result
        if code == "FORBIDDEN":
            assert not any((result.get("data") or {}).values()), result
            return Outcome(forbidden=True)
        return Outcome(codes=[code])
    value: object = result["data"]
    payload: object = None
    for key in path.split("."):
        payload = value
        value = value[key] if isinstance(value, dict) else None
    errors = payload.get("userErrors") if isinstance(payload, dict) else None
    return Outcome(codes=[e["code"] for e in errors or ()], value=value)


async def check_in_transaction(
    db: Database,
    world: World,
    cell: Cell,
    action_for: Callable[[Cell, World, Actor], Callable[[AsyncSession], Awaitable[object]]],
) -> None:
    """Attempt ``cell`` as its role in ``world.home`` through the services (``action_for`` gives
    the call; rolled back afterwards) and check the outcome."""
    actor = await world.home.actor(cell.username)
    check(cell, await attempt(db, world.home.tenant_id, action_for(cell, world, actor)))


def check(cell: Cell, outcome: Outcome) -> None:
    expected = cell.expected
    if expected == ALLOWED:
        assert not outcome.forbidden, f"{cell.id}: must be allowed, yet FORBIDDEN"
        assert outcome.codes == [], f"{cell.id}: allowed, yet refused with {outcome.codes}"
        assert outcome.value is not None, f"{cell.id}: allowed, yet nothing came of it"
    elif expected == FORBIDDEN:
        assert outcome.forbidden, f"{cell.id}: must be FORBIDDEN, yet {outcome}"
    elif expected == NOT_FOUND:
        assert not outcome.forbidden and "NOT_FOUND" in outcome.codes, (
            f"{cell.id}: another county's object must not exist for the caller, yet {outcome}"
        )
        assert outcome.value is None, f"{cell.id}: not found, yet {outcome.value!r}"
    else:
        assert not outcome.forbidden and outcome.codes == [expected.code], (
            f"{cell.id}: authorized, then refused with {expected.code} expected, yet {outcome}"
        )
        assert outcome.value is None, f"{cell.id}: refused, yet {outcome.value!r}"


@dataclass
class World:
    """Where every matrix runs: ``home`` (the caller's county) and ``other``, two factory
    counties. Each has one person hired at every site and a published catalog; ``other`` has a
    head appointment proposed at every site; ``home`` has a user ``target`` without roles.

    Cells through the services roll back; cells through GraphQL change only what they make."""

    home: County
    other: County
    people: dict[tuple[str, str], Staff]
    catalogs: dict[str, CatalogSetup]
    appointments: dict[str, uuid.UUID]

    def county(self, cell: Cell) -> County:
        """Where ``cell`` is aimed: ``other`` for ``other_county``, else ``home``."""
        return self.other if cell.elsewhere else self.home

    def person(self, county: County, site: str) -> Staff:
        """The person hired at ``site`` of ``county``."""
        return self.people[(county.code, site)]


async def build_world(db: Database) -> World:
    home, other = await make_county(db, "矩阵县"), await make_county(db, "他县")
    await home.add_user("target")
    people: dict[tuple[str, str], Staff] = {}
    catalogs: dict[str, CatalogSetup] = {}
    for county in (home, other):
        for site in county.sites:
            people[(county.code, site)] = await hire(county, site, name=f"{county.name}{site}")
        catalogs[county.code] = await setup_catalog(county)
    appointments = {}
    async with db.transaction(other.tenant_id) as session:
        for key, site in other.sites.items():
            appointment = head_proposal(site, f"负责人{key}")
            session.add(appointment)
            await session.flush()
            appointments[key] = appointment.id
    return World(home, other, people, catalogs, appointments)
