"""Demo site network ("1+7+N") for two counties, as pure data.

涟水县 (Lianshui, Jiangsu, 320826) follows source document 001: one county centre,
seven sub-centres, 16 township/street centres and 372 village/community stations,
including the pilot sites of 001 §三 (高沟镇, 保滩街道; 盐店村, 周集村, 肖渡村).
兰陵县 (Lanling, Shandong, 371324) is a small second tenant taken from document 003.

The county, sub-centre and township names are real; the 6-digit county codes are the
real ones. Township and village division codes, village/community names, addresses
and coordinates are illustrative (plausible, deterministic, not authoritative).
Codes follow the national convention: streets 001-099 and towns 100-199 inside a
county; 社区 (residents' committees) 001-199 and 村 (villagers' committees) 200-399
inside a township.

Only the standard library is used; everything is deterministic (seeded
``random.Random`` instances), so repeated calls return equal data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache

COUNTY_CENTER = "COUNTY_CENTER"
SUB_CENTER = "SUB_CENTER"
TOWNSHIP_CENTER = "TOWNSHIP_CENTER"
VILLAGE_STATION = "VILLAGE_STATION"
LEVELS: tuple[str, ...] = (COUNTY_CENTER, SUB_CENTER, TOWNSHIP_CENTER, VILLAGE_STATION)

BASIC = "BASIC"
STANDARD = "STANDARD"
BENCHMARK = "BENCHMARK"
STANDARD_CLASSES: tuple[str, ...] = (BASIC, STANDARD, BENCHMARK)

HOURS_OFFICE = "周一至周五 8:30-12:00, 14:00-17:30"
HOURS_COUNTY = "周一至周五 8:30-12:00, 14:00-17:30; 周六 9:00-12:00"
HOURS_VEHICLE = "周一至周六 8:30-12:00, 13:30-17:30"
HOURS_VILLAGE = "周一至周五 8:30-11:30, 14:30-17:00"


@dataclass(frozen=True)
class DemoSite:
    key: str  # stable unique key within a county, e.g. "gaogou", "gaogou.yandian", "sub.hr"
    level: str  # one of LEVELS
    name: str  # short name: "涟水县", "人社综合", "高沟镇", "盐店村", "xx社区"
    division_code: str  # county/sub-centre 6 digits; township 9; village 12
    parent_key: str | None
    address: str
    lat: float
    lng: float
    standard_class: str  # one of STANDARD_CLASSES
    opening_hours: str
    managing_department: str | None  # sub-centres only


@dataclass(frozen=True)
class DemoCounty:
    code: str
    name: str
    sites: tuple[DemoSite, ...]

    def site(self, key: str) -> DemoSite:
        """The site with this key (KeyError if absent)."""
        for s in self.sites:
            if s.key == key:
                return s
        raise KeyError(key)

    def children(self, parent_key: str) -> tuple[DemoSite, ...]:
        return tuple(s for s in self.sites if s.parent_key == parent_key)

    def by_level(self, level: str) -> tuple[DemoSite, ...]:
        return tuple(s for s in self.sites if s.level == level)


def expected_counts(county: DemoCounty) -> dict[str, int]:
    """Number of sites per level (every level present, possibly 0)."""
    counts = dict.fromkeys(LEVELS, 0)
    for s in county.sites:
        counts[s.level] += 1
    return counts


def demo_counties() -> tuple[DemoCounty, ...]:
    return (lianshui(), lanling())


# --------------------------------------------------------------------------- helpers

_KM_PER_DEG_LAT = 111.32


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in kilometres."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _offset(lat: float, lng: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """Point ``km`` away from (lat, lng) in direction ``bearing_deg`` (flat approximation)."""
    b = math.radians(bearing_deg)
    dlat = km * math.cos(b) / _KM_PER_DEG_LAT
    dlng = km * math.sin(b) / (_KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


# Community (社区) name stems, with pinyin for keys.
_COMMUNITY_STEMS: tuple[tuple[str, str], ...] = (
    ("安东", "andong"),
    ("城南", "chengnan"),
    ("城北", "chengbei"),
    ("城东", "chengdong"),
    ("城西", "chengxi"),
    ("振兴", "zhenxing"),
    ("和平", "heping"),
    ("幸福", "xingfu"),
    ("新华", "xinhua"),
    ("红日", "hongri"),
    ("五岛", "wudao"),
    ("金城", "jincheng"),
    ("民主", "minzhu"),
    ("人民", "renmin"),
    ("东门", "dongmen"),
    ("西门", "ximen"),
    ("北门", "beimen"),
    ("南门", "nanmen"),
    ("朝阳", "chaoyang"),
    ("东风", "dongfeng"),
    ("胜利", "shengli"),
    ("建设", "jianshe"),
    ("文化", "wenhua"),
    ("育才", "yucai"),
    ("淮河", "huaihe"),
    ("花园", "huayuan"),
    ("永安", "yongan"),
    ("长安", "changan"),
    ("光明", "guangming"),
    ("团结", "tuanjie"),
    ("锦绣", "jinxiu"),
    ("清河", "qinghe"),
    ("新港", "xingang"),
    ("兴隆", "xinglong"),
    ("丰收", "fengshou"),
    ("龙泉", "longquan"),
    ("妙通", "miaotong"),
    ("府前", "fuqian"),
    ("镇南", "zhennan"),
    ("镇北", "zhenbei"),
)

# Village (村) names are built as prefix + suffix, e.g. 王庄村, 东湖村, 八集村.
_LANLING_COMMUNITY_STEMS: tuple[tuple[str, str], ...] = (
    ("会宝", "huibao"),
    ("金山", "jinshan"),
    ("文峰", "wenfeng"),
    ("东关", "dongguan"),
    ("西关", "xiguan"),
    ("南关", "nanguan"),
    ("北关", "beiguan"),
    ("向阳", "xiangyang"),
    ("新兴", "xinxing"),
    ("城前", "chengqian"),
)

_VILLAGE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("朱", "zhu"),
    ("马", "ma"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("韩", "han"),
    ("冯", "feng"),
    ("邓", "deng"),
    ("曹", "cao"),
    ("彭", "peng"),
    ("田", "tian"),
    ("董", "dong"),
    ("潘", "pan"),
    ("袁", "yuan"),
    ("蔡", "cai"),
    ("蒋", "jiang"),
    ("杜", "du"),
    ("程", "cheng"),
    ("魏", "wei"),
    ("丁", "ding"),
    ("沈", "shen"),
    ("陆", "lu"),
    ("范", "fan"),
    ("石", "shi"),
    ("金", "jin"),
    ("夏", "xia"),
    ("方", "fang"),
    ("孟", "meng"),
    ("秦", "qin"),
    ("葛", "ge"),
    ("仲", "zhong"),
    ("卞", "bian"),
    ("薛", "xue"),
    ("季", "ji"),
    ("顾", "gu"),
    ("邵", "shao"),
    ("戴", "dai"),
    ("左", "zuo"),
    ("东", "dong"),
    ("西", "xi"),
    ("南", "nan"),
    ("北", "bei"),
    ("前", "qian"),
    ("后", "hou"),
    ("新", "xin"),
    ("大", "da"),
    ("小", "xiao"),
    ("双", "shuang"),
    ("三", "san"),
    ("五", "wu"),
    ("七", "qi"),
    ("八", "ba"),
    ("柳", "liu"),
    ("桃", "tao"),
    ("槐", "huai"),
    ("芦", "lu"),
    ("沙", "sha"),
)

_VILLAGE_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("庄", "zhuang"),
    ("集", "ji"),
    ("圩", "wei"),
    ("湾", "wan"),
    ("河", "he"),
    ("桥", "qiao"),
    ("港", "gang"),
    ("园", "yuan"),
    ("墩", "dun"),
    ("沟", "gou"),
    ("楼", "lou"),
    ("营", "ying"),
    ("店", "dian"),
    ("口", "kou"),
    ("渡", "du"),
    ("塘", "tang"),
    ("湖", "hu"),
    ("滩", "tan"),
    ("岗", "gang"),
    ("荡", "dang"),
    ("堆", "dui"),
    ("套", "tao"),
)

_TOWN_ROADS: tuple[str, ...] = (
    "人民路",
    "建设路",
    "府前路",
    "振兴路",
    "中心街",
    "文化路",
    "幸福路",
    "镇南路",
    "新街",
    "友谊路",
)


@dataclass(frozen=True)
class _TownshipSpec:
    key: str
    name: str  # "高沟镇", "保滩街道"
    code_suffix: str  # 3 digits
    lat: float
    lng: float
    standard_class: str
    communities: int  # number of 社区 stations
    villages: int  # number of 村 stations
    fixed_villages: tuple[tuple[str, str], ...] = ()  # (pinyin, name) that must exist
    fixed_standard: tuple[str, ...] = ()  # pinyin keys of fixed villages that are STANDARD
    population: int = 0  # resident population, approximate (see the county's table)


def _build_stations(
    county_name: str,
    county_code: str,
    spec: _TownshipSpec,
    seed: int,
    standard_share: float,
    community_stems: tuple[tuple[str, str], ...],
) -> list[DemoSite]:
    """Village/community stations of one township, deterministic for a given seed."""
    rng = random.Random(seed)
    township_code = county_code + spec.code_suffix
    used_names: set[str] = set()
    used_keys: set[str] = set()
    sites: list[DemoSite] = []

    def place(near_km: tuple[float, float]) -> tuple[float, float]:
        return _offset(spec.lat, spec.lng, rng.uniform(*near_km), rng.uniform(0.0, 360.0))

    def klass() -> str:
        return STANDARD if rng.random() < standard_share else BASIC

    # 社区: codes 001.., close to the township seat (within 3 km).
    stems = list(community_stems)
    rng.shuffle(stems)
    for i in range(spec.communities):
        stem, py = stems[i]
        name = f"{stem}社区"
        key = f"{spec.key}.{py}"
        used_names.add(name)
        used_keys.add(key)
        lat, lng = place((0.3, 3.0))
        sites.append(
            DemoSite(
                key=key,
                level=VILLAGE_STATION,
                name=name,
                division_code=f"{township_code}{i + 1:03d}",
                parent_key=spec.key,
                address=f"{county_name}{spec.name}{name}居委会",
                lat=lat,
                lng=lng,
                standard_class=klass(),
                opening_hours=HOURS_VILLAGE,
                managing_department=None,
            )
        )

    # 村: codes 201.., within 4.8 km of the township seat.
    names: list[tuple[str, str, bool]] = []  # (pinyin, name, fixed)
    for py, name in spec.fixed_villages:
        names.append((py, name, True))
        used_names.add(name)
        used_keys.add(f"{spec.key}.{py}")
    while len(names) < spec.villages:
        pre, pre_py = rng.choice(_VILLAGE_PREFIXES)
        suf, suf_py = rng.choice(_VILLAGE_SUFFIXES)
        if pre == suf:
            continue
        name = f"{pre}{suf}村"
        py = pre_py + suf_py
        key = f"{spec.key}.{py}"
        if name in used_names or key in used_keys:
            continue
        used_names.add(name)
        used_keys.add(key)
        names.append((py, name, False))
    rng.shuffle(names)
    for i, (py, name, fixed) in enumerate(names):
        lat, lng = place((0.8, 4.8))
        cls = klass()
        if fixed and py in spec.fixed_standard:
            cls = STANDARD
        sites.append(
            DemoSite(
                key=f"{spec.key}.{py}",
                level=VILLAGE_STATION,
                name=name,
                division_code=f"{township_code}{201 + i:03d}",
                parent_key=spec.key,
                address=f"{county_name}{spec.name}{name}村委会",
                lat=lat,
                lng=lng,
                standard_class=cls,
                opening_hours=HOURS_VILLAGE,
                managing_department=None,
            )
        )
    return sites


def _build_county(
    *,
    code: str,
    name: str,
    seed: int,
    centre_address: str,
    centre_lat: float,
    centre_lng: float,
    subs: tuple[tuple[str, str, str, str, float, float, str, str], ...],
    townships: tuple[_TownshipSpec, ...],
    village_standard_share: float,
    community_stems: tuple[tuple[str, str], ...] = _COMMUNITY_STEMS,
) -> DemoCounty:
    sites: list[DemoSite] = [
        DemoSite(
            key="county",
            level=COUNTY_CENTER,
            name=name,
            division_code=code,
            parent_key=None,
            address=centre_address,
            lat=centre_lat,
            lng=centre_lng,
            standard_class=BENCHMARK,
            opening_hours=HOURS_COUNTY,
            managing_department=None,
        )
    ]
    for key, short, dept, address, lat, lng, cls, hours in subs:
        sites.append(
            DemoSite(
                key=key,
                level=SUB_CENTER,
                name=short,
                division_code=code,
                parent_key="county",
                address=address,
                lat=lat,
                lng=lng,
                standard_class=cls,
                opening_hours=hours,
                managing_department=dept,
            )
        )
    road_rng = random.Random(seed)
    for spec in townships:
        road = road_rng.choice(_TOWN_ROADS)
        sites.append(
            DemoSite(
                key=spec.key,
                level=TOWNSHIP_CENTER,
                name=spec.name,
                division_code=code + spec.code_suffix,
                parent_key="county",
                address=f"{name}{spec.name}{road}{road_rng.randint(1, 120)}号",
                lat=spec.lat,
                lng=spec.lng,
                standard_class=spec.standard_class,
                opening_hours=HOURS_OFFICE,
                managing_department=None,
            )
        )
    for i, spec in enumerate(townships):
        sites.extend(
            _build_stations(
                name, code, spec, seed * 1000 + i + 1, village_standard_share, community_stems
            )
        )
    return DemoCounty(code=code, name=name, sites=tuple(sites))


# --------------------------------------------------------------------------- 涟水县

LIANSHUI_CODE = "320826"
LIANSHUI_SEAT = (33.77, 119.26)

_LIANSHUI_SUBS = (
    # key, short name, managing department, address, lat, lng, class, hours
    (
        "sub.vehicle",
        "车辆管理",
        "涟水县公安局",
        "涟水县红日大道66号",
        33.7612,
        119.2455,
        STANDARD,
        HOURS_VEHICLE,
    ),
    (
        "sub.marriage",
        "婚姻登记",
        "涟水县民政局",
        "涟水县安东北路28号",
        33.7768,
        119.2652,
        STANDARD,
        HOURS_OFFICE,
    ),
    (
        "sub.legal",
        "公共法律",
        "涟水县司法局",
        "涟水县涟州路118号",
        33.7731,
        119.2548,
        STANDARD,
        HOURS_OFFICE,
    ),
    (
        "sub.veterans",
        "退役军人",
        "涟水县退役军人事务局",
        "涟水县五岛路9号",
        33.7794,
        119.2571,
        STANDARD,
        HOURS_OFFICE,
    ),
    (
        "sub.hr",
        "人社综合",
        "涟水县人力资源和社会保障局",
        "涟水县安东南路56号",
        33.7622,
        119.2633,
        BENCHMARK,
        HOURS_OFFICE,
    ),
    (
        "sub.religion",
        "民宗",
        "涟水县民族宗教事务局",
        "涟水县健康东路17号",
        33.7705,
        119.2718,
        BASIC,
        HOURS_OFFICE,
    ),
    (
        "sub.agrimachinery",
        "农机",
        "涟水县农业农村局",
        "涟水县淮涟路201号",
        33.7561,
        119.2534,
        STANDARD,
        HOURS_OFFICE,
    ),
)

# Streets: more 社区; towns: mostly 村. Totals 101 (streets) + 271 (towns) = 372.
# Resident populations are approximate figures for the demo (about 1.1 million in all, the
# county's order of magnitude), not official statistics; the casework history weighs the
# townships' volumes by them.
_LIANSHUI_TOWNSHIPS = (
    _TownshipSpec(
        "liancheng", "涟城街道", "001", 33.7790, 119.2620, BENCHMARK, 24, 6, population=175_000
    ),
    _TownshipSpec(
        "baotan",
        "保滩街道",
        "002",
        33.7240,
        119.3010,
        BENCHMARK,
        12,
        13,
        fixed_villages=(("zhouji", "周集村"), ("xiaodu", "肖渡村")),
        fixed_standard=("zhouji", "xiaodu"),
        population=62_000,
    ),
    _TownshipSpec(
        "chenshi", "陈师街道", "003", 33.8060, 119.3030, STANDARD, 10, 12, population=58_000
    ),
    _TownshipSpec(
        "zhuma", "朱码街道", "004", 33.7050, 119.2230, STANDARD, 11, 13, population=55_000
    ),
    _TownshipSpec("wugang", "五港镇", "101", 33.8820, 119.2710, STANDARD, 2, 20, population=52_000),
    _TownshipSpec(
        "gaogou",
        "高沟镇",
        "102",
        33.8790,
        119.4160,
        BENCHMARK,
        3,
        27,
        fixed_villages=(("yandian", "盐店村"),),
        fixed_standard=("yandian",),
        population=96_000,
    ),
    _TownshipSpec(
        "tangji", "唐集镇", "103", 33.8930, 119.3560, BENCHMARK, 2, 23, population=72_000
    ),
    _TownshipSpec("shihu", "石湖镇", "104", 33.8420, 119.1050, STANDARD, 1, 19, population=56_000),
    _TownshipSpec(
        "liangcha", "梁岔镇", "105", 33.7210, 119.3820, STANDARD, 2, 20, population=54_000
    ),
    _TownshipSpec("nanji", "南集镇", "106", 33.6980, 119.1120, STANDARD, 1, 19, population=50_000),
    _TownshipSpec(
        "huangying", "黄营镇", "107", 33.9480, 119.1830, STANDARD, 1, 19, population=46_000
    ),
    _TownshipSpec(
        "chengji", "成集镇", "108", 33.9020, 119.1480, STANDARD, 1, 19, population=51_000
    ),
    _TownshipSpec(
        "hongyao", "红窑镇", "109", 33.7930, 119.0560, STANDARD, 2, 20, population=61_000
    ),
    _TownshipSpec(
        "chamiao", "岔庙镇", "110", 33.8340, 119.4210, STANDARD, 1, 19, population=49_000
    ),
    _TownshipSpec(
        "donghuji", "东胡集镇", "111", 33.7810, 119.4470, STANDARD, 2, 22, population=66_000
    ),
    _TownshipSpec(
        "dadong", "大东镇", "112", 33.6560, 119.3230, BENCHMARK, 2, 24, population=58_000
    ),
)


def township_populations(county_code: str) -> dict[str, int]:
    """Approximate resident population of each township of a demo county, by site key (0 where
    the demo gives none)."""
    specs = {LIANSHUI_CODE: _LIANSHUI_TOWNSHIPS, LANLING_CODE: _LANLING_TOWNSHIPS}
    return {spec.key: spec.population for spec in specs.get(county_code, ())}


@cache
def lianshui() -> DemoCounty:
    """涟水县 (320826): 1 county centre, 7 sub-centres, 16 township centres, 372 stations."""
    return _build_county(
        code=LIANSHUI_CODE,
        name="涟水县",
        seed=320826,
        centre_address="涟水县安东北路88号",
        centre_lat=33.7736,
        centre_lng=119.2608,
        subs=_LIANSHUI_SUBS,
        townships=_LIANSHUI_TOWNSHIPS,
        village_standard_share=0.2,
    )


# --------------------------------------------------------------------------- 兰陵县

LANLING_CODE = "371324"
LANLING_SEAT = (34.86, 118.07)

_LANLING_SUBS = (
    (
        "sub.hr",
        "人社综合",
        "兰陵县人力资源和社会保障局",
        "兰陵县金山路36号",
        34.8552,
        118.0748,
        STANDARD,
        HOURS_OFFICE,
    ),
    (
        "sub.marriage",
        "婚姻登记",
        "兰陵县民政局",
        "兰陵县会宝路102号",
        34.8641,
        118.0633,
        STANDARD,
        HOURS_OFFICE,
    ),
)

_LANLING_TOWNSHIPS = (
    _TownshipSpec("bianzhuang", "卞庄街道", "001", 34.8570, 118.0690, BENCHMARK, 3, 2),
    _TownshipSpec("cangshan", "苍山街道", "002", 34.8780, 118.0420, STANDARD, 2, 2),
    _TownshipSpec("xiangcheng", "向城镇", "103", 34.9280, 118.1870, STANDARD, 1, 3),
    _TownshipSpec("changcheng", "长城镇", "108", 34.7420, 118.0260, STANDARD, 0, 4),
)


@cache
def lanling() -> DemoCounty:
    """兰陵县 (371324): 1 county centre, 2 sub-centres, 4 township centres, 17 stations."""
    return _build_county(
        code=LANLING_CODE,
        name="兰陵县",
        seed=371324,
        centre_address="兰陵县会宝路66号",
        centre_lat=34.8612,
        centre_lng=118.0705,
        subs=_LANLING_SUBS,
        townships=_LANLING_TOWNSHIPS,
        village_standard_share=0.25,
        community_stems=_LANLING_COMMUNITY_STEMS,
    )
