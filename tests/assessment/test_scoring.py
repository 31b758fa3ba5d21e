"""The month's and the year's arithmetic on plain data, checked by hand against DOMAIN §4, §7
and the annex of 001."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from assessment.annual import YearRecord, decide
from assessment.models import AnnualGrade, MonthlyGrade
from assessment.policy import DEFAULTS
from assessment.recording import event_points
from assessment.rubric import SEED_FROM, Rubric
from assessment.rubric_data import default_rubric
from assessment.scoring import Candidate, EventPoints, propose_grades, quota, reward, score_person
from tenants.errors import Collector

RUBRIC = Rubric(1, SEED_FROM, default_rubric(DEFAULTS["category_max"]))
ITEMS = RUBRIC.items()
MAXIMA = RUBRIC.maxima()
GOOD, FAIR, POOR = MonthlyGrade.GOOD, MonthlyGrade.FAIR, MonthlyGrade.POOR


def ev(code: str, count: int = 1, points: int | None = None) -> EventPoints:
    item = ITEMS[code]
    scored = event_points(item, count, points, Collector())
    assert scored is not None
    return EventPoints(item.category, code, scored[0], scored[1])


def test_the_annex_is_whole():
    assert MAXIMA == {"1": 30, "2": 20, "3": 20, "4": 15, "5": 15, "6": None}
    per_category = {c["code"]: [i["code"] for i in c["items"]] for c in RUBRIC.categories}
    assert per_category == {
        "1": ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"],
        "2": ["2.1", "2.2", "2.3", "2.4"],
        "3": ["3.1", "3.2", "3.3", "3.4"],
        "4": ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"],
        "5": ["5.1", "5.2", "5.3", "5.4", "5.5"],
        "6": ["6.1", "6.2", "6.3", "6.4", "6.5"],
    }
    assert {c for c, i in ITEMS.items() if i.grave} == {"1.5", "1.6", "5.5"}
    # the annex's numbers (DOMAIN §4): 1.1 −5, 1.2 −10, 1.4 −2 a day, 4.4 −2, 6.2 +2 / +5
    assert [ITEMS[c].points for c in ("1.1", "1.2", "1.4", "4.4")] == [-5, -10, -2, -2]
    assert [v["points"] for v in ITEMS["6.2"].variants] == [2, 5]
    assert (ITEMS["2.4"].min_points, ITEMS["2.4"].max_points) == (-5, -1)
    assert (ITEMS["4.6"].min_points, ITEMS["4.6"].max_points) == (-10, -1)
    assert (ITEMS["4.1"].min_points, ITEMS["4.1"].max_points) == (-5, -2)


def test_the_91_point_month():
    """Two late arrivals (1.1), a day of personal leave (1.4), a dissatisfied rating (4.4) and
    a silk banner (6.2): 30−10−2 + 20 + 20 + 15−2 + 15 + 5 = 91."""
    events = [ev("1.1", 2), ev("1.4"), ev("4.4"), ev("6.2", points=5)]
    s = score_person(events, MAXIMA)
    assert s.categories == {"1": 18, "2": 20, "3": 20, "4": 13, "5": 15, "6": 5}
    assert (s.total, s.bonus, s.deductions, s.grave) == (91, 5, 14, False)


def test_categories_stop_at_zero_and_the_bonus_has_no_cap():
    events = [ev("1.2", 5), ev("6.1", points=20), ev("6.3"), ev("6.5", 3)]
    s = score_person(events, MAXIMA)
    assert s.categories["1"] == 0  # −50 against 30: the category stops at zero
    assert s.bonus == 20 + 10 + 15
    assert s.total == 0 + 20 + 20 + 15 + 15 + 45 == 115


def test_points_within_a_range_or_a_variant():
    errors = Collector()
    assert event_points(ITEMS["2.4"], 1, 3, errors) == (-3, False)
    assert event_points(ITEMS["2.4"], 1, -3, errors) == (-3, False)
    assert event_points(ITEMS["4.6"], 1, 15, errors) == (-15, False)  # 造成不良影响
    assert event_points(ITEMS["5.5"], 1, None, errors) == (-5, False)
    assert event_points(ITEMS["5.5"], 1, 15, errors) == (-15, True)  # 造成严重影响: grave
    assert event_points(ITEMS["1.5"], 1, None, errors) == (-30, True)
    assert event_points(ITEMS["6.2"], 2, 2, errors) == (4, False)
    assert errors.errors == []
    assert event_points(ITEMS["2.4"], 1, None, errors) is None  # 酌情: points required
    assert event_points(ITEMS["2.4"], 1, 6, errors) is None
    assert event_points(ITEMS["6.2"], 1, 3, errors) is None
    assert [e.code for e in errors.errors] == [
        "POINTS_REQUIRED",
        "POINTS_OUT_OF_RANGE",
        "POINTS_OUT_OF_RANGE",
    ]


def _c(total: int, deductions: int = 0, hired: date = date(2020, 1, 1), grave: bool = False):
    return Candidate(uuid.uuid4(), total, deductions, hired, grave)


def test_grave_item_is_poor_whatever_the_rest():
    s = score_person([ev("1.5"), ev("6.1", points=20)], MAXIMA)
    assert s.total == 0 + 20 + 20 + 15 + 15 + 20 == 90 and s.grave
    person = Candidate(uuid.uuid4(), s.total, s.deductions, date(2020, 1, 1), s.grave)
    assert propose_grades([person], 10, 70, 90)[person.staff_id] is POOR


def test_below_70_is_poor_and_70_is_fair():
    low, edge = _c(69), _c(70)
    grades = propose_grades([low, edge], 3, 70, 90)
    assert (grades[low.staff_id], grades[edge.staff_id]) == (POOR, FAIR)


def test_the_30_percent_quota_of_ten_is_three_good():
    assert quota(Decimal("0.30"), 10) == 3
    assert quota(Decimal("0.30"), 9) == 2  # round down
    people = [_c(100 - i) for i in range(10)]  # 100 … 91: all ≥ 90
    grades = propose_grades(people, quota(Decimal("0.30"), 10), 70, 90)
    assert [grades[p.staff_id] for p in people] == [GOOD] * 3 + [FAIR] * 7


def test_good_needs_90_and_ties_at_the_cut_off():
    a = _c(95, deductions=5, hired=date(2021, 1, 1))
    b = _c(95, deductions=2, hired=date(2022, 1, 1))  # fewer deductions wins
    c = _c(95, deductions=2, hired=date(2020, 1, 1))  # same deductions: earlier hire wins
    d = _c(89)
    grades = propose_grades([a, b, c, d], 2, 70, 90)
    assert grades[c.staff_id] is GOOD and grades[b.staff_id] is GOOD
    assert grades[a.staff_id] is FAIR and grades[d.staff_id] is FAIR


def test_suspended_month_has_no_grade():
    person = Candidate(uuid.uuid4(), 100, 0, date(2020, 1, 1), False, suspended=True)
    assert propose_grades([person], 3, 70, 90)[person.staff_id] is None
    assert reward(None, 100, Decimal(300), 100) == Decimal("0.00")


def test_reward_is_300_in_proportion_to_the_score():
    assert reward(GOOD, 91, Decimal("300.00"), 100) == Decimal("273.00")
    assert reward(FAIR, 115, Decimal("300.00"), 100) == Decimal("300.00")  # at most 100 points
    assert reward(FAIR, 77, Decimal("333.33"), 100) == Decimal("256.66")  # 256.6641 → fen
    assert reward(POOR, 80, Decimal("300.00"), 100) == Decimal("0.00")


def _year(months: dict[int, MonthlyGrade | None], **kw) -> YearRecord:
    return YearRecord(uuid.uuid4(), months, **kw)


def test_annual_rules_in_order():
    all_fair = {m: FAIR for m in range(1, 13)}
    excellent = _year({**all_fair, 1: GOOD, 4: GOOD, 7: GOOD, 10: GOOD}, total=1100)
    two_poor_in_a_row = _year({**all_fair, 5: POOR, 6: POOR, 1: GOOD, 2: GOOD, 3: GOOD, 4: GOOD})
    three_poor = _year({**all_fair, 1: POOR, 5: POOR, 9: POOR})
    passed = _year({**all_fair, 2: GOOD, 8: GOOD})
    basic_two_poor = _year({**all_fair, 2: POOR, 8: POOR})
    basic_one_good = _year({**all_fair, 3: GOOD})
    part_year = _year({**all_fair, 1: GOOD, 2: GOOD, 3: GOOD, 4: GOOD}, full_year=False)
    grave = _year({**all_fair, 1: GOOD, 2: GOOD, 3: GOOD, 4: GOOD}, grave_items=["5.5"])
    records = [
        excellent,
        two_poor_in_a_row,
        three_poor,
        passed,
        basic_two_poor,
        basic_one_good,
        part_year,
        grave,
    ]
    d = decide(records, excellent_quota=2)
    assert d[excellent.staff_id].grade is AnnualGrade.EXCELLENT
    assert d[two_poor_in_a_row.staff_id].grade is AnnualGrade.FAIL
    assert "连续两个月" in d[two_poor_in_a_row.staff_id].reasons[0]
    assert d[three_poor.staff_id].grade is AnnualGrade.FAIL
    assert d[passed.staff_id].grade is AnnualGrade.PASS
    assert d[basic_two_poor.staff_id].grade is AnnualGrade.BASIC
    assert d[basic_one_good.staff_id].grade is AnnualGrade.BASIC
    assert d[part_year.staff_id].grade is AnnualGrade.PASS
    assert any("未满一年" in r for r in d[part_year.staff_id].reasons)
    assert d[grave.staff_id].grade is AnnualGrade.PASS


def test_excellent_quota_ranks_by_the_years_total():
    good4 = {m: (GOOD if m <= 4 else FAIR) for m in range(1, 13)}
    people = [_year(dict(good4), total=1000 + i) for i in range(10)]
    assert quota(Decimal("0.30"), 10) == 3
    d = decide(people, quota(Decimal("0.30"), 10))
    grades = [d[p.staff_id].grade for p in people]
    assert grades.count(AnnualGrade.EXCELLENT) == 3
    assert all(d[p.staff_id].grade is AnnualGrade.EXCELLENT for p in people[-3:])
    assert all(d[p.staff_id].grade is AnnualGrade.PASS for p in people[:-3])


def test_inspection_twice_bars_excellent_and_suspended_months_are_left_out():
    good = {m: GOOD for m in range(1, 13)}
    twice = _year(dict(good), inspections=2)
    suspended = _year({**good, 6: None, 7: None})
    poor_around_suspended = _year({**good, 5: POOR, 6: None, 7: POOR})
    d = decide([twice, suspended, poor_around_suspended], 3)
    assert d[twice.staff_id].grade is AnnualGrade.PASS
    assert d[suspended.staff_id].grade is AnnualGrade.EXCELLENT
    # POOR in May and July with June suspended: not consecutive months, two POOR in all
    assert d[poor_around_suspended.staff_id].grade is AnnualGrade.BASIC
