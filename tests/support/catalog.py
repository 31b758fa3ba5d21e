"""The catalog for tests: departments and matters built through the real services, the client
documents, and small GraphQL helpers."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from api.gql.ids import global_id
from catalog import changes, definitions, releases
from catalog.models import ChangeKind, ChangeRequest
from tests.support.factories import County
from tests.support.graphql import gql, operation
from tests.support.xlsx import workbook

MARRIAGE = "MZ-001"  # 婚姻登记: county level only
PENSION = "RS-001"  # 城乡居民养老保险参保登记: county + township, delegated to villages
EMPLOYMENT = "RS-002"  # 就业失业登记: county + township + village
BUSINESS = "SJ-001"  # 个体工商户设立登记: county only, not at the comprehensive window

CATALOG_DOC = operation("catalog")
PUBLIC_DOC = operation("public")

# The headings of an import file (国家政务服务事项基本目录要素), in the usual order.
IMPORT_HEADINGS = [
    "事项编码",
    "事项名称",
    "事项类型",
    "设定依据",
    "实施主体",
    "服务对象",
    "受理条件",
    "办理流程",
    "申请材料",
    "法定办结时限",
    "承诺办结时限",
    "办件类型",
    "收费标准",
    "行使层级",
    "是否网办",
    "关键词",
]


# --- building a catalog through the services ------------------------------------------------


def matter_payload(code: str, name: str, department_id: str, **extra: Any) -> dict[str, Any]:
    """A DEFINE_MATTER change's payload (the services' spelling)."""
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

    def department_gid(self, key: str) -> str:
        """The global id of the department ``key`` (``hr``, ``civil``, ``market``)."""
        return global_id("Department", self.departments[key].id)


async def setup_catalog(county: County, *, publish: bool = True) -> CatalogSetup:
    """Three departments (人社局 at the sub-centre, 民政局 and 市场监管局 at the county centre),
    four matters; published as release 1 unless ``publish`` is false."""
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


async def propose_directly(
    county: County, kind: ChangeKind, payload: dict, username: str = "admin"
) -> ChangeRequest:
    """As another process would: straight through the service, in its own transaction (the
    county administrator's changes are approved at once)."""
    actor = await county.actor(username)
    async with county.db.transaction(county.tenant_id) as session:
        return await changes.propose(session, actor, kind, payload)


# --- GraphQL --------------------------------------------------------------------------------


def unemployment_benefit(department_id: str, **overrides: Any) -> dict[str, Any]:
    """``DefineMatterInput`` for 失业保险金申领 (RS-010) of ``department_id`` (a global id)."""
    data = {
        "code": "RS-010",
        "name": "失业保险金申领",
        "type": "PAYMENT",
        "basis": "《失业保险条例》",
        "departmentId": department_id,
        "handlingKind": "PROMISED",
        "legalLimitDays": 10,
        "promisedLimitDays": 5,
        "serviceObject": "NATURAL_PERSON",
        "conditions": "非因本人意愿中断就业",
        "materials": [{"name": "居民身份证", "copies": 1, "required": True, "form": "PAPER"}],
    }
    data.update(overrides)
    return data


EFFECTIVE_FULL = """
query Full($siteId: ID!, $search: String, $preview: Boolean, $first: Int, $after: String) {
  effectiveCatalog(siteId: $siteId, search: $search, preview: $preview, first: $first,
                   after: $after) {
    totalCount release preview
    edges { cursor node {
      code name type basis departmentName serviceObject conditions process handlingKind
      legalLimitDays promisedLimitDays feeYuan feeBasis online keywords acceptedHere processedHere
      comprehensiveWindow note acceptancePlace processingPlace
      materials { name kind form copies required source note blankForm sample __typename }
      overriddenAt { id level __typename }
      __typename
    } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

CHANGE_FIELDS = "change { id status kind summary } userErrors { field code message }"


async def effective(
    client, county: County, site: str, username: str = "admin", **variables: Any
) -> dict[str, Any]:
    result = await gql(
        client,
        EFFECTIVE_FULL,
        {"siteId": county.site_gid(site), "first": 200, **variables},
        county.token(username),
    )
    assert "errors" not in result, result
    return result["data"]["effectiveCatalog"]


def by_code(catalog: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["code"]: e["node"] for e in catalog["edges"]}


def import_file(rows: list[list], headings: list[str] = IMPORT_HEADINGS) -> str:
    """``ImportCatalogInput.fileBase64``: a workbook of ``rows`` under ``headings``."""
    return base64.b64encode(workbook(headings, rows)).decode()


def change_mutation(name: str, input_type: str, fields: str = CHANGE_FIELDS) -> str:
    """``mutation($input: <input_type>!) { <name>(input: $input) { <fields> } }``."""
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}"


async def mutate(client, county: County, username: str, name: str, input_type: str, data: dict):
    fields = (
        "release { number publishedAt } userErrors { field code message }"
        if name == "publishRelease"
        else CHANGE_FIELDS
    )
    return await gql(
        client, change_mutation(name, input_type, fields), {"input": data}, county.token(username)
    )


async def override(client, county: County, username: str, site: str, matter: str, **values):
    result = await mutate(
        client,
        county,
        username,
        "overrideMatter",
        "OverrideMatterInput",
        {"siteId": county.site_gid(site), "matterCode": matter, **values},
    )
    assert "errors" not in result, result
    return result["data"]["overrideMatter"]


async def publish(client, county: County, note: str = "发布") -> int:
    result = await mutate(
        client, county, "admin", "publishRelease", "PublishReleaseInput", {"note": note}
    )
    assert "errors" not in result, result
    payload = result["data"]["publishRelease"]
    assert payload["userErrors"] == [], payload
    return payload["release"]["number"]
