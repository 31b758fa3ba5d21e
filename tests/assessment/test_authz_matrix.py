"""Authorization matrix of the assessment and pay: every role × every mutation × where it is
aimed (``tests/support/matrix.py``), through the services in a transaction rolled back after
each cell. Events are recorded by who manages the person's site (a township head for its
township and villages, a department administrator for its sub-centre, the county office
everywhere); the month, the year and the payroll are the county office's alone.

``importAttendance`` is refused (FORBIDDEN) to a role that records events nowhere; for the others
each row is checked like a recorded event: a person they do not manage is a refused row
(NOT_MANAGED), another county's person does not exist for them (UNKNOWN_STAFF), and the whole
file is refused."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from openpyxl import Workbook

from api.settings import Settings
from api.storage import XLSX, Storage, new_key, storage_for
from assessment import annual, monthly, recording, rubric
from assessment.attendance import import_attendance
from assessment.months import require_county
from assessment.rubric_data import default_rubric
from pay import payroll
from pay.access import require_county as require_pay
from tests.assessment.world import pinned
from tests.support.factories import TEST_SECRET
from tests.support.matrix import (
    ALLOWED,
    FORBIDDEN,
    NOT_FOUND,
    OTHER_COUNTY,
    ROLES,
    Cell,
    Expect,
    cells,
    check_in_transaction,
    refused_with,
    relations,
)
from tests.support.workforce import CIPHER

RECORD = "recordAssessmentEvent"
IMPORT = "importAttendance"
COUNTY_ACTIONS = (
    "closeAssessmentMonth",
    "adjustMonthlyGrade",
    "publishAssessmentMonth",
    "closeAssessmentYear",
    "runPayroll",
    "approvePayroll",
    "exportPayroll",
    "updateAssessmentRubric",
    "setBaseWage",
)
MONTH = date(2025, 6, 1)
MANAGES = {
    "county_admin": {"own", "child", "grandchild"},
    "township_head": {"own", "child"},
    "department_admin": {"own"},
}


def _targets(role: str, action: str) -> list[str]:
    if action == IMPORT:
        return list(relations(role))  # its own site and around it, and another county
    if action == RECORD:
        return [*relations(role), OTHER_COUNTY]
    return ["county"]


def _expect(role: str, action: str, target: str) -> Expect:
    if action == IMPORT:
        if role not in MANAGES:
            return FORBIDDEN
        if target == OTHER_COUNTY:
            return refused_with("UNKNOWN_STAFF")
        return ALLOWED if target in MANAGES[role] else refused_with("NOT_MANAGED")
    if target == OTHER_COUNTY:
        return NOT_FOUND
    if action == RECORD:
        return ALLOWED if target in MANAGES.get(role, ()) else FORBIDDEN
    return ALLOWED if role == "county_admin" else FORBIDDEN


def _action(cell: Cell, world, actor, files: Storage):
    county = world.county(cell)

    async def record(session):
        site = relations(cell.role)[cell.target] if not cell.elsewhere else "town_a"
        person = world.person(county, site)
        with pinned():
            return await recording.record_event(
                session,
                actor,
                recording.NewEvent(staff_id=person.id, item_code="1.1", occurred_on=MONTH),
            )

    async def import_file(session):
        site = relations(cell.role)[cell.target] if not cell.elsewhere else "town_a"
        person = world.person(county, site)
        book = Workbook()
        book.active.append(("公民身份号码", "姓名", "日期", "类别", "次数"))
        number = CIPHER.decrypt(person.id_number_cipher)
        book.active.append((number, person.name, MONTH.isoformat(), "迟到", 1))
        data = io.BytesIO()
        book.save(data)
        key = new_key(world.home.tenant_id, "roster", XLSX)
        await files.put(key, data.getvalue(), XLSX)
        with pinned():
            return await import_attendance(session, actor, CIPHER, files, key)

    async def county_action(session):
        label = actor.label
        if cell.action == "closeAssessmentMonth":
            await require_county(session, actor, "close")
            return await monthly.close_month(session, label, MONTH)
        if cell.action == "adjustMonthlyGrade":
            await require_county(session, actor, "adjust")
            await monthly.close_month(session, label, MONTH)
            person = world.person(county, "town_a")
            return await monthly.adjust_grade(
                session, label, MONTH, person.id, monthly.MonthlyGrade.FAIR, "复核"
            )
        if cell.action == "publishAssessmentMonth":
            await require_county(session, actor, "publish")
            await monthly.close_month(session, label, MONTH)
            return await monthly.publish_month(session, label, MONTH)
        if cell.action == "closeAssessmentYear":
            await require_county(session, actor, "close")
            await monthly.close_month(session, label, MONTH)
            await monthly.publish_month(session, label, MONTH)
            return await annual.close_year(session, label, MONTH.year)
        if cell.action == "runPayroll":
            await require_pay(session, actor, "run")
            return await payroll.run_payroll(session, label, MONTH)
        if cell.action == "approvePayroll":
            await require_pay(session, actor, "approve")
            await payroll.run_payroll(session, label, MONTH)
            return await payroll.approve_payroll(session, label, MONTH)
        if cell.action == "exportPayroll":
            await require_pay(session, actor, "export")
            return await payroll.run_payroll(session, label, MONTH)
        if cell.action == "setBaseWage":
            await require_pay(session, actor, "wage")
            person = world.person(county, "town_a")
            return await payroll.set_base_wage(session, label, person.id, Decimal("3800.00"))
        await require_county(session, actor, "rubric")
        document = default_rubric()
        return await rubric.new_version(session, label, document, date(2027, 1, 1), "修订")

    if cell.action == IMPORT:
        return import_file
    return record if cell.action == RECORD else county_action


@pytest.fixture(scope="module")
def files(tmp_root: Path) -> Storage:
    return storage_for(Settings(secret_key=TEST_SECRET, data_dir=tmp_root / "matrix-attendance"))


@pytest.mark.parametrize("cell", cells(ROLES, [RECORD, IMPORT, *COUNTY_ACTIONS], _targets, _expect))
async def test_matrix(db, matrix_world, files, cell: Cell):
    await check_in_transaction(db, matrix_world, cell, partial(_action, files=files))
