"""The people, windows and catalog the casework tests of one module share."""

from __future__ import annotations

from dataclasses import dataclass

from casework.models import Window, WindowKind
from tests.support.casework import Person, add_allowance_matter, open_window, person
from tests.support.catalog import BUSINESS, setup_catalog
from tests.support.factories import County
from workforce.models import Post


@dataclass
class World:
    county: County
    desk: Person  # 县中心收件
    desk2: Person  # 县中心收件 (another)
    issuer: Person  # 县中心出件
    approver: Person  # 民政局审批 (县中心)
    approver2: Person  # 民政局审批 (县中心, another)
    market_approver: Person  # 市场监管局审批 (县中心): not the 民政局's
    hr_approver: Person  # 人社局审批 (人社分中心)
    town_desk: Person  # 甲镇收件
    town_issuer: Person  # 甲镇出件
    town_approver: Person  # 甲镇审批 (属地)
    counter: Window  # 县中心 A01 综合窗口
    dedicated: Window  # 县中心 B01 专窗 (个体工商户设立登记)
    issue_window: Window  # 县中心 C01 出件
    unresolved: Window  # 县中心 U01 办不成事
    town_counter: Window  # 甲镇 A01
    town_issue: Window  # 甲镇 C01


async def build_world(county: County) -> World:
    await setup_catalog(county)
    await add_allowance_matter(county)
    civil = f"{county.name}民政局"
    return World(
        county=county,
        desk=await person(county, "root", Post.INTAKE, name="收件甲"),
        desk2=await person(county, "root", Post.INTAKE, name="收件乙"),
        issuer=await person(county, "root", Post.ISSUE, name="出件丙"),
        approver=await person(county, "root", Post.APPROVAL, employer=civil, name="审批丁"),
        approver2=await person(county, "root", Post.APPROVAL, employer=civil, name="审批戊"),
        market_approver=await person(
            county, "root", Post.APPROVAL, employer=f"{county.name}市场监管局", name="审批己"
        ),
        hr_approver=await person(
            county, "sub", Post.APPROVAL, employer=f"{county.name}人社局", name="审批庚"
        ),
        town_desk=await person(county, "town_a", Post.INTAKE, name="镇收件"),
        town_issuer=await person(county, "town_a", Post.ISSUE, name="镇出件"),
        town_approver=await person(
            county, "town_a", Post.APPROVAL, employer="甲镇人民政府", name="镇审批"
        ),
        counter=await open_window(county, "root", "A01", area="社会民生区"),
        dedicated=await open_window(
            county, "root", "B01", WindowKind.DEDICATED, area="商事登记区", matter_codes=[BUSINESS]
        ),
        issue_window=await open_window(county, "root", "C01", WindowKind.ISSUE),
        unresolved=await open_window(county, "root", "U01", WindowKind.UNRESOLVED),
        town_counter=await open_window(county, "town_a", "A01"),
        town_issue=await open_window(county, "town_a", "C01", WindowKind.ISSUE),
    )
