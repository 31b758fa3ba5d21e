"""Rules of the site network (DOMAIN.md §1): levels, parents, division codes, official names."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network import naming, staffing, standards, tree
from network.access import require, site_object
from network.models import Site, SiteLevel, SiteStatus, StandardClass
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse

# The level a parent must have for each level of child (1+7+N).
PARENT_LEVEL: dict[SiteLevel, SiteLevel | None] = {
    SiteLevel.COUNTY_CENTER: None,
    SiteLevel.SUB_CENTER: SiteLevel.COUNTY_CENTER,
    SiteLevel.TOWNSHIP_CENTER: SiteLevel.COUNTY_CENTER,
    SiteLevel.VILLAGE_STATION: SiteLevel.TOWNSHIP_CENTER,
}
DIVISION_CODE_LENGTH: dict[SiteLevel, int] = {
    SiteLevel.COUNTY_CENTER: 6,
    SiteLevel.SUB_CENTER: 6,
    SiteLevel.TOWNSHIP_CENTER: 9,
    SiteLevel.VILLAGE_STATION: 12,
}
LEVEL_LABEL: dict[SiteLevel, str] = {
    SiteLevel.COUNTY_CENTER: "县政务服务中心",
    SiteLevel.SUB_CENTER: "分中心",
    SiteLevel.TOWNSHIP_CENTER: "镇(街道)便民服务中心",
    SiteLevel.VILLAGE_STATION: "村(社区)便民服务站",
}
NAME_MAX = 64
ADDRESS_MAX = 200
HOURS_MAX = 200
DEPARTMENT_MAX = 100
_DIGITS = re.compile(r"^[0-9]+$")
# Mainland China, generously: a site outside is a typo (swapped lat/lng, a missing digit).
LAT_RANGE = (3.0, 54.0)
LNG_RANGE = (73.0, 136.0)


@dataclass(frozen=True)
class Location:
    lat: float
    lng: float


@dataclass
class NewSite:
    parent_id: uuid.UUID | None
    level: SiteLevel
    name: str
    division_code: str | None = None
    address: str | None = None
    location: Location | None = None
    standard_class: StandardClass | None = None
    opening_hours: str | None = None
    managing_department: str | None = None


def official_name(chain: Sequence[tuple[SiteLevel, str]]) -> str:
    """规范名称 (001 §四(二)2) from the names from the county centre down to the site."""
    county = chain[0][1]
    level, name = chain[-1]
    if level is SiteLevel.COUNTY_CENTER:
        return f"{county}政务服务中心"
    if level is SiteLevel.SUB_CENTER:
        return f"{county}政务服务中心{name.removesuffix('分中心')}分中心"
    if level is SiteLevel.TOWNSHIP_CENTER:
        return f"{county}{name.removesuffix('便民服务中心')}便民服务中心"
    township = chain[-2][1].removesuffix("便民服务中心")
    return f"{county}{township}{name.removesuffix('便民服务站')}便民服务站"


async def get_site(session: AsyncSession, site_id: uuid.UUID) -> Site | None:
    return await session.get(Site, site_id)


async def require_site(session: AsyncSession, site_id: uuid.UUID, field: str = "siteId") -> Site:
    """The site, or a NOT_FOUND user error on ``field``."""
    site = await session.get(Site, site_id)
    if site is None:
        raise refuse(field, "NOT_FOUND", "场所不存在")
    return site


async def child_counts(
    session: AsyncSession, site_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not site_ids:
        return {}
    rows = await session.execute(
        select(Site.parent_id, func.count())
        .where(Site.parent_id.in_(site_ids))
        .group_by(Site.parent_id)
    )
    counts = {parent: n for parent, n in rows.all()}
    return {sid: counts.get(sid, 0) for sid in site_ids}


async def list_sites(
    session: AsyncSession,
    *,
    parent_id: uuid.UUID | None,
    level: SiteLevel | None,
    offset: int,
    limit: int,
    status: SiteStatus | None = None,
    standard_class: StandardClass | None = None,
    staffed: bool | None = None,
) -> tuple[list[Site], int]:
    """Children of ``parent_id`` (or all sites of the county), ordered by division code, name;
    of one level, status or standard class when given, with or without anyone counted there
    today when ``staffed`` is given (000: the window that closes when its one person is ill)."""
    query = select(Site)
    if staffed is not None:
        every = list((await session.execute(select(Site.id))).scalars())
        with_staff = await staffing.staffed_sites(session, every)
        query = query.where(Site.id.in_(with_staff) if staffed else Site.id.not_in(with_staff))
    if parent_id is not None:
        query = query.where(Site.parent_id == parent_id)
    if level is not None:
        query = query.where(Site.level == level)
    if status is not None:
        query = query.where(Site.status == status)
    if standard_class is not None:
        query = query.where(Site.standard_class == standard_class)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(Site.depth, Site.division_code, Site.name, Site.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total


def check_text_fields(errors: Collector, *, name=None, address=None, hours=None, dept=None) -> None:
    if name is not None and not name.strip():
        errors.add("name", "REQUIRED", "名称不能为空")
    check_length(errors, "name", name, NAME_MAX, "名称")
    check_length(errors, "address", address, ADDRESS_MAX, "地址")
    check_length(errors, "openingHours", hours, HOURS_MAX, "办公时间")
    check_length(errors, "managingDepartment", dept, DEPARTMENT_MAX, "主管部门")


def on_earth(location: Location) -> bool:
    """A real point: latitude within ±90°, longitude within ±180° (where a person may stand)."""
    return -90.0 <= location.lat <= 90.0 and -180.0 <= location.lng <= 180.0


def check_location(errors: Collector, location: Location | None, field: str = "location") -> None:
    """A site's location: in mainland China (``LAT_RANGE``, ``LNG_RANGE``)."""
    if location is None:
        return
    if not (LAT_RANGE[0] <= location.lat <= LAT_RANGE[1]) or not (
        LNG_RANGE[0] <= location.lng <= LNG_RANGE[1]
    ):
        errors.add(field, "INVALID_LOCATION", "坐标不在中国境内,请检查纬度和经度")


async def name_taken(
    session: AsyncSession, parent_id: uuid.UUID | None, name: str, exclude: uuid.UUID | None = None
) -> bool:
    query = select(Site.id).where(Site.parent_id == parent_id, Site.name == name)
    if exclude is not None:
        query = query.where(Site.id != exclude)
    return (await session.execute(query.limit(1))).first() is not None


async def create_county_center(
    session: AsyncSession,
    *,
    name: str,
    division_code: str,
    address: str | None = None,
    location: Location | None = None,
) -> Site:
    """The root of a new county's tree (called when the platform creates the tenant)."""
    site = Site(
        id=uuid.uuid4(),
        parent_id=None,
        level=SiteLevel.COUNTY_CENTER,
        depth=0,
        name=name,
        official_name=official_name([(SiteLevel.COUNTY_CENTER, name)]),
        division_code=division_code,
        address=address,
        lat=location.lat if location else None,
        lng=location.lng if location else None,
        standard_class=StandardClass.BENCHMARK,
    )
    session.add(site)
    await tree.link(session, site, None)
    return site


async def create_site(session: AsyncSession, actor: Actor, data: NewSite) -> Site:
    errors = Collector()
    name = naming.own_name(data.level, data.name or "")
    check_text_fields(
        errors,
        name=data.name,
        address=data.address,
        hours=data.opening_hours,
        dept=data.managing_department,
    )
    if len(name) <= NAME_MAX:  # an over-long name is TOO_LONG, and only that
        naming.check_name(errors, data.level, name)
    check_location(errors, data.location)
    if data.level is SiteLevel.COUNTY_CENTER:
        raise refuse("level", "COUNTY_CENTER_EXISTS", "每个县只有一个县政务服务中心,已在开通时建立")
    if data.parent_id is None:
        raise refuse("parentId", "REQUIRED", f"{LEVEL_LABEL[data.level]}必须指定上级场所")
    parent = await get_site(session, data.parent_id)
    if parent is None:
        raise refuse("parentId", "NOT_FOUND", "上级场所不存在")
    await require(
        session, actor, site_object(data.level), "create", parent.id, parent.official_name
    )
    if data.standard_class not in (None, StandardClass.BASIC):
        await require(session, actor, *standards.SET_CLASS, parent.id, parent.official_name)
    expected_parent = PARENT_LEVEL[data.level]
    if parent.level is not expected_parent:
        errors.add(
            "parentId",
            "INVALID_PARENT_LEVEL",
            f"{LEVEL_LABEL[data.level]}只能设在{LEVEL_LABEL[expected_parent]}之下"  # type: ignore[index]
            f",不能设在{LEVEL_LABEL[parent.level]}之下",
        )
    if parent.status is SiteStatus.CLOSED:
        errors.add("parentId", "PARENT_CLOSED", "上级场所已撤销,不能新增下级")
    code = await _check_division_code(session, errors, data.level, data.division_code, parent)
    if name and len(name) <= NAME_MAX and await name_taken(session, parent.id, name):
        errors.add("name", "DUPLICATE_NAME", f"「{parent.name}」下已有名为「{name}」的场所")
    errors.raise_if_any()

    # the parent's name as committed, locked: a rename above cannot overtake this one
    chain = await tree.names_above(session, parent.id, include_self=True)
    chain.append((data.level, name))
    site = Site(
        id=uuid.uuid4(),
        parent_id=parent.id,
        level=data.level,
        depth=parent.depth + 1,
        name=name,
        official_name=official_name(chain),
        division_code=code,
        address=data.address,
        lat=data.location.lat if data.location else None,
        lng=data.location.lng if data.location else None,
        standard_class=data.standard_class or StandardClass.BASIC,
        opening_hours=data.opening_hours,
        managing_department=data.managing_department,
    )
    session.add(site)
    await tree.link(session, site, parent)
    audit.record(session, actor.label, "site.create", "Site", site.id, {"name": site.official_name})
    return site


async def _check_division_code(
    session: AsyncSession, errors: Collector, level: SiteLevel, code: str | None, parent: Site
) -> str:
    length = DIVISION_CODE_LENGTH[level]
    if level is SiteLevel.SUB_CENTER:
        # A sub-centre is part of the county centre and shares the county's code.
        if code is None or code == "":
            return parent.division_code
        if code != parent.division_code:
            errors.add(
                "divisionCode",
                "INVALID_DIVISION_CODE",
                f"分中心的区划代码应为本县代码 {parent.division_code}",
            )
        return code
    if not code:
        errors.add("divisionCode", "REQUIRED", f"请填写 {length} 位区划代码")
        return ""
    if len(code) != length or not _DIGITS.match(code):
        errors.add(
            "divisionCode",
            "INVALID_DIVISION_CODE",
            f"{LEVEL_LABEL[level]}的区划代码应为 {length} 位数字",
        )
        return code
    prefix = parent.division_code[: DIVISION_CODE_LENGTH[parent.level]]
    if not code.startswith(prefix):
        errors.add(
            "divisionCode", "DIVISION_CODE_PREFIX", f"区划代码 {code} 应以上级代码 {prefix} 开头"
        )
        return code
    if code == prefix + "0" * (length - len(prefix)):
        errors.add("divisionCode", "INVALID_DIVISION_CODE", "区划代码的本级部分不能全为 0")
        return code
    taken = await session.execute(
        select(Site.id).where(Site.division_code == code, Site.level == level).limit(1)
    )
    if taken.first() is not None:
        errors.add("divisionCode", "DUPLICATE_DIVISION_CODE", f"区划代码 {code} 已被使用")
    return code


async def close_site(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID, reason: str | None
) -> Site:
    site = await get_site(session, site_id)
    if site is None:
        raise refuse("id", "NOT_FOUND", "场所不存在")
    await require(session, actor, site_object(site.level), "close", site.id, site.official_name)
    if site.level is SiteLevel.COUNTY_CENTER:
        raise refuse("id", "CANNOT_CLOSE_ROOT", "县政务服务中心不能撤销")
    if site.status is SiteStatus.CLOSED:
        raise refuse("id", "ALREADY_CLOSED", "场所已撤销")
    errors = Collector()
    check_length(errors, "reason", reason, 500, "撤销原因")
    open_children = await session.execute(
        select(func.count()).where(Site.parent_id == site.id, Site.status == SiteStatus.OPEN)
    )
    if open_children.scalar_one():
        errors.add("id", "HAS_OPEN_CHILDREN", "请先撤销该场所下属的站点")
    errors.raise_if_any()
    people = await staffing.people_to_move(session, site.id)
    if people:
        shown = "、".join(people[:20]) + (f" 等 {len(people)} 人" if len(people) > 20 else "")
        raise refuse("id", "STAFF_ASSIGNED", f"请先调离在该场所有分配的人员:{shown}")
    site.status = SiteStatus.CLOSED
    site.closed_at = utcnow()
    site.closed_reason = reason
    audit.record(session, actor.label, "site.close", "Site", site.id, None, reason)
    return site
