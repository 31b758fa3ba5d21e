"""The demo's assessment and pay: the last full year closed and published month by month within
the GOOD quota, the annual grades (some FAIL), twelve approved payrolls — what a newcomer sees."""

from __future__ import annotations

from assessment.demo import demo_year
from tests.support.graphql import login, operation, run_operation

DOCUMENT = operation("assessment")


async def test_demo_year(demo_client):
    admin = await login(demo_client, "county-admin")
    year = demo_year()
    for m in (1, 6, 12):
        month = f"{year}-{m:02d}"
        data = await run_operation(demo_client, DOCUMENT, "MonthlyScores", {"month": month}, admin)
        found = data["assessmentMonth"]
        assert found["status"] == "PUBLISHED"
        assert 0 < found["goodCount"] <= found["goodQuota"]
        assert found["scores"]["totalCount"] > 300
        payroll = await run_operation(demo_client, DOCUMENT, "Payroll", {"month": month}, admin)
        assert payroll["payroll"]["status"] == "APPROVED"
        assert payroll["payroll"]["lines"]["totalCount"] == found["scores"]["totalCount"]
    grades = await run_operation(demo_client, DOCUMENT, "AnnualGrades", {"year": year}, admin)
    annual = grades["annualAssessment"]
    assert annual["status"] == "CLOSED" and annual["grades"]["totalCount"] > 400
    budget = await run_operation(demo_client, DOCUMENT, "StaffingBudget", {"year": year}, admin)
    assert budget["staffingBudget"]["headcount"] > 400
    rubric = await run_operation(demo_client, DOCUMENT, "Rubric", {}, admin)
    assert len(rubric["assessmentRubric"]["categories"]) == 6
