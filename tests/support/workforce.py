"""Building blocks for workforce tests: valid ID numbers, a pinned calendar day, hiring through
the real services."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from authz.guard import Actor
from network.models import Site
from tests.support.factories import TEST_SECRET, County
from workforce import assignments, common
from workforce import staff as staff_service
from workforce.models import (
    AssignmentKind,
    Education,
    EmploymentType,
    HeadAppointment,
    Post,
    Staff,
)
from workforce.personal import cipher_for

CIPHER = cipher_for(TEST_SECRET)
# The posts a test hire is qualified for (besides its own): every front-desk post (000).
FRONT_POSTS = (
    Post.CONSULTATION,
    Post.GUIDANCE,
    Post.AGENCY,
    Post.ONLINE,
    Post.INTAKE,
    Post.ISSUE,
    Post.MOBILE,
)
_serial = itertools.count(1)


def id_number(birth: date = date(1990, 3, 15), *, female: bool = False, region: str = "320826"):
    """A valid 18-digit resident ID number, different on every call."""
    for _ in range(500):  # every sequence number once
        seq = next(_serial) % 500 * 2 + (0 if female else 1)
        body = f"{region}{birth:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number
    # python-stdnum refuses some region and date pairs whatever the sequence
    raise ValueError(f"python-stdnum accepts no ID number born {birth} in region {region}")


def pin_today(monkeypatch: pytest.MonkeyPatch, day: date) -> date:
    """The services' calendar day (``workforce.common.today``) is ``day`` for one test."""
    monkeypatch.setattr(common, "pinned_today", day)
    return day


def bad_checksum(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def head_proposal(site: Site, person_name: str) -> HeadAppointment:
    """A head appointment proposed at ``site`` and awaiting the county's review (to be added to
    a session of the site's county)."""
    return HeadAppointment(
        site_id=site.id,
        person_name=person_name,
        effective_date=date(2025, 1, 1),
        proposed_by="test",
    )


async def hire(
    county: County,
    site: str = "root",
    *,
    name: str = "张三",
    hire_date: date = date(2025, 1, 6),
    post: Post = Post.INTAKE,
    actor: str = "admin",
    phone: str | None = "13812345678",
    number: str | None = None,
    posts: tuple[Post, ...] = FRONT_POSTS,
    employment: EmploymentType = EmploymentType.LABOUR_DISPATCH,
) -> Staff:
    async with county.db.transaction(county.tenant_id) as session:
        return await staff_service.hire_staff(
            session,
            await county.actor(actor),
            CIPHER,
            staff_service.NewStaff(
                name=name,
                id_number=number or id_number(),
                phone=phone,
                education=Education.BACHELOR,
                employment_type=employment,
                employer="某人力资源服务有限公司",
                hire_date=hire_date,
                site_id=county.sites[site].id,
                post=post,
                posts=list(posts),
            ),
        )


async def assign(
    session: AsyncSession,
    actor: Actor,
    staff: Staff,
    site: Site,
    *,
    post: Post,
    start: date,
    kind: AssignmentKind = AssignmentKind.REGULAR,
) -> None:
    """``assignments.assign_staff`` of one person to one site from ``start`` (open-ended)."""
    await assignments.assign_staff(
        session,
        actor,
        assignments.NewAssignment(
            staff_id=staff.id, site_id=site.id, post=post, kind=kind, start_date=start
        ),
    )
