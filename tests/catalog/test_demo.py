"""The demo catalog (``onewindow demo``): ~1,100 matters, overrides at every level, delegations,
bundles, two releases, proposals awaiting review; and the contract documents on it."""

from __future__ import annotations

from catalog.demo_data import matters
from tests.support.catalog import CATALOG_DOC, PUBLIC_DOC
from tests.support.graphql import login, run_operation


def test_demo_data_shape():
    big = matters(0.95)
    assert 1000 <= len(big) <= 1200
    assert len({m.code for m in big}) == len(big)
    names = {m.name for m in big}
    for real in ("婚姻登记", "城乡居民养老保险参保登记", "就业失业登记", "个体工商户设立登记"):
        assert real in names
    assert all(m.promised <= m.legal for m in big)
    assert matters(0.95) == big  # deterministic


async def test_demo_catalog(demo_client):
    staff = await login(demo_client, "yandian-staff")
    admin = await login(demo_client, "county-admin")
    sites = (
        await run_operation(
            demo_client,
            "query Villages { sites(level: VILLAGE_STATION, first: 200) {"
            " edges { node { id name } } } }",
            "Villages",
            {},
            admin,
        )
    )["sites"]["edges"]
    yandian = next(e["node"]["id"] for e in sites if e["node"]["name"] == "盐店村")
    entries: list[dict] = []
    after = None
    while True:
        page = (
            await run_operation(
                demo_client,
                CATALOG_DOC,
                "EffectiveCatalog",
                {"siteId": yandian, "first": 200, "after": after},
                staff,
            )
        )["effectiveCatalog"]
        entries += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["release"] == 2
    assert len(entries) == page["totalCount"] >= 1000
    levels = {e["overriddenAt"]["level"] for e in entries if e["overriddenAt"]}
    assert {"COUNTY_CENTER", "TOWNSHIP_CENTER", "VILLAGE_STATION"} <= levels
    accepted = [e for e in entries if e["acceptedHere"]]
    assert 50 < len(accepted) < len(entries)
    # Pending proposals await the county office.
    pending = await run_operation(
        demo_client,
        "query P { catalogChanges(status: PENDING, first: 10) { totalCount } "
        "catalogReleases(first: 5) { totalCount } "
        "bundles { code materials { name } } }",
        "P",
        {},
        admin,
    )
    # 高沟镇's, the HR department's, and 高沟镇's made stale by the county office (issue 10).
    assert pending["catalogChanges"]["totalCount"] == 3
    assert pending["catalogReleases"]["totalCount"] == 2
    assert len(pending["bundles"]) >= 5
    # The public documents on the demo, anonymous.
    guide = (
        await run_operation(
            demo_client,
            PUBLIC_DOC,
            "MatterGuide",
            {"tenant": "320826", "siteId": yandian, "code": entries[0]["code"]},
        )
    )["publicMatter"]
    assert guide["code"] == entries[0]["code"] and guide["release"] == 2
    where = (
        await run_operation(
            demo_client,
            "query W($id: ID!) { node(id: $id) { ... on Site { location { lat lng } } } }",
            "W",
            {"id": yandian},
            admin,
        )
    )["node"]["location"]
    near = (
        await run_operation(
            demo_client,
            PUBLIC_DOC,
            "NearbySites",
            {"tenant": "320826", **where, "matterCode": accepted[0]["code"], "first": 5},
        )
    )["publicSites"]["edges"]
    assert near[0]["node"]["id"] == yandian and near[0]["node"]["distanceMeters"] == 0
    distances = [e["node"]["distanceMeters"] for e in near]
    assert distances == sorted(distances)


async def test_demo_shows_issue_10(demo_client):
    """A withdrawn and a stale proposal, standard classes against the targets, zones."""
    admin = await login(demo_client, "county-admin")
    shown = await run_operation(
        demo_client,
        """query D {
          withdrawn: catalogChanges(status: WITHDRAWN, first: 5) {
            edges { node { summary comment proposer { username } diff { label after } } } }
          pending: catalogChanges(status: PENDING, first: 10) {
            edges { node { id summary conflicts { label before after } } } }
          siteStandardReport { townshipCount standardShare benchmarkShare standardTarget
            benchmarkTarget meetsStandardTarget meetsBenchmarkTarget }
          sites(level: TOWNSHIP_CENTER, first: 1) { edges { node { name zones { label }
            missingZones } } }
        }""",
        "D",
        {},
        admin,
    )
    withdrawn = shown["withdrawn"]["edges"]
    assert len(withdrawn) == 1
    assert withdrawn[0]["node"]["proposer"] == {"username": "gaogou-head"}
    assert withdrawn[0]["node"]["diff"] == [{"label": "本级说明", "after": "周日上午可办理"}]
    stale = [e["node"] for e in shown["pending"]["edges"] if e["node"]["conflicts"]]
    assert len(stale) == 1
    assert stale[0]["conflicts"][0]["label"] == "承诺办结时限"
    assert stale[0]["conflicts"][0]["after"] == "1 个工作日"
    refused = await run_operation(
        demo_client,
        """mutation R($id: ID!) { reviewChange(input: {changeId: $id, approve: true}) {
          change { id } userErrors { field code } } }""",
        "R",
        {"id": stale[0]["id"]},
        admin,
    )
    assert refused["reviewChange"]["userErrors"] == [
        {"field": "promisedLimitDays", "code": "CONFLICT"}
    ]
    report = shown["siteStandardReport"]
    assert report["townshipCount"] == 16
    assert report["standardShare"] == 1.0 and report["meetsStandardTarget"] is True
    assert report["benchmarkShare"] >= 0.3 and report["benchmarkTarget"] == 0.3
    township = shown["sites"]["edges"][0]["node"]
    assert [z["label"] for z in township["zones"]] == [
        "咨询引导",
        "窗口服务",
        "自助服务",
        "政务公开",
        "休息等候",
    ]
    assert township["missingZones"] == []
