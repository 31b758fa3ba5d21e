"""Catalog fixtures built through the real services: departments, matters, a release."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog import changes, definitions, releases
from catalog.models import ChangeKind
from tests.factories import County

MARRIAGE = "MZ-001"  # 婚姻登记: county level only
PENSION = "RS-001"  # 城乡居民养老保险参保登记: county + township, delegated to villages
EMPLOYMENT = "RS-002"  # 就业失业登记: county + township + village
BUSINESS = "SJ-001"  # 个体工商户设立登记: county only, not at the comprehensive window


def matter_payload(code: str, name: str, department_id: str, **extra: Any) -> dict[str, Any]:
    payload = {
        "code": code,
        "name": name,
        "type": "CONFIRMATION",
        "basis": "《中华人民共和国民法典》",
        "department_id": department_id,
        "service_object": "NATURAL_PERSON",
        "conditions": "申请人身份证件齐全",
        "process": ["受理", "审查", "办结"],
        "materials": [
            {
                "name": "居民身份证",
                "kind": "ORIGINAL",
                "form": "PAPER",
                "copies": 1,
                "required": True,
            },
            {"name": "户口簿", "kind": "ORIGINAL", "form": "PAPER", "copies": 1, "required": True},
        ],
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "handling_kind": "PROMISED",
        "fee_yuan": None,
        "levels": ["COUNTY_CENTER"],
        "online": False,
        "comprehensive_window": True,
        "keywords": [],
    }
    payload.update(extra)
    return payload


@dataclass
class CatalogSetup:
    county: County
    departments: dict[str, Any] = field(default_factory=dict)


async def setup_catalog(county: County, *, publish: bool = True) -> CatalogSetup:
    """Two departments (人社局 at the sub-centre, 民政局 at the county centre), four matters."""
    setup = CatalogSetup(county)
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        hr = await definitions.create_department(session, admin, "人社局", county.sites["sub"].id)
        civil = await definitions.create_department(session, admin, "民政局", None)
        market = await definitions.create_department(session, admin, "市场监管局", None)
        await session.flush()
        setup.departments = {"hr": hr, "civil": civil, "market": market}
        await changes.propose_many(
            session,
            admin,
            [
                (
                    ChangeKind.DEFINE_MATTER,
                    matter_payload(
                        MARRIAGE,
                        "婚姻登记",
                        str(civil.id),
                        keywords=["结婚", "离婚"],
                        materials=[
                            {"name": "居民身份证", "copies": 1, "required": True},
                            {"name": "户口簿", "copies": 1, "required": True},
                            {"name": "近期半身免冠合影照片", "copies": 2, "required": True},
                        ],
                    ),
                ),
                (
                    ChangeKind.DEFINE_MATTER,
                    matter_payload(
                        PENSION,
                        "城乡居民养老保险参保登记",
                        str(hr.id),
                        type="PUBLIC_SERVICE",
                        basis="《中华人民共和国社会保险法》",
                        levels=["COUNTY_CENTER", "TOWNSHIP_CENTER"],
                        legal_limit_days=15,
                        promised_limit_days=5,
                    ),
                ),
                (
                    ChangeKind.DEFINE_MATTER,
                    matter_payload(
                        EMPLOYMENT,
                        "就业失业登记",
                        str(hr.id),
                        type="PUBLIC_SERVICE",
                        basis="《就业服务与就业管理规定》",
                        levels=["COUNTY_CENTER", "TOWNSHIP_CENTER", "VILLAGE_STATION"],
                        handling_kind="IMMEDIATE",
                        legal_limit_days=5,
                        promised_limit_days=0,
                    ),
                ),
                (
                    ChangeKind.DEFINE_MATTER,
                    matter_payload(
                        BUSINESS,
                        "个体工商户设立登记",
                        str(market.id),
                        type="LICENSING",
                        basis="《促进个体工商户发展条例》",
                        service_object="BOTH",
                        comprehensive_window=False,
                        fee_yuan="0.00",
                    ),
                ),
            ],
        )
        if publish:
            await releases.publish(session, admin, "首次发布")
    return setup
