"""The plan of UpdateSite (``api.planned.site_update``), a write: for randomized changes by
every role, to sites of every level, of the county and of another, it answers as normal
execution does, byte for byte, and leaves the site as normal execution does; it serves every
change it reads and the rules accept, and steps aside from everything else."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select

from api.gql import trusted
from api.gql.ids import global_id
from api.planned import PLANS, answers_by_plan
from network import site_updates
from network.models import Site, StandardClass
from tenants import audit_hash
from tests.support.factories import ROLE_USERS, County, make_county
from tests.support.planned import response_body
from tests.support.workforce import hire

DOCUMENTS = dict(trusted.operation_texts())
UPDATE_SITE = DOCUMENTS["network.graphql:UpdateSite"]
# The site's columns a change may touch, compared after the planned and the executed change.
COLUMNS = site_updates.SETTABLE


def test_update_site_is_planned():
    assert PLANS["network.graphql:UpdateSite"].__module__ == "api.planned.site_update"


async def _site_row(county: County, site_id: str) -> tuple | None:
    key = next((k for k in county.sites if county.site_gid(k) == site_id), None)
    if key is None:
        return None
    async with county.db.session(county.tenant_id) as session:
        site = (
            await session.execute(select(Site).where(Site.id == county.sites[key].id))
        ).scalar_one()
        return tuple(getattr(site, column) for column in COLUMNS)


def _variables(
    rng: random.Random, county: County, other: County, staff_gid: str
) -> tuple[dict, bool]:
    """A change of a few fields, now and then wrong or of a shape the plan leaves alone: the
    variables, and whether the plan reads them."""
    site_id = rng.choice(
        [county.site_gid(k) for k in county.sites] * 3
        + [other.site_gid("root"), staff_gid, "garbage"]
    )
    given: dict = {"id": site_id}
    plannable = site_id not in (staff_gid, "garbage")
    if rng.random() < 0.4:
        given["address"] = rng.choice([None, f"人民路{rng.randint(1, 99)}号", "路" * 300])
    if rng.random() < 0.4:
        given["location"] = rng.choice(
            [
                None,
                {"lat": round(rng.uniform(33, 34), 6), "lng": round(rng.uniform(119, 120), 6)},
                {"lat": 33, "lng": 119},
                {"lat": 95.0, "lng": 119.0},
            ]
        )
    if rng.random() < 0.3:
        given["openingHours"] = rng.choice([None, "周一至周五 9:00-17:00"])
    if rng.random() < 0.2:
        given["managingDepartment"] = rng.choice([None, "人社局"])
    if rng.random() < 0.2:
        given["standardClass"] = rng.choice([None, *StandardClass.__members__])
    if rng.random() < 0.2:
        given["name"] = rng.choice(["新安镇", "新安村", "东城社区", "便民中心", "", None])
    odd = rng.random()
    if odd < 0.05:
        given["location"] = {"lat": "33", "lng": 119.0}
        plannable = False
    elif odd < 0.1:
        given["zones"] = []
        plannable = False
    elif odd < 0.13:
        given["unknown"] = 1
        plannable = False
    elif odd < 0.16:
        given["standardClass"] = "PALACE"
        plannable = False
    return {"input": given}, plannable


@pytest.mark.parametrize("seed", [5, 6])
async def test_update_site_planned_equals_executed(db, client, seed):
    rng = random.Random(seed)
    county = await make_county(db, f"计划改县{seed}")
    other = await make_county(db, f"计划改邻县{seed}")
    staff = await hire(county, "town_a", name="某人")
    staff_gid = global_id("Staff", staff.id)
    callers = [(role, county.token(user)) for role, (user, _site) in ROLE_USERS.items()]
    callers += [("county admin", county.token("admin"))] * 6
    callers += [("other county", other.token("admin")), ("anonymous", None), ("bad", "bad")]
    changed = refused = errors = 0
    for _ in range(70):
        who, token = rng.choice(callers)
        variables, plannable = _variables(rng, county, other, staff_gid)
        before = answers_by_plan()
        planned = await response_body(client, UPDATE_SITE, variables, token, planned=True)
        by_plan = answers_by_plan() - before == 1
        after_planned = await _site_row(county, variables["input"]["id"])
        executed = await response_body(client, UPDATE_SITE, variables, token, planned=False)
        assert planned == executed, (who, variables, planned, executed)
        # the same change again leaves the site as the planned one left it
        assert await _site_row(county, variables["input"]["id"]) == after_planned
        answer = json.loads(executed)
        payload = (answer.get("data") or {}).get("updateSite")
        ok = payload is not None and payload["userErrors"] == []
        assert by_plan == (plannable and ok), (who, variables, answer)
        if ok:
            changed += 1
        elif payload is not None:
            refused += 1
        else:
            errors += 1
    assert changed >= 10 and refused >= 5 and errors >= 3, (changed, refused, errors)
    async with county.db.session(county.tenant_id) as session:
        assert (await audit_hash.verify_chain(session)).verified
