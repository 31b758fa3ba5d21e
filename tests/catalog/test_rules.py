"""The rules of the catalog (issue 4), on SQLite and PostgreSQL, mostly through GraphQL."""

from __future__ import annotations

from datetime import date

import pytest

from catalog import changes
from catalog.models import ChangeKind
from tests.support.catalog import (
    BUSINESS,
    EMPLOYMENT,
    MARRIAGE,
    PENSION,
    by_code,
    effective,
    matter_payload,
    mutate,
    override,
    publish,
    setup_catalog,
    unemployment_benefit,
)
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.workforce import hire, id_number


async def mark_waivable(client, county, code: str, name: str) -> None:
    """The county's decision (003 §16): ``name`` of ``code`` may be waived locally."""
    materials = [
        {"name": "居民身份证", "copies": 1, "required": True},
        {"name": "户口簿", "copies": 1, "required": True},
    ]
    for m in materials:
        m["waivable"] = m["name"] == name
    result = await mutate(
        client,
        county,
        "admin",
        "updateMatter",
        "UpdateMatterInput",
        {"code": code, "materials": materials},
    )
    assert result["data"]["updateMatter"]["userErrors"] == [], result


async def test_inheritance_through_four_levels(db, client):
    county = await make_county(db)
    await setup_catalog(county)
    await mark_waivable(client, county, PENSION, "户口簿")
    # County centre: a note for everybody, faster; sub-centre: faster still; township: a waived
    # material and a local place; village: its own note.
    await override(client, county, "admin", "root", PENSION, note="县级说明", promisedLimitDays=4)
    await override(client, county, "admin", "sub", PENSION, promisedLimitDays=3)
    await override(
        client,
        county,
        "head_a",
        "town_a",
        PENSION,
        promisedLimitDays=4,
        acceptancePlace="甲镇便民服务中心 2 号窗口",
        materials=[{"name": "户口簿", "waived": True}],
    )
    assert (await override(client, county, "head_a", "village_a1", PENSION, note="村级说明"))[
        "change"
    ]["status"] == "PENDING"
    # The township head's changes wait for review; the county office approves them.
    pending = await gql(
        client,
        "{ catalogChanges(status: PENDING, first: 10) { edges { node { id summary } } } }",
        token=county.token("admin"),
    )
    for edge in pending["data"]["catalogChanges"]["edges"]:
        reviewed = await mutate(
            client,
            county,
            "admin",
            "reviewChange",
            "ReviewChangeInput",
            {"changeId": edge["node"]["id"], "approve": True, "comment": "同意"},
        )
        assert reviewed["data"]["reviewChange"]["change"]["status"] == "APPROVED"
    await publish(client, county)

    root = by_code(await effective(client, county, "root"))[PENSION]
    sub = by_code(await effective(client, county, "sub"))[PENSION]
    town = by_code(await effective(client, county, "town_a"))[PENSION]
    village = by_code(await effective(client, county, "village_a1"))[PENSION]
    other_village = by_code(await effective(client, county, "village_b1"))[PENSION]

    assert (root["promisedLimitDays"], root["note"]) == (4, "县级说明")
    assert root["overriddenAt"] == {
        "id": county.site_gid("root"),
        "level": "COUNTY_CENTER",
        "__typename": "Site",
    }
    assert (sub["promisedLimitDays"], sub["note"]) == (3, "县级说明")
    assert sub["overriddenAt"]["id"] == county.site_gid("sub")
    assert (town["promisedLimitDays"], town["acceptancePlace"]) == (4, "甲镇便民服务中心 2 号窗口")
    assert [m["name"] for m in town["materials"]] == ["居民身份证"]
    assert town["overriddenAt"]["level"] == "TOWNSHIP_CENTER"
    # The village inherits the township's and the county's, and adds its own.
    assert village["promisedLimitDays"] == 4
    assert village["note"] == "村级说明"
    assert village["acceptancePlace"] == "甲镇便民服务中心 2 号窗口"
    assert [m["name"] for m in village["materials"]] == ["居民身份证"]
    assert village["overriddenAt"] == {
        "id": county.site_gid("village_a1"),
        "level": "VILLAGE_STATION",
        "__typename": "Site",
    }
    # A village of another township only sees the county's override.
    assert other_village["promisedLimitDays"] == 4
    assert other_village["overriddenAt"]["id"] == county.site_gid("root")
    assert len(other_village["materials"]) == 2
    # Name, code, basis and type are the same everywhere (四级四同).
    assert {(e["name"], e["type"], e["basis"]) for e in (root, sub, town, village)} == {
        ("城乡居民养老保险参保登记", "PUBLIC_SERVICE", "《中华人民共和国社会保险法》")
    }
    # Not offered at the township: gone there and below, still offered elsewhere.
    await override(client, county, "admin", "town_a", EMPLOYMENT, offered=False)
    await publish(client, county)
    assert EMPLOYMENT not in by_code(await effective(client, county, "village_a2"))
    assert EMPLOYMENT in by_code(await effective(client, county, "village_b1"))
    # The nearest override wins: the village offers it again.
    await override(client, county, "admin", "village_a2", EMPLOYMENT, offered=True)
    await publish(client, county)
    assert EMPLOYMENT in by_code(await effective(client, county, "village_a2"))
    assert EMPLOYMENT not in by_code(await effective(client, county, "village_a1"))


async def test_locked_fields_and_material_names(db, client):
    county = await make_county(db)
    await setup_catalog(county)
    for field, value in (
        ("name", "改名"),
        ("basis", "另一依据"),
        ("type", "LICENSING"),
        ("code", "X"),
    ):
        payload = await override(client, county, "head_a", "town_a", PENSION, **{field: value})
        assert payload["change"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "LOCKED_FIELD")]
        assert "四级四同" in payload["userErrors"][0]["message"]
    renamed = await override(
        client,
        county,
        "head_a",
        "town_a",
        PENSION,
        materials=[{"name": "户口簿", "newName": "户口本"}],
    )
    assert [e["code"] for e in renamed["userErrors"]] == ["LOCKED_FIELD"]
    unknown = await override(
        client, county, "head_a", "town_a", PENSION, materials=[{"name": "户口本", "waived": True}]
    )
    assert [e["code"] for e in unknown["userErrors"]] == ["UNKNOWN_MATERIAL"]
    nothing = await override(client, county, "head_a", "town_a", PENSION)
    assert [e["code"] for e in nothing["userErrors"]] == ["NOTHING_TO_CHANGE"]
    # Nothing was recorded for any of them.
    listed = await gql(
        client, "{ catalogChanges(first: 50) { totalCount } }", token=county.token("head_a")
    )
    assert listed["data"]["catalogChanges"]["totalCount"] == 0


async def test_promised_never_above_legal(db, client):
    county = await make_county(db)
    setup = await setup_catalog(county)
    hr = setup.department_gid("hr")
    result = await mutate(
        client,
        county,
        "admin",
        "defineMatter",
        "DefineMatterInput",
        unemployment_benefit(hr, code="RS-099", promisedLimitDays=11, conditions=""),
    )
    errors = result["data"]["defineMatter"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("promisedLimitDays", "PROMISED_EXCEEDS_LEGAL")
    ]
    too_slow = await override(client, county, "head_a", "town_a", PENSION, promisedLimitDays=16)
    assert [e["code"] for e in too_slow["userErrors"]] == ["PROMISED_EXCEEDS_LEGAL"]
    # Within the legal limit but looser than the county's promise: same standard (003 §16).
    looser = await override(client, county, "head_a", "town_a", PENSION, promisedLimitDays=15)
    assert [e["code"] for e in looser["userErrors"]] == ["PROMISED_EXCEEDS_INHERITED"]
    ok = await override(client, county, "head_a", "town_a", PENSION, promisedLimitDays=5)
    assert ok["userErrors"] == []
    update = await mutate(
        client,
        county,
        "dept",
        "updateMatter",
        "UpdateMatterInput",
        {"code": PENSION, "legalLimitDays": 4},
    )
    assert [e["code"] for e in update["data"]["updateMatter"]["userErrors"]] == [
        "PROMISED_EXCEEDS_LEGAL"
    ]


async def test_delegation(db, client):
    county = await make_county(db)
    await setup_catalog(county)
    # 城乡居民养老保险参保登记 is exercised at county and township levels only.
    village = by_code(await effective(client, county, "village_a1"))[PENSION]
    town = by_code(await effective(client, county, "town_a"))[PENSION]
    assert (village["acceptedHere"], village["processedHere"]) == (False, False)
    assert (town["acceptedHere"], town["processedHere"]) == (True, True)
    # 婚姻登记 is the marriage registry's: neither at the township nor at the village.
    assert by_code(await effective(client, county, "town_a"))[MARRIAGE]["acceptedHere"] is False
    # A village cannot make itself accept what was not delegated to it.
    refused = await override(client, county, "admin", "village_a1", PENSION, acceptedHere=True)
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_DELEGATED"]

    async def delegate(site, code, accept, process, below=False, username="admin"):
        result = await mutate(
            client,
            county,
            username,
            "delegateMatter",
            "DelegateMatterInput",
            {
                "matterCode": code,
                "siteId": county.site_gid(site),
                "accept": accept,
                "process": process,
                "includeBelow": below,
            },
        )
        assert "errors" not in result, result
        return result["data"]["delegateMatter"]

    assert (await delegate("village_a1", PENSION, True, False))["change"]["status"] == "APPROVED"
    assert (await delegate("town_b", MARRIAGE, True, True, below=True))["userErrors"] == []
    wrong = await delegate("root", PENSION, True, True)
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID_DELEGATION_TARGET"]
    wrong = await delegate("village_a2", PENSION, True, True, below=True)
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID_DELEGATION_TARGET"]
    # The department may delegate its own matters; the delegation waits for review.
    by_dept = await delegate("village_a2", PENSION, True, True, username="dept")
    assert by_dept["change"]["status"] == "PENDING"
    # Nothing shows before the release …
    assert by_code(await effective(client, county, "village_a1"))[PENSION]["acceptedHere"] is False
    preview = by_code(await effective(client, county, "village_a1", preview=True))[PENSION]
    assert (preview["acceptedHere"], preview["processedHere"]) == (True, False)
    await publish(client, county)
    a1 = by_code(await effective(client, county, "village_a1"))
    b1 = by_code(await effective(client, county, "village_b1"))
    a2 = by_code(await effective(client, county, "village_a2"))
    assert (a1[PENSION]["acceptedHere"], a1[PENSION]["processedHere"]) == (True, False)
    assert (b1[MARRIAGE]["acceptedHere"], b1[MARRIAGE]["processedHere"]) == (True, True)
    assert a2[PENSION]["acceptedHere"] is False  # the pending one is not applied
    assert by_code(await effective(client, county, "town_b"))[MARRIAGE]["acceptedHere"] is True
    # With the right, a village may now narrow or confirm it locally.
    assert (await override(client, county, "admin", "village_a1", PENSION, acceptedHere=True))[
        "userErrors"
    ] == []
    # Revoking: both rights false.
    assert (await delegate("village_a1", PENSION, False, False))["userErrors"] == []
    await publish(client, county)
    assert by_code(await effective(client, county, "village_a1"))[PENSION]["acceptedHere"] is False
    again = await delegate("village_a1", PENSION, False, False)
    assert [e["code"] for e in again["userErrors"]] == ["NOT_FOUND"]


async def test_review_reject_publish_and_diff(db, client):
    county = await make_county(db)
    setup = await setup_catalog(county)
    hr = setup.department_gid("hr")
    proposal = await mutate(
        client,
        county,
        "dept",
        "defineMatter",
        "DefineMatterInput",
        unemployment_benefit(hr),
    )
    change = proposal["data"]["defineMatter"]["change"]
    assert change["status"] == "PENDING"
    review = {"changeId": change["id"], "approve": False}
    no_comment = await mutate(client, county, "admin", "reviewChange", "ReviewChangeInput", review)
    assert [e["code"] for e in no_comment["data"]["reviewChange"]["userErrors"]] == [
        "COMMENT_REQUIRED"
    ]
    nothing = await mutate(client, county, "admin", "publishRelease", "PublishReleaseInput", {})
    assert [e["code"] for e in nothing["data"]["publishRelease"]["userErrors"]] == [
        "NOTHING_TO_PUBLISH"
    ]
    approved = await mutate(
        client,
        county,
        "admin",
        "reviewChange",
        "ReviewChangeInput",
        {**review, "approve": True, "comment": "同意"},
    )
    assert approved["data"]["reviewChange"]["change"]["status"] == "APPROVED"
    twice = await mutate(
        client, county, "admin", "reviewChange", "ReviewChangeInput", {**review, "comment": "再审"}
    )
    assert [e["code"] for e in twice["data"]["reviewChange"]["userErrors"]] == ["ALREADY_REVIEWED"]
    withdrawn = await mutate(
        client, county, "admin", "withdrawMatter", "WithdrawMatterInput", {"code": BUSINESS}
    )
    assert withdrawn["data"]["withdrawMatter"]["change"]["status"] == "APPROVED"
    number = await publish(client, county, "第二版")
    assert number == 2
    diff = await gql(
        client,
        "{ catalogDiff(fromRelease: 1, toRelease: 2) {"
        " entries { kind change code name fields } } }",
        token=county.token("supervisor"),
    )
    entries = diff["data"]["catalogDiff"]["entries"]
    assert {
        "kind": "MATTER",
        "change": "ADDED",
        "code": "RS-010",
        "name": "失业保险金申领",
        "fields": [],
    } in entries
    assert {
        "kind": "MATTER",
        "change": "REMOVED",
        "code": BUSINESS,
        "name": "个体工商户设立登记",
        "fields": [],
    } in entries
    bad = await gql(
        client,
        "{ catalogDiff(fromRelease: 1, toRelease: 9) { entries { code } } }",
        token=county.token("admin"),
    )
    assert bad["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    releases = await gql(
        client,
        "{ catalogReleases(first: 5) { totalCount"
        " edges { node { number matterCount changeCount note } } } }",
        token=county.token("staff_a1"),
    )
    assert [e["node"]["number"] for e in releases["data"]["catalogReleases"]["edges"]] == [2, 1]
    assert releases["data"]["catalogReleases"]["edges"][0]["node"]["matterCount"] == 4
    # The rejected path: another proposal, rejected with a comment, never applied.
    other = await override(client, county, "head_a", "town_a", PENSION, note="周六办理")
    rejected = await mutate(
        client,
        county,
        "admin",
        "reviewChange",
        "ReviewChangeInput",
        {"changeId": other["change"]["id"], "approve": False, "comment": "周六不开放"},
    )
    assert rejected["data"]["reviewChange"]["change"]["status"] == "REJECTED"
    town = by_code(await effective(client, county, "town_a", username="head_a", preview=True))
    assert town[PENSION]["note"] is None


async def test_bundle_merges_materials(db, client):
    county = await make_county(db)
    await setup_catalog(county)
    await mark_waivable(client, county, PENSION, "户口簿")
    await override(
        client, county, "admin", "town_a", PENSION, materials=[{"name": "户口簿", "waived": True}]
    )
    result = await mutate(
        client,
        county,
        "admin",
        "defineBundle",
        "DefineBundleInput",
        {"code": "YJS-1", "name": "婚育参保一件事", "matterCodes": [MARRIAGE, PENSION, EMPLOYMENT]},
    )
    assert result["data"]["defineBundle"]["userErrors"] == []
    too_fast = await mutate(
        client,
        county,
        "admin",
        "defineBundle",
        "DefineBundleInput",
        {"code": "YJS-2", "name": "x", "matterCodes": [MARRIAGE, PENSION], "promisedLimitDays": 36},
    )
    assert [e["code"] for e in too_fast["data"]["defineBundle"]["userErrors"]] == [
        "PROMISED_EXCEEDS_LEGAL"
    ]
    one = await mutate(
        client,
        county,
        "admin",
        "defineBundle",
        "DefineBundleInput",
        {"code": "YJS-3", "name": "x", "matterCodes": [MARRIAGE]},
    )
    assert [e["code"] for e in one["data"]["defineBundle"]["userErrors"]] == ["TOO_FEW_MATTERS"]
    query = """query($tenant: String!, $siteId: ID) {
      publicBundle(tenant: $tenant, code: "YJS-1", siteId: $siteId) {
      code name formName legalLimitDays promisedLimitDays release
      matters { code } materials { name copies required forMatters } } }"""
    before = await gql(client, query, {"tenant": county.code})
    assert before["data"]["publicBundle"] is None  # not published yet
    await publish(client, county)
    county_wide = (await gql(client, query, {"tenant": county.code}))["data"]["publicBundle"]
    assert [m["code"] for m in county_wide["matters"]] == [MARRIAGE, PENSION, EMPLOYMENT]
    names = [m["name"] for m in county_wide["materials"]]
    assert names == ["居民身份证", "户口簿", "近期半身免冠合影照片"]  # each once
    id_card = county_wide["materials"][0]
    assert id_card["forMatters"] == ["婚姻登记", "城乡居民养老保险参保登记", "就业失业登记"]
    assert county_wide["materials"][2]["copies"] == 2
    assert county_wide["legalLimitDays"] == 20 + 15 + 5
    assert county_wide["promisedLimitDays"] == 10 + 5 + 0
    assert county_wide["formName"] == "「婚育参保一件事」一件事联办申请表"
    at_town = (
        await gql(client, query, {"tenant": county.code, "siteId": county.site_gid("town_a")})
    )["data"]["publicBundle"]
    household = next(m for m in at_town["materials"] if m["name"] == "户口簿")
    assert household["forMatters"] == ["婚姻登记", "就业失业登记"]  # waived for the pension at 甲镇


async def test_pinyin_search(db, client):
    county = await make_county(db)
    await setup_catalog(county)
    for query in ("hyjh", "hunyin", "hydj", "婚姻", "结婚", "HunYin"):
        found = await effective(client, county, "village_a1", search=query)
        assert found["edges"], query
        assert found["edges"][0]["node"]["name"] == "婚姻登记", query
    assert (await effective(client, county, "village_a1", search="jyjh"))["totalCount"] == 0
    jiuye = await effective(client, county, "village_a1", search="jysy")
    assert [e["node"]["code"] for e in jiuye["edges"]] == [EMPLOYMENT]
    public = await gql(
        client,
        'query($t: String!, $s: ID!) { publicCatalog(tenant: $t, siteId: $s, search: "hyjh") {'
        " totalCount edges { node { name } } } }",
        {"t": county.code, "s": county.site_gid("village_a1")},
    )
    assert public["data"]["publicCatalog"]["edges"][0]["node"]["name"] == "婚姻登记"


async def test_release_boundary_for_public_reads(db, client):
    county = await make_county(db)
    setup = await setup_catalog(county, publish=False)
    guide = """query($t: String!, $s: ID!, $c: String!) {
      publicMatter(tenant: $t, siteId: $s, code: $c) {
        code promisedLimitDays release materials { name } } }"""
    args = {"t": county.code, "s": county.site_gid("town_a"), "c": PENSION}
    assert (await gql(client, guide, args))["data"]["publicMatter"] is None  # nothing published
    await publish(client, county)
    first = (await gql(client, guide, args))["data"]["publicMatter"]
    assert (first["promisedLimitDays"], first["release"]) == (5, 1)
    # Approved but not published: invisible to the public and to plain reads.
    await override(client, county, "admin", "town_a", PENSION, promisedLimitDays=2)
    # Pending (a township head's proposal): invisible even in preview.
    await override(client, county, "head_a", "town_a", PENSION, note="待审")
    assert (await gql(client, guide, args))["data"]["publicMatter"]["promisedLimitDays"] == 5
    plain = by_code(await effective(client, county, "town_a", username="staff_a1"))[PENSION]
    assert plain["promisedLimitDays"] == 5
    preview = by_code(await effective(client, county, "town_a", username="head_a", preview=True))[
        PENSION
    ]
    assert (preview["promisedLimitDays"], preview["note"]) == (2, None)
    # Preview is for those who review or propose only.
    denied = await gql(
        client,
        "query($s: ID!) { effectiveCatalog(siteId: $s, preview: true) { totalCount } }",
        {"s": county.site_gid("town_a")},
        county.token("staff_a1"),
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    sites = """query($t: String!, $c: String) {
      publicSites(tenant: $t, near: {lat: 33.7, lng: 119.2}, matterCode: $c, first: 20) {
        edges { node { id level distanceMeters } } } }"""
    new_code = {"t": county.code, "c": "RS-NEW"}
    # The public app sends citizens only where someone works today (issue 10).
    for site, birth in (("town_a", date(1990, 1, 2)), ("town_b", date(1991, 2, 3))):
        await hire(county, site, name=f"{site}窗口", number=id_number(birth))
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        await changes.propose(
            session,
            admin,
            ChangeKind.DEFINE_MATTER,
            matter_payload(
                "RS-NEW", "新事项", str(setup.departments["hr"].id), levels=["TOWNSHIP_CENTER"]
            ),
        )
    assert (await gql(client, sites, new_code))["data"]["publicSites"]["edges"] == []
    await publish(client, county)
    assert (await gql(client, guide, args))["data"]["publicMatter"]["promisedLimitDays"] == 2
    listed = (await gql(client, sites, new_code))["data"]["publicSites"]["edges"]
    assert {e["node"]["level"] for e in listed} == {"TOWNSHIP_CENTER"}
    assert len(listed) == 2
    unknown = await gql(client, sites, {"t": "999999", "c": None})
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_one_window_ratio(db, client):
    county = await make_county(db)
    await setup_catalog(county)
    query = """query($s: ID) { oneWindowRatio(siteId: $s) {
        acceptedCount comprehensiveCount ratio target
        meetsTarget notComprehensive { code } } }"""
    whole = (await gql(client, query, {}, county.token("supervisor")))["data"]["oneWindowRatio"]
    assert (whole["acceptedCount"], whole["comprehensiveCount"]) == (4, 3)
    assert whole["ratio"] == 0.75 and whole["target"] == 0.95 and whole["meetsTarget"] is False
    assert whole["notComprehensive"] == [{"code": BUSINESS}]
    root = (await gql(client, query, {"s": county.site_gid("root")}, county.token("admin")))[
        "data"
    ]["oneWindowRatio"]
    # At the county centre: 个体工商户 (dedicated window) and two county matters; the HR ones
    # are handled at the HR sub-centre, where the department sits.
    assert (root["acceptedCount"], root["comprehensiveCount"]) == (2, 1)
    sub = (await gql(client, query, {"s": county.site_gid("sub")}, county.token("admin")))["data"][
        "oneWindowRatio"
    ]
    assert (sub["acceptedCount"], sub["comprehensiveCount"], sub["meetsTarget"]) == (2, 2, True)
    await override(client, county, "admin", "root", BUSINESS, comprehensiveWindow=True)
    await publish(client, county)
    root = (await gql(client, query, {"s": county.site_gid("root")}, county.token("admin")))[
        "data"
    ]["oneWindowRatio"]
    assert (root["ratio"], root["meetsTarget"]) == (1.0, True)


async def test_blank_forms_and_samples_are_own_stored_files(db, client):
    county = await make_county(db)
    setup = await setup_catalog(county)
    other = await make_county(db, "他县")
    hr = setup.department_gid("hr")
    own_key = f"{county.tenant_id}/scan/{'a' * 32}.pdf"

    async def define(code: str, blank_form: str, sample: str | None = None):
        result = await mutate(
            client,
            county,
            "admin",
            "defineMatter",
            "DefineMatterInput",
            {
                "code": code,
                "name": "灵活就业人员参保登记",
                "type": "PUBLIC_SERVICE",
                "basis": "《中华人民共和国社会保险法》",
                "departmentId": hr,
                "handlingKind": "IMMEDIATE",
                "legalLimitDays": 1,
                "promisedLimitDays": 0,
                "serviceObject": "NATURAL_PERSON",
                "materials": [{"name": "参保登记表", "blankForm": blank_form, "sample": sample}],
            },
        )
        return result["data"]["defineMatter"]

    foreign = await define("RS-201", f"{other.tenant_id}/scan/{'b' * 32}.pdf")
    assert [(e["field"], e["code"]) for e in foreign["userErrors"]] == [
        ("materials[0].blankForm", "INVALID_FILE_KEY")
    ]
    wrong_purpose = await define("RS-202", own_key, f"{county.tenant_id}/roster/x.xlsx")
    assert [e["code"] for e in wrong_purpose["userErrors"]] == ["INVALID_FILE_KEY"]
    ok = await define("RS-203", own_key)
    assert ok["userErrors"] == []
    await publish(client, county)
    guide = await gql(
        client,
        """query($t: String!, $s: ID!) { publicMatter(tenant: $t, siteId: $s, code: "RS-203") {
             materials { name blankForm blankFormUrl sampleUrl } } }""",
        {"t": county.code, "s": county.site_gid("root")},
    )
    material = guide["data"]["publicMatter"]["materials"][0]
    assert material["blankForm"] == own_key and material["sampleUrl"] is None
    assert material["blankFormUrl"]


@pytest.mark.postgresql_only
async def test_first_changes_of_a_county_may_race(db):
    """Two first catalog changes at once both go through (the state row is made only once)."""
    import asyncio

    from catalog import definitions
    from catalog.effective import catalog_version

    county = await make_county(db)
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        department = await definitions.create_department(session, admin, "民政局", None)

    async def first_change(code: str) -> None:
        async with db.transaction(county.tenant_id) as session:
            await changes.propose(
                session,
                admin,
                ChangeKind.DEFINE_MATTER,
                matter_payload(code, f"事项{code}", str(department.id)),
            )
            await asyncio.sleep(0.05)  # hold the transaction open while the other one starts

    await asyncio.gather(first_change("RACE-1"), first_change("RACE-2"))
    async with db.session(county.tenant_id) as session:
        assert (await catalog_version(session)).draft == 2
