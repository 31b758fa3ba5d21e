"""The annex of 001, 《政务服务窗口工作人员考核细则(试行)》, as data: the rubric every county is
seeded with (version 1) and edits as new versions.

Each item has a signed default ``points`` (per occurrence: a deduction is negative, a bonus
positive); a 酌情 item has a range ``min_points``…``max_points`` instead, within which the
recorder gives the points; an item with several cases in its text (4.4 evaluator off −1, a
dissatisfied rating −2; 6.2 written praise +2, a silk banner +5) lists them as ``variants``, and
the recorder picks one by its points. ``grave`` marks what makes a month POOR whatever the score
(DOMAIN §7): 1.5, 1.6, and 5.5 when it "造成严重影响" (its −15 case).
"""

from __future__ import annotations

import copy
from typing import Any

# Category codes as in the annex ("6" = 加分项, uncapped: max None). The maxima are overwritten
# from the county's policy (``assessment.category_max``) when a county is seeded.
CATEGORIES: list[dict[str, Any]] = [
    {"code": "1", "key": "attendance", "name": "考勤纪律", "max": 30},
    {"code": "2", "key": "work_style", "name": "工作作风", "max": 20},
    {"code": "3", "key": "service_norms", "name": "服务规范", "max": 20},
    {"code": "4", "key": "approval_business", "name": "审批业务", "max": 15},
    {"code": "5", "key": "internal_affairs", "name": "内务安全", "max": 15},
    {"code": "6", "key": "bonus", "name": "加分项", "max": None},
]


def _item(code: str, description: str, points: int | None = None, **extra: Any) -> dict:
    item = {
        "code": code,
        "description": description,
        "points": points,
        "min_points": extra.get("min_points"),
        "max_points": extra.get("max_points"),
        "variants": extra.get("variants", []),
        "grave": extra.get("grave", False),
    }
    return item


def _v(points: int, label: str, grave: bool = False) -> dict:
    return {"points": points, "label": label, "grave": grave}


ITEMS: list[dict[str, Any]] = [
    # 一、考勤纪律(30分)
    _item("1.1", "迟到、早退、离岗、串岗的,每人次扣5分", -5),
    _item(
        "1.2",
        "无特殊原因未录入考勤视同旷工,每人次扣10分(外勤作业因特殊情况不能按时进行人脸识别考勤,"
        "窗口单位出具情况说明的不扣分)",
        -10,
    ),
    _item(
        "1.3",
        "未请假擅离岗位的,视为旷工,每人次扣10分(阶段性的外勤作业和学习培训,应函告政务服务中心"
        "履行请假手续,该时间段不扣分,未请假的视同旷工)",
        -10,
    ),
    _item("1.4", "因个人原因请事假的每天扣2分;请销假未备案的扣2分", -2),
    _item("1.5", "对服务对象“吃、拿、卡、要”等违反廉政工作纪律的,扣30分。", -30, grave=True),
    _item(
        "1.6",
        "被市级以上纪检部门或行风监督员明查暗访通报,或者媒体曝光的,每件次扣30分,"
        "超过2次年度考核不得评优。",
        -30,
        grave=True,
    ),
    # 二、工作作风(20分)
    _item(
        "2.1",
        "与服务对象争执,或内部不团结,发生矛盾纠纷,影响正常服务秩序的,每次扣10分;"
        "有群众或企业到办不成事窗口反映或投诉的,经查属实的,每次扣10分。",
        -10,
    ),
    _item(
        "2.2",
        "工作时间随意串岗、聊天、吃零食、打瞌睡、带小孩、玩游戏、玩手机、在电脑上从事其他与工作"
        "无关事宜的,每人次扣10分",
        -10,
    ),
    _item(
        "2.3",
        "无故不参加政务服务例会或活动,每人次扣10分;会议或学习期间,玩手机、聊天等从事与会议"
        "无关的情形,每人次扣10分",
        -10,
    ),
    _item(
        "2.4",
        "不服从安排,不积极参加政务服务大厅志愿者服务等活动的,每次酌情扣1-5分",
        min_points=-5,
        max_points=-1,
    ),
    # 三、服务规范(20分)
    _item("3.1", "未摆放桌牌、未佩戴工作证或未按要求着工装上岗的,每人次扣5分", -5),
    _item(
        "3.2",
        "接待服务对象或接听电话用语不规范,一经发现,每人次扣5分;造成不良影响的,每人次扣5分;"
        "被服务对象投诉,经核实确认有效的,每人次扣10分",
        -5,
        variants=[_v(-5, "用语不规范 / 造成不良影响"), _v(-10, "被投诉经核实有效")],
    ),
    _item(
        "3.3",
        "未严格落实首问负责、一次性告知、限时办结等管理制度,造成服务对象往返跑的,经核实,"
        "每件次扣10分;出现审批事项窗外办理、服务对象“两头跑”每出现一件扣10分",
        -10,
    ),
    _item("3.4", "正在办理的事项,无故中止办理的,每发生一起扣15分", -15),
    # 四、审批业务(15分)
    _item(
        "4.1",
        "政务服务事项未严格按省市要求进行及时梳理填报和发布,并进行动态调整的,"
        "个人未尽责的酌情扣2-5分",
        min_points=-5,
        max_points=-2,
    ),
    _item(
        "4.2",
        "能用而不使用在线一体化政务服务平台的,或数据录入不规范,出现差错的,个人未尽责的酌情扣2-5分",
        min_points=-5,
        max_points=-2,
    ),
    _item("4.3", "无故不使用叫号系统,造成窗口办事群众排队或扎堆现象的,每次扣本人1分", -1),
    _item(
        "4.4",
        "未按要求打开评价器的,每发现一次扣1分;“好差评”出现“不满意”的每人次扣2分",
        -2,
        variants=[_v(-1, "未按要求打开评价器"), _v(-2, "“好差评”出现“不满意”")],
    ),
    _item(
        "4.5",
        "前台综合受理、后台集成审批服务不到位的,个人未尽责的酌情扣2-5分",
        min_points=-5,
        max_points=-2,
    ),
    _item(
        "4.6",
        "窗口联办责任落实不到位办事推诿影响联办时效的酌情扣1-10分,造成不良影响的扣15分",
        min_points=-10,
        max_points=-1,
        variants=[_v(-15, "造成不良影响")],
    ),
    # 五、内务安全(15分)
    _item("5.1", "窗口物品摆放杂乱,垃圾乱扔,卫生不整洁,每日次扣5分", -5),
    _item("5.2", "遗失服务对象的证件资料、印章、发票等重要物品,每次扣15分", -15),
    _item(
        "5.3",
        "在窗口使用加湿器、电饭煲、电烤炉等与工作无关的电器设备,每人次扣10分;酿成安全事故的,扣15分",
        -10,
        variants=[_v(-10, "使用与工作无关的电器"), _v(-15, "酿成安全事故")],
    ),
    _item("5.4", "窗口下班时未按照节能减排要求关闭窗口设备的,每发现一次扣5分", -5),
    _item(
        "5.5",
        "违反大厅安全规定、保密义务等相关要求的,每件次扣5分;造成严重影响的,一次性扣15分,"
        "取消年度评优资格。",
        -5,
        grave=True,
        variants=[_v(-5, "违反安全规定、保密义务"), _v(-15, "造成严重影响", grave=True)],
    ),
    # 六、加分项
    _item(
        "6.1",
        "获得市级部门表彰的加10分;获得市委、市政府或省级部门表彰的15分;"
        "获得省委、省政府及以上表彰的加20分",
        10,
        variants=[
            _v(10, "市级部门表彰"),
            _v(15, "市委、市政府或省级部门表彰"),
            _v(20, "省委、省政府及以上表彰"),
        ],
    ),
    _item(
        "6.2",
        "受到服务对象书面表扬或锦旗表扬的,书面表扬每次加2分,锦旗表扬每次加5分。",
        2,
        variants=[_v(2, "书面表扬"), _v(5, "锦旗表扬")],
    ),
    _item("6.3", "在政务办组织的各项竞赛活动中获奖每人次加10分", 10),
    _item("6.4", "开展“节假日我在岗”活动,推行延时服务实现“两午清零”的每人次加5分", 5),
    _item("6.5", "有其他乐善好施、见义勇为、抢险救灾等应予表扬嘉奖事项每次加5分", 5),
]


def default_rubric(category_max: dict[str, int] | None = None) -> dict[str, Any]:
    """The annex as one document: ``{"categories": [... {"items": [...]}]}``, with the
    county's category maxima (``policy["assessment"]["category_max"]``) where given."""
    categories = []
    for category in CATEGORIES:
        entry = copy.deepcopy(category)
        if category_max and category["key"] in category_max and entry["max"] is not None:
            entry["max"] = int(category_max[category["key"]])
        entry["items"] = [
            copy.deepcopy(i) for i in ITEMS if i["code"].split(".")[0] == category["code"]
        ]
        categories.append(entry)
    return {"categories": categories}
