"""A matter's lists and strings are bounded by what the domain allows: over a cap is one clear
userError (nothing is proposed, nothing stored), never a silent cut and never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.definitions import (
    KEYWORD_MAX,
    KEYWORDS_MAX,
    MATERIALS_MAX,
    PROCESS_STEP_MAX,
    PROCESS_STEPS_MAX,
    get_matter,
)
from catalog.models import ChangeRequest
from tests.support.catalog import (
    EMPLOYMENT,
    MARRIAGE,
    PENSION,
    mutate,
    setup_catalog,
    unemployment_benefit,
)
from tests.support.factories import County

COUNTY_NAME = "界限目录县"


@pytest.fixture(scope="module")
async def catalog(county: County):
    return await setup_catalog(county)


async def _changes(county: County) -> int:
    async with county.db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(ChangeRequest))).scalar_one()


def _errors(result: dict, mutation: str) -> list[tuple[str | None, str]]:
    assert "errors" not in result, result
    payload = result["data"][mutation]
    assert payload["change"] is None
    assert all(len(e["message"]) < 200 for e in payload["userErrors"])
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


def _materials(count: int) -> list[dict]:
    return [{"name": f"材料{i}", "copies": 1} for i in range(count)]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"keywords": ["结婚"] * 5000}, [("keywords", "TOO_MANY_KEYWORDS")]),
        (
            {"keywords": [f"词{i}" for i in range(KEYWORDS_MAX + 1)]},
            [("keywords", "TOO_MANY_KEYWORDS")],
        ),
        ({"keywords": ["长" * (KEYWORD_MAX + 1)]}, [("keywords[0]", "TOO_LONG")]),
        ({"process": ["受理"] * 10_000}, [("process", "TOO_MANY_STEPS")]),
        (
            {"process": [f"第{i}步" for i in range(PROCESS_STEPS_MAX + 1)]},
            [("process", "TOO_MANY_STEPS")],
        ),
        ({"process": ["受理", "审" * (PROCESS_STEP_MAX + 1)]}, [("process[1]", "TOO_LONG")]),
        ({"materials": _materials(MATERIALS_MAX + 1)}, [("materials", "TOO_MANY_MATERIALS")]),
        ({"materials": _materials(5000)}, [("materials", "TOO_MANY_MATERIALS")]),
    ],
    ids=[
        "5000-keywords",
        "31-keywords",
        "long-keyword",
        "10000-steps",
        "51-steps",
        "long-step",
        "101-materials",
        "5000-materials",
    ],
)
async def test_define_matter_lists_are_bounded(client, county, catalog, overrides, expected):
    before = await _changes(county)
    result = await mutate(
        client,
        county,
        "admin",
        "defineMatter",
        "DefineMatterInput",
        unemployment_benefit(catalog.department_gid("hr"), code="RS-BOUND", **overrides),
    )
    assert _errors(result, "defineMatter") == expected
    assert await _changes(county) == before


async def test_update_matter_lists_are_bounded(client, county, catalog):
    before = await _changes(county)
    result = await mutate(
        client,
        county,
        "admin",
        "updateMatter",
        "UpdateMatterInput",
        {
            "code": PENSION,
            "keywords": ["养老"] * 5000,
            "process": ["受理"] * 10_000,
            "materials": _materials(MATERIALS_MAX + 1),
        },
    )
    assert set(_errors(result, "updateMatter")) == {
        ("keywords", "TOO_MANY_KEYWORDS"),
        ("process", "TOO_MANY_STEPS"),
        ("materials", "TOO_MANY_MATERIALS"),
    }
    assert await _changes(county) == before


async def test_at_the_caps_is_accepted_and_repeats_are_dropped(client, county, catalog):
    keywords = ["结婚", "结婚", *(f"词{i}" for i in range(KEYWORDS_MAX - 2))]
    result = await mutate(
        client,
        county,
        "admin",
        "defineMatter",
        "DefineMatterInput",
        unemployment_benefit(
            catalog.department_gid("hr"),
            code="RS-CAPS",
            keywords=[*keywords[:-1], "长" * KEYWORD_MAX],
            process=["步" * PROCESS_STEP_MAX] * PROCESS_STEPS_MAX,
            materials=_materials(MATERIALS_MAX),
        ),
    )
    assert result["data"]["defineMatter"]["userErrors"] == [], result
    async with county.db.session(county.tenant_id) as session:
        matter = await get_matter(session, "RS-CAPS")
    assert matter.keywords.count("结婚") == 1
    assert len(matter.keywords) == KEYWORDS_MAX - 1
    assert len(matter.process) == PROCESS_STEPS_MAX
    assert len(matter.materials) == MATERIALS_MAX


@pytest.mark.parametrize(
    ("materials", "expected"),
    [
        (
            [{"name": "居民身份证", "waived": True}] * (MATERIALS_MAX + 1),
            [("materials", "TOO_MANY_MATERIALS")],
        ),
        (
            [{"name": "居民身份证", "note": "原件"}, {"name": "居民身份证", "note": "复印件"}],
            [("materials[1].name", "DUPLICATE_MATERIAL")],
        ),
        ([{"name": "证" * 60_000, "waived": True}], [("materials[0].name", "TOO_LONG")]),
    ],
    ids=["101-material-changes", "repeated-material", "60000-character-name"],
)
async def test_override_materials_are_bounded(client, county, catalog, materials, expected):
    before = await _changes(county)
    result = await mutate(
        client,
        county,
        "admin",
        "overrideMatter",
        "OverrideMatterInput",
        {"siteId": county.site_gid("town_a"), "matterCode": PENSION, "materials": materials},
    )
    assert _errors(result, "overrideMatter") == expected
    assert await _changes(county) == before


async def test_bundle_of_5000_matters_is_one_error(client, county, catalog):
    """One TOO_MANY_MATTERS: not 5,000 lookups and 5,000 NOT_FOUND beside it."""
    result = await mutate(
        client,
        county,
        "admin",
        "defineBundle",
        "DefineBundleInput",
        {"code": "B-BIG", "name": "大", "matterCodes": [f"X-{i}" for i in range(5000)]},
    )
    assert _errors(result, "defineBundle") == [("matterCodes", "TOO_MANY_MATTERS")]


async def test_bundle_with_an_over_long_code_is_not_echoed(client, county, catalog):
    result = await mutate(
        client,
        county,
        "admin",
        "defineBundle",
        "DefineBundleInput",
        {"code": "B-LONG", "name": "长", "matterCodes": [MARRIAGE, EMPLOYMENT, "X" * 60_000]},
    )
    assert _errors(result, "defineBundle") == [("matterCodes", "NOT_FOUND")]
