"""Load the demo catalog (``catalog.demo_data``) through the real change and release rules.

涟水县 gets ~1,100 matters across 19 departments, overrides at all four levels, the HR bureau's
delegations to townships and villages (seed 004: 32 acceptance rights, 23 processing rights),
six bundles (一件事), two releases and two pending proposals awaiting review. 兰陵县 gets a small
catalog of the same shape.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import User
from authz.guard import Actor
from catalog import changes, releases, withdrawal
from catalog.demo_data import BUNDLES, DEPARTMENTS, DemoMatter, matters
from catalog.models import ChangeKind, Department
from network.demo_data import DemoCounty
from network.models import Site, SiteLevel
from tenants.models import Tenant

BIG_COUNTY = "320826"


def _payload(m: DemoMatter, department_id: str, basis: str) -> dict[str, Any]:
    return {
        "code": m.code,
        "name": m.name,
        "type": m.type,
        "basis": basis,
        "department_id": department_id,
        "service_object": "LEGAL_PERSON"
        if m.type == "LICENSING" and m.department in ("market", "housing", "transport")
        else "NATURAL_PERSON",
        "conditions": f"符合《{basis.strip('《》')}》规定条件的申请人均可申请{m.name}。",
        "process": ["申请", "受理", "审查", "决定", "办结"]
        if not m.immediate
        else ["申请", "即时办结"],
        "materials": m.materials,
        "legal_limit_days": m.legal,
        "promised_limit_days": m.promised,
        "handling_kind": "IMMEDIATE" if m.immediate else "PROMISED",
        "fee_yuan": m.fee,
        "fee_basis": "按省物价部门核定标准收取" if m.fee else None,
        "levels": list(m.levels),
        "online": m.online,
        "comprehensive_window": m.window,
        "keywords": m.keywords,
    }


async def _actor(session: AsyncSession, admin: Actor, username: str) -> Actor | None:
    user = (
        await session.execute(select(User).where(User.username == username))
    ).scalar_one_or_none()
    if user is None:
        return None
    tenant = await session.get(Tenant, admin.tenant_id)
    return Actor(
        user_id=user.id,
        tenant_id=admin.tenant_id,
        username=user.username,
        authz_version=tenant.authz_version,  # type: ignore[union-attr]
    )


def _first(sites: dict[str, Site], level: SiteLevel, prefer: str | None = None) -> Site:
    if prefer and prefer in sites:
        return sites[prefer]
    return next(s for s in sites.values() if s.level is level)


def _children(sites: dict[str, Site], parent: Site) -> list[Site]:
    return [s for s in sites.values() if s.parent_id == parent.id]


async def load(
    session: AsyncSession, admin: Actor, county: DemoCounty, sites: dict[str, Site]
) -> None:
    big = county.code == BIG_COUNTY
    root = sites["county"]
    departments: dict[str, Department] = {}
    for dept in DEPARTMENTS:
        site = sites.get(dept.site_key) if dept.site_key else None
        row = Department(name=f"{county.name}{dept.name}", site_id=(site or root).id)
        session.add(row)
        departments[dept.key] = row
    await session.flush()
    basis_of = {d.key: d.basis for d in DEPARTMENTS}
    catalog = matters(0.95 if big else 0.04)
    by_name = {m.name: m for m in catalog}
    await changes.propose_many(
        session,
        admin,
        [
            (
                ChangeKind.DEFINE_MATTER,
                _payload(m, str(departments[m.department].id), basis_of[m.department]),
            )
            for m in catalog
        ],
    )

    township = _first(sites, SiteLevel.TOWNSHIP_CENTER, "gaogou")
    other_township = _first(sites, SiteLevel.TOWNSHIP_CENTER, "baotan")
    if other_township.id == township.id:
        other_township = [s for s in sites.values() if s.level is SiteLevel.TOWNSHIP_CENTER][-1]
    village = sites.get("gaogou.yandian") or _children(sites, township)[0]
    sub = sites.get("sub.hr") or root

    # 委托下放 (seed 004): HR and medical-insurance matters exercised at the county only.
    hr_county_only = [
        m for m in catalog if m.department in ("hr", "medical") and m.levels == ("COUNTY_CENTER",)
    ]
    accept_codes = [m.code for m in hr_county_only[: 32 if big else 3]]
    process_codes = accept_codes[: 23 if big else 2]
    delegations: list[tuple[ChangeKind, dict[str, Any]]] = []
    for code in accept_codes:
        delegations.append(
            (
                ChangeKind.DELEGATE_MATTER,
                {
                    "matter_code": code,
                    "site_id": str(township.id),
                    "accept": True,
                    "process": code in process_codes,
                    "include_below": True,
                },
            )
        )
        delegations.append(
            (
                ChangeKind.DELEGATE_MATTER,
                {
                    "matter_code": code,
                    "site_id": str(other_township.id),
                    "accept": True,
                    "process": False,
                    "include_below": False,
                },
            )
        )
    civil_county_only = [
        m for m in catalog if m.department == "civil" and m.levels == ("COUNTY_CENTER",)
    ]
    for m in civil_county_only[:3]:
        delegations.append(
            (
                ChangeKind.DELEGATE_MATTER,
                {
                    "matter_code": m.code,
                    "site_id": str(village.id),
                    "accept": True,
                    "process": False,
                },
            )
        )
    await changes.propose_many(session, admin, delegations)

    # 本级调整 at all four levels.
    overrides: list[tuple[ChangeKind, dict[str, Any]]] = []

    def override(site: Site, code: str, **values: Any) -> None:
        overrides.append(
            (ChangeKind.OVERRIDE_MATTER, {"site_id": str(site.id), "matter_code": code, **values})
        )

    step = 1 if big else 10
    for m in catalog[:: 40 * step]:
        override(root, m.code, acceptance_place=f"{county.name}政务服务中心一楼综合受理窗口")
    hr_matters = [m for m in catalog if m.department == "hr"]
    for m in hr_matters[: 15 if big else 2]:
        if m.promised > 1:
            override(sub, m.code, promised_limit_days=m.promised - 1, note="人社分中心承诺提速")
    county_only = [m for m in catalog if m.levels == ("COUNTY_CENTER",)]
    for m in county_only[-10 if big else -2 :]:
        override(township, m.code, offered=False)
    township_level = [m for m in catalog if "TOWNSHIP_CENTER" in m.levels]
    for m in township_level[: 10 if big else 2]:
        optional = [x["name"] for x in m.materials if not x["required"]]
        materials = [{"name": optional[0], "waived": True}] if optional else None
        override(
            township,
            m.code,
            materials=materials or [{"name": m.materials[0]["name"], "note": "可现场拍照留存"}],
            note=f"{township.name}可帮办代办",
        )
    village_level = [m for m in catalog if "VILLAGE_STATION" in m.levels]
    for m in village_level[: 8 if big else 2]:
        override(village, m.code, note="村便民服务站代办员可上门帮办")
    for m in village_level[8:10] if big else village_level[2:3]:
        override(village, m.code, accepted_here=False, note="本站暂不受理,请到镇便民服务中心办理")
    await changes.propose_many(session, admin, overrides)
    await releases.publish(session, admin, "首次发布县级事项目录及各级实施清单")

    # Second round: bundles, a faster promise, a new matter; published as release 2.
    second: list[tuple[ChangeKind, dict[str, Any]]] = []
    for code, name, members in BUNDLES:
        codes = [by_name[n].code for n in members if n in by_name]
        if len(codes) >= 2:
            second.append(
                (
                    ChangeKind.DEFINE_BUNDLE,
                    {
                        "code": code,
                        "name": name,
                        "matter_codes": codes,
                        "form_name": f"{name}联办申请表",
                        "description": "一表申请、一套材料、一窗受理、一次办结",
                    },
                )
            )
    employment = by_name.get("就业失业登记")
    if employment is not None:
        override(village, employment.code, note="可在村便民服务站直接办理")
        second.append(overrides[-1])
    hr = departments["hr"]
    extra = DemoMatter(
        code="RS9001",
        name="技能提升补贴申领",
        type="PAYMENT",
        department="hr",
        levels=("COUNTY_CENTER", "TOWNSHIP_CENTER"),
        legal=20,
        promised=10,
        immediate=False,
        materials=[
            {"name": "居民身份证", "copies": 1, "required": True},
            {"name": "职业资格证书", "copies": 1, "required": True},
        ],
        online=True,
    )
    second.append((ChangeKind.DEFINE_MATTER, _payload(extra, str(hr.id), basis_of["hr"])))
    await changes.propose_many(session, admin, second)
    await releases.publish(session, admin, "新增一件事套餐和技能提升补贴申领")

    # Waiting for review: a department's and a township's proposal.
    dept_actor = await _actor(session, admin, "hr-dept-admin")
    if dept_actor is not None and employment is not None:
        await changes.propose(
            session,
            dept_actor,
            ChangeKind.UPDATE_MATTER,
            {"code": employment.code, "keywords": ["失业登记", "就业登记"]},
        )
    head_actor = await _actor(session, admin, "gaogou-head")
    if head_actor is not None and township_level:
        await changes.propose(
            session,
            head_actor,
            ChangeKind.OVERRIDE_MATTER,
            {
                "site_id": str(township.id),
                "matter_code": township_level[-1].code,
                "note": "周六上午可预约办理",
            },
        )
        promised = [m for m in township_level[:-1] if m.promised >= 2]
        if promised:
            await _withdrawn_and_stale(session, admin, head_actor, township, promised[-1])


async def _withdrawn_and_stale(
    session: AsyncSession, admin: Actor, head: Actor, township: Site, matter: DemoMatter
) -> None:
    """A proposal its township withdrew, and one made stale: the county office changed the same
    element after it was proposed (approving it now is refused with what changed)."""
    site = str(township.id)
    withdrawn = await changes.propose(
        session,
        head,
        ChangeKind.OVERRIDE_MATTER,
        {"site_id": site, "matter_code": matter.code, "note": "周日上午可办理"},
    )
    await withdrawal.withdraw(session, head, withdrawn.id, "周日不开放,撤回")
    await changes.propose(
        session,
        head,
        ChangeKind.OVERRIDE_MATTER,
        {"site_id": site, "matter_code": matter.code, "promised_limit_days": matter.promised - 1},
    )
    await changes.propose(
        session,
        admin,
        ChangeKind.OVERRIDE_MATTER,
        {"site_id": site, "matter_code": matter.code, "promised_limit_days": 1},
    )
