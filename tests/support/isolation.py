"""Rows for the generic tenant-isolation suite (``tests/test_isolation.py``).

``make_county`` already creates rows of the foundation tables. Every other ``TenantScoped`` model
gets rows from a maker here: ``async def maker(county) -> None``, registered with
:func:`row_maker`, creates at least one row of each of its models in ``county``. The suite fails
for a model without rows, so a new model cannot slip past it.

GraphQL ``node(id:)`` is checked for every type implementing ``Node``: :func:`node_model` names
the model whose rows a node type shows (the model of the same name unless
:data:`NODE_MODELS` says otherwise); a node type that has none fails the suite.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from authz.models import PolicyRule
from catalog import changes
from catalog.models import ChangeKind, ChangeRequest, Release
from tenants.models import Tenant, tenant_scoped_models
from tests.support.assessment import assessment_rows
from tests.support.casework import casework_rows
from tests.support.catalog import EMPLOYMENT, PENSION, setup_catalog
from tests.support.factories import County
from tests.support.workforce import assign, hire
from workers.models import BackgroundJob
from workforce import certificates, common, heads, redeployment, training
from workforce.models import AssignmentKind, Post, SkillLevel, TrainingKind

RowMaker = Callable[[County], Awaitable[None]]
ROW_MAKERS: list[RowMaker] = []

# GraphQL node types named otherwise than the model of their rows.
NODE_MODELS: dict[str, type] = {
    "CatalogChange": ChangeRequest,
    "CatalogRelease": Release,
    "Job": BackgroundJob,
    "Tenant": Tenant,  # the county itself: its id is the tenant's
}


def node_model(type_name: str) -> type | None:
    """The model whose rows the GraphQL node type ``type_name`` shows (``None``: not known)."""
    if type_name in NODE_MODELS:
        return NODE_MODELS[type_name]
    return {model.__name__: model for model in tenant_scoped_models()}.get(type_name)


def row_maker(fn: RowMaker) -> RowMaker:
    ROW_MAKERS.append(fn)
    return fn


@row_maker
async def policy_rule(county: County) -> None:
    async with county.db.transaction(county.tenant_id) as session:
        session.add(PolicyRule(role="window_staff", obj="site.village_station", act="read"))


@contextmanager
def services_day(day: date) -> Iterator[None]:
    """The services' calendar day is ``day`` while rows are made (orders may not be dated
    before the day they are given)."""
    before = common.pinned_today
    common.pinned_today = day
    try:
        yield
    finally:
        common.pinned_today = before


@row_maker
async def workforce_rows(county: County) -> None:
    """Staff, assignments, a redeployment, a head appointment, training, a certificate, a job."""
    with services_day(date(2025, 2, 3)):
        await _workforce_rows(county)


async def _workforce_rows(county: County) -> None:
    admin = await county.actor("admin")
    start = date(2025, 2, 3)
    person = await hire(county, "town_a", name="隔离测试", hire_date=start)
    other = await hire(county, "town_b", name="隔离测试二", hire_date=start)
    async with county.db.transaction(county.tenant_id) as session:
        await assign(
            session,
            admin,
            person,
            county.sites["village_a1"],
            post=Post.AGENCY,
            kind=AssignmentKind.VILLAGE_DISPATCH,
            start=start + timedelta(days=1),
        )
        await redeployment.redeploy(
            session,
            admin,
            effective_date=start + timedelta(days=10),
            reason="隔离测试",
            moves=[redeployment.Move(other.id, county.sites["root"].id, Post.INTAKE)],
        )
        appointment = await heads.propose_head(
            session,
            await county.actor("head_a"),  # the county office gives its opinion, not its own
            site_id=county.sites["town_a"].id,
            staff_id=person.id,
            person_name=None,
            effective_date=start,
            reason=None,
        )
        program = await training.create_program(
            session,
            admin,
            kind=TrainingKind.REGULAR,
            title="集中培训",
            year=2025,
            centralised=True,
            organizer=None,
        )
        await session.flush()
        await heads.review_head(session, admin, appointment.id, agree=True, reason=None)
        lesson = await training.add_session(
            session,
            admin,
            program_id=program.id,
            held_on=start,
            hours="3.5",
            place="培训室",
            online=False,
            topics="礼仪",
            trainer="讲师",
        )
        await session.flush()
        await training.record_attendance(
            session, admin, session_id=lesson.id, staff_ids=[person.id]
        )
        await certificates.record_certificate(
            session,
            admin,
            None,
            staff_id=person.id,
            level=SkillLevel.LEVEL_5,
            number=f"ISO-{county.code}",
            issued_on=date(2025, 1, 20),
            scan_key=None,
        )
        session.add(
            BackgroundJob(job_key="isolation", kind="export_roster", requested_by=admin.label)
        )


@row_maker
async def catalog_rows(county: County) -> None:
    """Departments, matters, a release and state; then an override, a delegation, a bundle and a
    pending change (every catalog table gets rows)."""
    await setup_catalog(county)
    admin = await county.actor("admin")
    head = await county.actor("head_a")
    async with county.db.transaction(county.tenant_id) as session:
        await changes.propose_many(
            session,
            admin,
            [
                (
                    ChangeKind.OVERRIDE_MATTER,
                    {
                        "site_id": str(county.sites["town_a"].id),
                        "matter_code": PENSION,
                        "note": "x",
                    },
                ),
                (
                    ChangeKind.DELEGATE_MATTER,
                    {
                        "site_id": str(county.sites["village_a1"].id),
                        "matter_code": PENSION,
                        "accept": True,
                        "process": False,
                    },
                ),
                (
                    ChangeKind.DEFINE_BUNDLE,
                    {
                        "code": "B-1",
                        "name": "就业参保一件事",
                        "matter_codes": [PENSION, EMPLOYMENT],
                    },
                ),
            ],
        )
        await changes.propose(
            session,
            head,
            ChangeKind.OVERRIDE_MATTER,
            {"site_id": str(county.sites["village_a1"].id), "matter_code": EMPLOYMENT, "note": "y"},
        )


# After the catalog's rows (it accepts a matter of that catalog).
row_maker(casework_rows)
# Assessment and pay (their own county-wide month and year).
row_maker(assessment_rows)
