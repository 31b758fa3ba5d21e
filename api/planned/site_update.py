"""The plan of UpdateSite (network.graphql), a write: the input read from the variables as the
contract types it, the change (``network.site_updates.update_site``, the same rules and
authorization as the mutation's resolver) committed by ``api.planned.writes``, and the payload
written from the changed site. Zones (a list of inputs) are left to normal execution.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.gql.context import AppContext
from api.gql.ids import global_id
from api.planned.writes import commit_or_step_aside, county_user, read_id, read_text
from network import service, site_updates
from network.models import StandardClass
from tenants.values import UNSET

INPUT_FIELDS = frozenset(
    {"id", "name", "address", "location", "standardClass", "openingHours", "managingDepartment"}
)
# Optional fields a client leaves out to keep, or sends null to clear.
CLEARABLE = (
    ("address", "address"),
    ("openingHours", "opening_hours"),
    ("managingDepartment", "managing_department"),
)


def _number(value: Any) -> bool:
    """What a ``Float`` variable holds as is (JSON has no other numbers; a bool is not one)."""
    return type(value) in (int, float)


def _location(given: dict[str, Any]) -> tuple[bool, Any]:
    if "location" not in given:
        return True, UNSET
    value = given["location"]
    if value is None:
        return True, None
    if type(value) is not dict or value.keys() != {"lat", "lng"}:
        return False, None
    if not (_number(value["lat"]) and _number(value["lng"])):
        return False, None
    return True, service.Location(lat=float(value["lat"]), lng=float(value["lng"]))


def changes(variables: dict[str, Any]) -> dict[str, Any] | None:
    """``network.site_updates.update_site``'s arguments from UpdateSite's variables, or None for
    anything the plan does not read exactly as the schema would."""
    given = variables.get("input")
    if type(given) is not dict or not given.keys() <= INPUT_FIELDS:
        return None
    site_id = read_id(given.get("id"), "Site")
    ok_name, name = read_text(given.get("name"), optional=True)
    ok_location, location = _location(given)
    standard = given.get("standardClass")
    if (
        site_id is None
        or not ok_name
        or not ok_location
        or not (standard is None or standard in StandardClass.__members__)
    ):
        return None
    arguments: dict[str, Any] = {
        "site_id": site_id,
        "name": name,
        "location": location,
        "standard_class": StandardClass[standard] if standard is not None else None,
    }
    for field, argument in CLEARABLE:
        if field in given:
            ok, value = read_text(given[field], optional=True)
            if not ok:
                return None
            arguments[argument] = value
    return arguments


async def update_site(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    """修改场所信息 by plan; None: step aside, nothing committed."""
    actor = county_user(ctx)
    if actor is None:
        return None
    arguments = changes(variables)
    if arguments is None:
        return None
    site_id = arguments.pop("site_id")

    async def change(session: AsyncSession) -> dict[str, Any]:
        site = await site_updates.update_site(session, actor, site_id, **arguments)
        node = {
            "id": global_id("Site", site["id"]),
            "name": site["name"],
            "officialName": site["official_name"],
        }
        return {"updateSite": {"site": node, "userErrors": []}}

    return await commit_or_step_aside(ctx, change)
