"""Tests for the pure-data demo site network (network/demo_data.py)."""

from collections import Counter

import pytest

from network.demo_data import (
    BENCHMARK,
    COUNTY_CENTER,
    LEVELS,
    STANDARD,
    STANDARD_CLASSES,
    SUB_CENTER,
    TOWNSHIP_CENTER,
    VILLAGE_STATION,
    DemoCounty,
    distance_km,
    expected_counts,
    lanling,
    lianshui,
)

COUNTIES = [lianshui, lanling]
SEATS = {"320826": (33.77, 119.26), "371324": (34.86, 118.07)}

LIANSHUI_TOWNSHIPS = {
    "涟城街道",
    "保滩街道",
    "陈师街道",
    "朱码街道",
    "五港镇",
    "高沟镇",
    "唐集镇",
    "石湖镇",
    "梁岔镇",
    "南集镇",
    "黄营镇",
    "成集镇",
    "红窑镇",
    "岔庙镇",
    "东胡集镇",
    "大东镇",
}

LIANSHUI_SUBS = {
    "sub.vehicle": "车辆管理",
    "sub.marriage": "婚姻登记",
    "sub.legal": "公共法律",
    "sub.veterans": "退役军人",
    "sub.hr": "人社综合",
    "sub.religion": "民宗",
    "sub.agrimachinery": "农机",
}


@pytest.fixture(params=COUNTIES, ids=lambda f: f.__name__)
def demo_county(request) -> DemoCounty:
    return request.param()


def test_lianshui_counts():
    c = lianshui()
    assert c.code == "320826"
    assert c.name == "涟水县"
    assert expected_counts(c) == {
        COUNTY_CENTER: 1,
        SUB_CENTER: 7,
        TOWNSHIP_CENTER: 16,
        VILLAGE_STATION: 372,
    }
    assert len(c.sites) == 1 + 7 + 16 + 372


def test_lanling_counts():
    c = lanling()
    assert c.code == "371324"
    assert c.name == "兰陵县"
    counts = expected_counts(c)
    assert counts[COUNTY_CENTER] == 1
    assert counts[SUB_CENTER] == 2
    assert counts[TOWNSHIP_CENTER] == 4
    for t in c.by_level(TOWNSHIP_CENTER):
        assert 3 <= len(c.children(t.key)) <= 5, t.name
    assert {t.name for t in c.by_level(TOWNSHIP_CENTER)} == {
        "卞庄街道",
        "苍山街道",
        "向城镇",
        "长城镇",
    }


def test_deterministic(demo_county):
    fn = lianshui if demo_county.code == "320826" else lanling
    fn.cache_clear()
    assert fn() == demo_county


def test_field_values_valid(demo_county):
    for s in demo_county.sites:
        assert s.level in LEVELS
        assert s.standard_class in STANDARD_CLASSES
        assert s.name and s.address and s.opening_hours
        assert s.address.startswith(demo_county.name), s
        if s.level == SUB_CENTER:
            assert s.managing_department and s.managing_department.startswith(demo_county.name)
        else:
            assert s.managing_department is None


def test_keys_unique(demo_county):
    keys = [s.key for s in demo_county.sites]
    assert len(keys) == len(set(keys))


def test_division_codes(demo_county):
    by_key = {s.key: s for s in demo_county.sites}
    centre = by_key["county"]
    assert centre.division_code == demo_county.code
    assert len(demo_county.code) == 6 and demo_county.code.isdigit()
    for s in demo_county.sites:
        assert s.division_code.isdigit()
        if s.level in (COUNTY_CENTER, SUB_CENTER):
            assert s.division_code == demo_county.code
        elif s.level == TOWNSHIP_CENTER:
            assert len(s.division_code) == 9
            assert s.division_code.startswith(demo_county.code)
        else:
            assert len(s.division_code) == 12
            assert s.division_code.startswith(by_key[s.parent_key].division_code)
    # Townships and villages own their code; the centre and sub-centres share the county's.
    own = [
        s.division_code for s in demo_county.sites if s.level in (TOWNSHIP_CENTER, VILLAGE_STATION)
    ]
    assert len(own) == len(set(own))
    assert demo_county.code not in own


def test_parent_levels(demo_county):
    by_key = {s.key: s for s in demo_county.sites}
    roots = [s for s in demo_county.sites if s.parent_key is None]
    assert [r.key for r in roots] == ["county"]
    assert roots[0].level == COUNTY_CENTER
    for s in demo_county.sites:
        if s.level in (SUB_CENTER, TOWNSHIP_CENTER):
            assert s.parent_key == "county"
        elif s.level == VILLAGE_STATION:
            assert by_key[s.parent_key].level == TOWNSHIP_CENTER
            assert s.key.startswith(s.parent_key + ".")


def test_names_unique_under_parent(demo_county):
    counts = Counter((s.parent_key, s.name) for s in demo_county.sites)
    dupes = [k for k, n in counts.items() if n > 1]
    assert not dupes


def test_lianshui_named_sites():
    c = lianshui()
    assert c.site("county").name == "涟水县"
    assert {s.name for s in c.by_level(TOWNSHIP_CENTER)} == LIANSHUI_TOWNSHIPS
    for key, name in LIANSHUI_SUBS.items():
        s = c.site(key)
        assert s.level == SUB_CENTER
        assert s.name == name
    assert c.site("sub.hr").managing_department == "涟水县人力资源和社会保障局"
    assert c.site("gaogou").name == "高沟镇"
    assert c.site("baotan").name == "保滩街道"
    for key, name, parent in [
        ("gaogou.yandian", "盐店村", "gaogou"),
        ("baotan.zhouji", "周集村", "baotan"),
        ("baotan.xiaodu", "肖渡村", "baotan"),
    ]:
        s = c.site(key)
        assert s.name == name
        assert s.parent_key == parent
        assert s.level == VILLAGE_STATION
        assert s.address == f"涟水县{c.site(parent).name}{name}村委会"


def test_lianshui_streets_have_more_communities():
    c = lianshui()
    for t in c.by_level(TOWNSHIP_CENTER):
        kids = c.children(t.key)
        assert kids, t.name
        communities = sum(k.name.endswith("社区") for k in kids)
        villages = sum(k.name.endswith("村") for k in kids)
        assert communities + villages == len(kids)
        if t.name.endswith("镇"):
            assert villages > communities, t.name


def test_lianshui_standard_classes():
    c = lianshui()
    assert c.site("county").standard_class == BENCHMARK
    townships = c.by_level(TOWNSHIP_CENTER)
    assert all(t.standard_class in (STANDARD, BENCHMARK) for t in townships)
    share = sum(t.standard_class == BENCHMARK for t in townships) / len(townships)
    assert 0.25 <= share <= 0.4
    assert c.site("gaogou").standard_class == BENCHMARK
    villages = Counter(v.standard_class for v in c.by_level(VILLAGE_STATION))
    assert villages["BASIC"] > villages[STANDARD] > 0


def test_coordinates(demo_county):
    seat = SEATS[demo_county.code]
    by_key = {s.key: s for s in demo_county.sites}
    for s in demo_county.sites:
        if s.level in (COUNTY_CENTER, SUB_CENTER):
            assert distance_km(*seat, s.lat, s.lng) <= 2.0, s.key
        elif s.level == TOWNSHIP_CENTER:
            assert distance_km(*seat, s.lat, s.lng) <= 25.0, s.key
        else:
            p = by_key[s.parent_key]
            assert distance_km(p.lat, p.lng, s.lat, s.lng) <= 5.0, s.key
