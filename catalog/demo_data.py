"""Demo matter catalog as pure data: departments, ~1,100 matters, overrides, delegations, bundles.

The common matters carry their real names (婚姻登记, 城乡居民养老保险参保登记, 就业失业登记,
个体工商户设立登记 …); the rest are generated plausibly per department from the usual shapes of
the national element list (…许可, …变更登记, …注销, …备案, …补领). Codes are illustrative but
distinct: ``<department prefix><4-digit number>``. Everything is deterministic.

Longer than a module should be because it is data (the tables of departments, names and shapes),
not logic: split, it would only scatter one table over several files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

COUNTY = "COUNTY_CENTER"
TOWNSHIP = "TOWNSHIP_CENTER"
VILLAGE = "VILLAGE_STATION"


@dataclass(frozen=True)
class DemoDepartment:
    key: str
    name: str  # without the county prefix
    prefix: str  # code prefix
    site_key: str | None  # sub-centre key; None: the county centre
    quota: int  # how many matters in the big county
    basis: str
    nouns: tuple[str, ...] = ()
    real: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (name, type, levels)


# (name, type, levels) of real matters; the levels say where they are exercised.
_C = (COUNTY,)
_CT = (COUNTY, TOWNSHIP)
_CTV = (COUNTY, TOWNSHIP, VILLAGE)

DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(
        "hr",
        "人力资源和社会保障局",
        "RS",
        "sub.hr",
        140,
        "《中华人民共和国社会保险法》",
        (
            "职业技能等级",
            "社会保障卡",
            "劳动合同",
            "失业保险金",
            "工伤保险",
            "企业职工养老保险",
            "人力资源服务",
            "技工学校",
            "专业技术人员",
            "劳务派遣",
        ),
        (
            ("就业失业登记", "PUBLIC_SERVICE", _CTV),
            ("城乡居民养老保险参保登记", "PUBLIC_SERVICE", _CTV),
            ("城乡居民养老保险待遇申领", "PAYMENT", _CT),
            ("企业职工基本养老保险参保登记", "PUBLIC_SERVICE", _CT),
            ("失业保险金申领", "PAYMENT", _CT),
            ("社会保障卡申领", "PUBLIC_SERVICE", _CTV),
            ("社会保障卡挂失与补换", "PUBLIC_SERVICE", _CTV),
            ("职工退休申请", "CONFIRMATION", _C),
            ("工伤认定申请", "CONFIRMATION", _C),
            ("劳动能力鉴定申请", "CONFIRMATION", _C),
            ("劳务派遣经营许可", "LICENSING", _C),
            ("创业担保贷款申请", "PAYMENT", _CT),
            ("灵活就业人员参保登记", "PUBLIC_SERVICE", _CTV),
            ("养老保险关系转移接续", "PUBLIC_SERVICE", _CT),
            ("领取养老金人员待遇资格认证", "CONFIRMATION", _CTV),
            ("企业招用员工就业登记", "PUBLIC_SERVICE", _CT),
            ("劳动合同解除终止备案", "FILING", _CT),
            ("丧葬补助金、抚恤金申领", "PAYMENT", _CT),
        ),
    ),
    DemoDepartment(
        "civil",
        "民政局",
        "MZ",
        "sub.marriage",
        70,
        "《中华人民共和国民法典》",
        ("社会团体", "民办非企业单位", "养老机构", "殡葬服务", "慈善组织", "地名", "困难群众救助"),
        (
            ("婚姻登记", "CONFIRMATION", _C),
            ("补领婚姻登记证", "CONFIRMATION", _C),
            ("撤销婚姻登记", "CONFIRMATION", _C),
            ("最低生活保障审核确认", "PAYMENT", _CT),
            ("特困人员认定", "PAYMENT", _CT),
            ("临时救助", "PAYMENT", _CTV),
            ("困难残疾人生活补贴和重度残疾人护理补贴", "PAYMENT", _CTV),
            ("高龄津贴申领", "PAYMENT", _CTV),
            ("收养登记", "CONFIRMATION", _C),
            ("社会团体成立登记", "LICENSING", _C),
        ),
    ),
    DemoDepartment(
        "police",
        "公安局",
        "GA",
        "sub.vehicle",
        120,
        "《中华人民共和国道路交通安全法》",
        ("机动车", "驾驶证", "非机动车", "户籍", "居住证", "出入境证件", "剧毒化学品", "典当业"),
        (
            ("机动车注册登记", "LICENSING", _C),
            ("机动车转移登记", "LICENSING", _C),
            ("机动车检验合格标志核发", "LICENSING", _C),
            ("驾驶证换证", "LICENSING", _C),
            ("驾驶证补证", "LICENSING", _C),
            ("居民身份证申领", "CONFIRMATION", _CT),
            ("户口迁移登记", "CONFIRMATION", _CT),
            ("出生登记", "CONFIRMATION", _CT),
            ("死亡户口注销", "CONFIRMATION", _CTV),
            ("居住证申领", "CONFIRMATION", _CT),
            ("无犯罪记录证明开具", "CONFIRMATION", _CT),
        ),
    ),
    DemoDepartment(
        "justice",
        "司法局",
        "SF",
        "sub.legal",
        40,
        "《法律援助法》",
        ("公证", "人民调解", "基层法律服务", "律师执业"),
        (
            ("法律援助申请", "PUBLIC_SERVICE", _CTV),
            ("人民调解申请", "PUBLIC_SERVICE", _CTV),
            ("公证申请", "PUBLIC_SERVICE", _C),
        ),
    ),
    DemoDepartment(
        "veterans",
        "退役军人事务局",
        "TY",
        "sub.veterans",
        40,
        "《退役军人保障法》",
        ("优抚对象", "退役士兵", "烈士褒扬", "军休干部"),
        (
            ("退役士兵安置", "PAYMENT", _C),
            ("烈士褒扬金发放", "PAYMENT", _C),
            ("伤残抚恤关系接收、转移办理", "PAYMENT", _CT),
            ("退役军人优待证申领", "CONFIRMATION", _CTV),
        ),
    ),
    DemoDepartment(
        "religion",
        "民族宗教事务局",
        "MQ",
        "sub.religion",
        20,
        "《宗教事务条例》",
        ("宗教活动场所", "宗教教职人员", "少数民族"),
        (("宗教活动场所筹备设立审批", "LICENSING", _C),),
    ),
    DemoDepartment(
        "agri",
        "农业农村局",
        "NY",
        "sub.agrimachinery",
        90,
        "《中华人民共和国农业机械化促进法》",
        ("拖拉机", "联合收割机", "农作物种子", "兽药", "饲料", "渔业船舶", "农药", "动物防疫"),
        (
            ("拖拉机和联合收割机登记", "LICENSING", _C),
            ("拖拉机和联合收割机驾驶证核发", "LICENSING", _C),
            ("农业机械购置补贴申请", "PAYMENT", _CT),
            ("耕地地力保护补贴发放", "PAYMENT", _CTV),
            ("农村宅基地申请审批", "LICENSING", _CT),
            ("动物防疫条件合格证核发", "LICENSING", _C),
        ),
    ),
    DemoDepartment(
        "market",
        "市场监督管理局",
        "SJ",
        None,
        130,
        "《中华人民共和国市场主体登记管理条例》",
        (
            "食品经营",
            "食品生产",
            "特种设备",
            "计量器具",
            "药品零售",
            "医疗器械经营",
            "广告",
            "农民专业合作社",
            "有限责任公司",
            "个人独资企业",
        ),
        (
            ("个体工商户设立登记", "LICENSING", _CT),
            ("个体工商户变更登记", "LICENSING", _CT),
            ("个体工商户注销登记", "LICENSING", _CT),
            ("企业设立登记", "LICENSING", _C),
            ("企业变更登记", "LICENSING", _C),
            ("企业注销登记", "LICENSING", _C),
            ("食品经营许可", "LICENSING", _C),
            ("小餐饮登记", "LICENSING", _CT),
            ("特种设备使用登记", "LICENSING", _C),
        ),
    ),
    DemoDepartment(
        "medical",
        "医疗保障局",
        "YB",
        None,
        60,
        "《医疗保障基金使用监督管理条例》",
        ("门诊慢特病", "异地就医", "医疗救助", "生育保险", "定点医药机构"),
        (
            ("城乡居民基本医疗保险参保登记", "PUBLIC_SERVICE", _CTV),
            ("职工基本医疗保险参保登记", "PUBLIC_SERVICE", _CT),
            ("异地就医备案", "FILING", _CTV),
            ("门诊慢特病待遇认定", "CONFIRMATION", _CT),
            ("生育津贴申领", "PAYMENT", _CT),
            ("医疗费用手工(零星)报销", "PAYMENT", _CT),
        ),
    ),
    DemoDepartment(
        "land",
        "自然资源和规划局",
        "ZR",
        None,
        80,
        "《不动产登记暂行条例》",
        ("不动产", "建设用地", "采矿权", "测绘资质", "乡村建设规划"),
        (
            ("不动产首次登记", "CONFIRMATION", _C),
            ("不动产转移登记", "CONFIRMATION", _C),
            ("不动产抵押登记", "CONFIRMATION", _C),
            ("不动产登记资料查询", "PUBLIC_SERVICE", _CT),
            ("乡村建设规划许可证核发", "LICENSING", _CT),
        ),
    ),
    DemoDepartment(
        "tax",
        "税务局",
        "SW",
        None,
        60,
        "《中华人民共和国税收征收管理法》",
        ("发票", "纳税申报", "税务登记", "完税证明", "增值税", "个人所得税"),
        (
            ("发票领用", "OTHER_POWER", _C),
            ("个人所得税纳税记录开具", "PUBLIC_SERVICE", _CT),
            ("城乡居民养老保险费缴纳", "PUBLIC_SERVICE", _CTV),
        ),
    ),
    DemoDepartment(
        "housing",
        "住房和城乡建设局",
        "ZJ",
        None,
        70,
        "《建筑法》",
        ("建筑工程施工", "商品房预售", "物业服务", "建筑业企业资质", "城市道路占用", "燃气经营"),
        (
            ("建筑工程施工许可证核发", "LICENSING", _C),
            ("商品房预售许可", "LICENSING", _C),
            ("公共租赁住房申请", "PAYMENT", _CT),
        ),
    ),
    DemoDepartment(
        "transport",
        "交通运输局",
        "JT",
        None,
        50,
        "《中华人民共和国道路运输条例》",
        ("道路运输经营", "出租汽车", "道路运输从业资格", "公路超限运输", "船舶"),
        (
            ("道路货物运输经营许可", "LICENSING", _C),
            ("网络预约出租汽车驾驶员证核发", "LICENSING", _C),
        ),
    ),
    DemoDepartment(
        "health",
        "卫生健康委员会",
        "WJ",
        None,
        60,
        "《中华人民共和国基本医疗卫生与健康促进法》",
        ("医疗机构", "医师执业", "护士执业", "公共场所卫生", "母婴保健", "计划生育"),
        (
            ("出生医学证明办理", "CONFIRMATION", _C),
            ("公共场所卫生许可", "LICENSING", _C),
            ("计划生育家庭特别扶助金申领", "PAYMENT", _CTV),
            ("生育登记", "PUBLIC_SERVICE", _CTV),
        ),
    ),
    DemoDepartment(
        "education",
        "教育局",
        "JY",
        None,
        40,
        "《中华人民共和国教育法》",
        ("民办学校", "教师资格", "学生资助", "校外培训机构"),
        (("教师资格认定", "CONFIRMATION", _C), ("学生资助申请", "PAYMENT", _CT)),
    ),
    DemoDepartment(
        "disabled",
        "残疾人联合会",
        "CL",
        None,
        20,
        "《中华人民共和国残疾人保障法》",
        ("残疾人证", "残疾人辅助器具", "残疾人就业"),
        (("残疾人证办理", "PUBLIC_SERVICE", _CTV), ("残疾人辅助器具适配", "PUBLIC_SERVICE", _CT)),
    ),
    DemoDepartment(
        "fund",
        "住房公积金管理中心",
        "GJ",
        None,
        30,
        "《住房公积金管理条例》",
        ("住房公积金", "公积金贷款"),
        (
            ("住房公积金缴存登记", "PUBLIC_SERVICE", _C),
            ("住房公积金提取", "PAYMENT", _C),
            ("住房公积金个人住房贷款", "PUBLIC_SERVICE", _C),
        ),
    ),
    DemoDepartment(
        "env",
        "生态环境局",
        "HB",
        None,
        30,
        "《中华人民共和国环境影响评价法》",
        ("建设项目环境影响", "排污许可", "危险废物"),
        (("建设项目环境影响报告表审批", "LICENSING", _C),),
    ),
    DemoDepartment(
        "water",
        "水务局",
        "SL",
        None,
        20,
        "《中华人民共和国水法》",
        ("取水许可", "河道管理", "水土保持"),
        (("取水许可", "LICENSING", _C),),
    ),
)

# The 11 packages of seed 004 and a few usual ones: (code, name, member matter names).
BUNDLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "YJS-001",
        "企业招用员工一件事",
        (
            "企业招用员工就业登记",
            "企业职工基本养老保险参保登记",
            "职工基本医疗保险参保登记",
            "住房公积金缴存登记",
        ),
    ),
    (
        "YJS-002",
        "职工退休一件事",
        ("职工退休申请", "养老保险关系转移接续", "领取养老金人员待遇资格认证"),
    ),
    (
        "YJS-003",
        "新生儿出生一件事",
        ("出生医学证明办理", "出生登记", "城乡居民基本医疗保险参保登记", "社会保障卡申领"),
    ),
    ("YJS-004", "开办小餐饮一件事", ("个体工商户设立登记", "小餐饮登记")),
    ("YJS-005", "二手房转移登记及水电气联动过户", ("不动产转移登记", "不动产登记资料查询")),
    ("YJS-006", "身后一件事", ("死亡户口注销", "丧葬补助金、抚恤金申领")),
)

_SHAPES = (
    ("{n}许可", "LICENSING"),
    ("{n}变更登记", "LICENSING"),
    ("{n}注销登记", "LICENSING"),
    ("{n}延续", "LICENSING"),
    ("{n}备案", "FILING"),
    ("{n}信息查询", "PUBLIC_SERVICE"),
    ("{n}证明开具", "CONFIRMATION"),
    ("{n}补领", "CONFIRMATION"),
    ("{n}年度报告", "OTHER_POWER"),
    ("{n}补贴申领", "PAYMENT"),
    ("{n}表彰奖励", "REWARD"),
    ("{n}争议裁决", "ADJUDICATION"),
    ("{n}资格确认", "CONFIRMATION"),
    ("{n}咨询服务", "PUBLIC_SERVICE"),
)
_MATERIALS = (
    ("居民身份证", "ORIGINAL", "PAPER", 1),
    ("户口簿", "ORIGINAL", "PAPER", 1),
    ("申请表", "ORIGINAL", "BOTH", 1),
    ("营业执照", "COPY", "PAPER", 1),
    ("近期免冠照片", "ORIGINAL", "PAPER", 2),
    ("授权委托书", "ORIGINAL", "PAPER", 1),
    ("相关证明材料", "COPY", "PAPER", 1),
    ("法定代表人身份证明", "COPY", "PAPER", 1),
    ("场所使用证明", "COPY", "BOTH", 1),
    ("承诺书", "ORIGINAL", "ELECTRONIC", 1),
)
KEYWORDS = {
    "婚姻登记": ["结婚", "离婚", "结婚证"],
    "居民身份证申领": ["办身份证"],
    "社会保障卡申领": ["社保卡"],
    "城乡居民养老保险参保登记": ["农村养老保险", "新农保"],
    "个体工商户设立登记": ["开店", "营业执照"],
}


@dataclass
class DemoMatter:
    code: str
    name: str
    type: str
    department: str  # DemoDepartment.key
    levels: tuple[str, ...]
    legal: int
    promised: int
    immediate: bool
    materials: list[dict[str, Any]] = field(default_factory=list)
    fee: str | None = None
    online: bool = False
    window: bool = True
    keywords: list[str] = field(default_factory=list)


def _materials(rng: random.Random, name: str) -> list[dict[str, Any]]:
    picked = [_MATERIALS[0], _MATERIALS[2], *rng.sample(_MATERIALS[3:], rng.randint(0, 3))]
    if "婚姻" in name:
        picked = [_MATERIALS[0], _MATERIALS[1], ("近期半身免冠合影照片", "ORIGINAL", "PAPER", 3)]
    return [
        {
            "name": m[0],
            "kind": m[1],
            "form": m[2],
            "copies": m[3],
            "required": i < 2 or rng.random() < 0.7,
            "source": "申请人自备" if i < 3 else "政府部门核发",
        }
        for i, m in enumerate(picked)
    ]


def matters(scale: float = 1.0, seed: int = 4) -> list[DemoMatter]:
    """The demo catalog: ~1,100 matters at ``scale`` 1 (兰陵县 uses a small scale)."""
    rng = random.Random(seed)
    out: list[DemoMatter] = []
    for dept in DEPARTMENTS:
        quota = (
            max(len(dept.real), round(dept.quota * scale))
            if scale >= 1
            else max(2, round(dept.quota * scale))
        )
        names: list[tuple[str, str, tuple[str, ...]]] = list(dept.real[:quota])
        seen = {n for n, _, _ in names}
        shapes = [(noun, shape) for noun in dept.nouns for shape in _SHAPES]
        rng.shuffle(shapes)
        for noun, (pattern, mtype) in shapes:
            if len(names) >= quota:
                break
            name = pattern.format(n=noun)
            if name in seen:
                continue
            seen.add(name)
            roll = rng.random()
            levels = _C if roll < 0.72 else (_CT if roll < 0.93 else _CTV)
            names.append((name, mtype, levels))
        for i, (name, mtype, levels) in enumerate(names, start=1):
            immediate = mtype in ("PUBLIC_SERVICE", "FILING") and rng.random() < 0.6
            legal = 0 if immediate else rng.choice((5, 10, 15, 20, 30, 60))
            promised = 0 if immediate else max(1, legal // rng.choice((2, 3, 4)))
            out.append(
                DemoMatter(
                    code=f"{dept.prefix}{i:04d}",
                    name=name,
                    type=mtype,
                    department=dept.key,
                    levels=levels,
                    legal=legal,
                    promised=promised,
                    immediate=immediate,
                    materials=_materials(rng, name),
                    fee="10.00" if mtype == "LICENSING" and rng.random() < 0.05 else None,
                    online=rng.random() < 0.55,
                    # 一窗通办: a few stay at a dedicated window (vehicles, real estate).
                    window=not (dept.key in ("police", "land") and rng.random() < 0.25),
                    keywords=KEYWORDS.get(name, []),
                )
            )
    return out
