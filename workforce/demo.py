"""Demo workforce (``api.demo.DEMO_EXTENSIONS``): a realistic central pool for each demo county.

涟水县: about 450 people — the county centre's service areas sized like DOMAIN.md §1 (3/4/4/6/2/2/2
front staff), 3–5 at each sub-centre, 3–6 at each township centre and one person posted by the
township to most villages (VILLAGE_DISPATCH); a mix of employment types, certificates (some
nobody yet, some past the 18/24-month marks), a year of quarterly centralised trainings, a few
redeployment orders, temporary covers and head appointments. 兰陵县 gets a small pool.
Everything is deterministic for a given day (seeded ``random.Random``).

History is entered as it happened: each past order, cover and opinion goes through the real
service on the day it was given (``common.acting_on``), so the rules of that day apply. The
review list shows people without a certificate two years after hiring, and one who got it
late; one village's only dispatched person is suspended (under investigation), so that village
shows among the sites with nobody at work today (``unstaffedSites``).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from accounts.models import User
from api.settings import Settings
from authz.guard import Actor
from network.demo_data import DemoCounty
from network.models import Site, SiteLevel
from workforce import assignments, heads, redeployment
from workforce.common import acting_on, add_months, today
from workforce.models import (
    Assignment,
    AssignmentKind,
    Certificate,
    Education,
    EmploymentType,
    HeadAppointment,
    HeadAppointmentStatus,
    Post,
    SkillLevel,
    Staff,
    StaffStatus,
    TrainingAttendance,
    TrainingKind,
    TrainingProgram,
    TrainingSession,
)
from workforce.personal import cipher_for, mask_id_number, mask_phone

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉晨宇欣"
    "怡子涵浩然梓萱雨轩思远嘉怡佳琪文博雅婷俊杰晓东海燕春梅建国志强丹凤云飞"
)
# County-centre service areas (002 §四(三)): front staff per area.
COUNTY_AREAS = (
    ("商事登记区", 3),
    ("医保人社区", 4),
    ("不动产登记区", 4),
    ("社会民生区", 6),
    ("建设交通区", 2),
    ("投资项目区", 2),
    ("经济综合区", 2),
)
FRONT_POSTS = (Post.INTAKE, Post.INTAKE, Post.ISSUE, Post.CONSULTATION, Post.GUIDANCE, Post.ONLINE)
# 一人多岗: every front-desk person of the demo can take the common front posts (000).
FRONT_QUALIFIED = (Post.CONSULTATION, Post.GUIDANCE, Post.INTAKE, Post.ISSUE, Post.MOBILE)
EMPLOYERS = {
    EmploymentType.CIVIL_SERVANT: "{county}政务服务管理办公室",
    EmploymentType.LABOUR_DISPATCH: "江淮人力资源服务有限公司",
    EmploymentType.PURCHASED_SERVICE: "政通外包服务有限公司",
    EmploymentType.TEMPORARY: "{township}人民政府",
}


class _Pool:
    """Builds staff rows directly (demo speed); the rules are exercised by the tests."""

    def __init__(self, county: DemoCounty, actor: Actor, rng: random.Random) -> None:
        self.county = county
        self.actor = actor
        self.rng = rng
        self.cipher = cipher_for(Settings.from_env().secret_key)
        self.staff: list[Staff] = []
        self.assignments: list[Assignment] = []
        self.certificates: list[Certificate] = []
        self._numbers: set[str] = set()
        self._cert_no = 0

    def _id_number(self, birth: date) -> str:
        """A valid resident ID number (region codes change over time: fall back to Beijing's)."""
        regions = (self.county.code, "320826", "371302", "110105")
        attempt = 0
        while True:
            attempt += 1
            region = self.rng.choice(regions) if attempt < 12 else "110105"
            body = f"{region}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self._numbers and ric.is_valid(number):
                self._numbers.add(number)
                return number

    def person(self, site: Site, post: Post, township: str, *, hire: date | None = None) -> Staff:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        birth = date(rng.randint(1968, 2002), rng.randint(1, 12), rng.randint(1, 28))
        number = self._id_number(birth)
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        employment = rng.choices(list(EmploymentType), weights=(20, 35, 35, 10), k=1)[0]
        hire = hire or today() - timedelta(days=rng.randint(40, 9 * 365))
        if hire < birth.replace(year=birth.year + 18):
            hire = birth.replace(year=birth.year + 20)
        probation_end = add_months(hire, 3) - timedelta(days=1)
        staff = Staff(
            id=uuid.uuid4(),
            name=name,
            gender="MALE" if int(number[16]) % 2 else "FEMALE",
            birth_date=birth,
            id_number_cipher=self.cipher.encrypt(number),
            id_number_hash=self.cipher.lookup_hash(number),
            id_number_masked=mask_id_number(number),
            phone_cipher=self.cipher.encrypt(phone),
            phone_masked=mask_phone(phone),
            education=rng.choices(list(Education), weights=(10, 40, 45, 5), k=1)[0],
            employment_type=employment,
            employer=EMPLOYERS[employment].format(county=self.county.name, township=township),
            hire_date=hire,
            probation_end=probation_end,
            posts=sorted(
                {post.value}
                | ({p.value for p in FRONT_QUALIFIED} if post is not Post.MANAGEMENT else set())
            ),
            status=StaffStatus.PROBATION if probation_end >= today() else StaffStatus.ACTIVE,
        )
        self.staff.append(staff)
        self.assignments.append(
            Assignment(
                staff_id=staff.id,
                site_id=site.id,
                post=post,
                kind=AssignmentKind.REGULAR,
                start_date=hire,
                reason="入职",
                created_by=self.actor.label,
            )
        )
        self._certify(staff)
        return staff

    def _certify(self, staff: Staff) -> None:
        """Most people hold 五级 within two years; a few never did (warnings), some more."""
        rng = self.rng
        months = (today() - staff.hire_date).days // 30
        if rng.random() < 0.12 or months < 6:
            return  # not yet certified
        levels = [SkillLevel.LEVEL_5]
        roll = rng.random()
        if roll < 0.35 and months > 30:
            levels.append(SkillLevel.LEVEL_4)
        if roll < 0.12 and months > 60:
            levels.append(SkillLevel.LEVEL_3)
        if roll < 0.03 and months > 84:
            levels.append(SkillLevel.TECHNICIAN)
        issued = staff.hire_date + timedelta(days=rng.randint(120, min(700, months * 30)))
        for level in levels:
            if issued > today():
                break
            self._cert_no += 1
            self.certificates.append(
                Certificate(
                    staff_id=staff.id,
                    level=level,
                    number=f"{self.county.code}{issued:%Y}{self._cert_no:06d}",
                    issued_on=issued,
                    recorded_by=self.actor.label,
                )
            )
            staff.skill_level = level
            issued += timedelta(days=rng.randint(365, 900))

    def dispatch(self, staff: Staff, village: Site) -> None:
        start = max(staff.hire_date, today() - timedelta(days=self.rng.randint(30, 900)))
        self.assignments.append(
            Assignment(
                staff_id=staff.id,
                site_id=village.id,
                post=Post.AGENCY,
                kind=AssignmentKind.VILLAGE_DISPATCH,
                start_date=start,
                reason="镇(街道)便民服务中心派驻便民服务工作专员",
                created_by=self.actor.label,
            )
        )


async def load(
    session: AsyncSession, admin: Actor, county: DemoCounty, sites: dict[str, Site]
) -> None:
    small = county.code != "320826"
    rng = random.Random(f"workforce:{county.code}:{today().isoformat()}")
    pool = _Pool(county, admin, rng)
    root = sites["county"]
    by_level: dict[SiteLevel, list[tuple[str, Site]]] = {}
    for key, site in sites.items():
        by_level.setdefault(site.level, []).append((key, site))

    for _area, front in COUNTY_AREAS[: 3 if small else None]:
        for i in range(front):
            pool.person(root, FRONT_POSTS[i % len(FRONT_POSTS)], county.name)
    pool.person(root, Post.MANAGEMENT, county.name)
    for _key, sub in by_level.get(SiteLevel.SUB_CENTER, []):
        for i in range(rng.randint(2, 3) if small else rng.randint(3, 5)):
            pool.person(sub, FRONT_POSTS[i % len(FRONT_POSTS)], county.name)
    for key, town in by_level.get(SiteLevel.TOWNSHIP_CENTER, []):
        for i in range(rng.randint(3, 6)):
            pool.person(town, FRONT_POSTS[i % len(FRONT_POSTS)], town.name)
        villages = [s for k, s in sites.items() if k.startswith(f"{key}.")]
        share = 0.3 if small else 0.9
        for village in villages:
            if rng.random() < share or village.id == sites.get("gaogou.yandian", root).id:
                pool.dispatch(pool.person(town, Post.AGENCY, town.name), village)
    # Some people past the certificate marks, with no certificate (warnings).
    for months, count in ((19, 3), (26, 2)):
        for _ in range(1 if small else count):
            _key, town = rng.choice(by_level[SiteLevel.TOWNSHIP_CENTER])
            person = pool.person(town, Post.INTAKE, town.name, hire=add_months(today(), -months))
            pool.certificates = [c for c in pool.certificates if c.staff_id != person.id]
            person.skill_level = None
    late = _late_certificate(pool, by_level)
    session.add_all(pool.staff)
    await session.flush()
    session.add_all(pool.assignments)
    session.add_all(pool.certificates)
    await session.flush()
    if not small:
        _suspend_one_village(pool, sites, late)

    await _trainings(session, pool, rng)
    await _orders_and_covers(session, admin, pool, sites, by_level, rng, small)
    await _heads(session, admin, pool, by_level, rng)
    if "gaogou.yandian" in sites:
        dispatched = next(
            a.staff_id for a in pool.assignments if a.site_id == sites["gaogou.yandian"].id
        )
        await session.execute(
            update(User).where(User.username == "yandian-staff").values(staff_id=dispatched)
        )
    await session.flush()


def _late_certificate(pool: _Pool, by_level: dict[SiteLevel, list[tuple[str, Site]]]) -> Staff:
    """Someone whose 五级 came three months after the two-year deadline: no warning any more,
    but on the review list (the deadline stays missed)."""
    _key, town = by_level[SiteLevel.TOWNSHIP_CENTER][0]
    person = pool.person(town, Post.INTAKE, town.name, hire=add_months(today(), -32))
    pool.certificates = [c for c in pool.certificates if c.staff_id != person.id]
    issued = add_months(person.hire_date, 27)
    pool.certificates.append(
        Certificate(
            staff_id=person.id,
            level=SkillLevel.LEVEL_5,
            number=f"{pool.county.code}{issued:%Y}LATE01",
            issued_on=issued,
            recorded_by=pool.actor.label,
        )
    )
    person.skill_level = SkillLevel.LEVEL_5
    return person


def _suspend_one_village(pool: _Pool, sites: dict[str, Site], keep: Staff) -> None:
    """The only person dispatched to one village is under investigation: nobody serves there
    today (000's "one radish, one hole", made visible by ``unstaffedSites``)."""
    yandian = sites.get("gaogou.yandian")
    for assignment in pool.assignments:
        if assignment.kind != AssignmentKind.VILLAGE_DISPATCH or (
            yandian is not None and assignment.site_id == yandian.id
        ):
            continue
        person = next(s for s in pool.staff if s.id == assignment.staff_id)
        if person.id == keep.id:
            continue
        person.status_before_suspension = person.status
        person.status = StaffStatus.SUSPENDED
        person.suspension_reason = "涉嫌违规办理业务,立案调查中"
        return


async def _trainings(session: AsyncSession, pool: _Pool, rng: random.Random) -> None:
    """The last four quarters: one centralised training each, most people attending."""
    now = today()
    quarter_start = date(now.year, 3 * ((now.month - 1) // 3) + 1, 1)
    starts = [add_months(quarter_start, -3 * i) for i in range(4)][::-1]
    topics = ("服务礼仪与规范用语", "综合窗口业务知识", "一件事一次办流程", "现场管理与应急处置")
    for i, start in enumerate(starts):
        held = start + timedelta(days=20)
        if held > now:
            held = now
        program = TrainingProgram(
            id=uuid.uuid4(),
            kind=TrainingKind.REGULAR,
            title=f"{start.year} 年第 {(start.month - 1) // 3 + 1} 季度窗口人员集中培训",
            year=held.year,
            centralised=True,
            organizer=f"{pool.county.name}政务服务管理办公室",
        )
        training = TrainingSession(
            id=uuid.uuid4(),
            program_id=program.id,
            held_on=held,
            hours=Decimal("4.0"),
            place=f"{pool.county.name}政务服务中心培训室",
            online=False,
            topics=topics[i % len(topics)],
            trainer="县政务服务管理办公室业务科",
        )
        session.add_all([program, training])
        await session.flush()
        for staff in pool.staff:
            if staff.hire_date <= held and rng.random() < 0.88:
                session.add(TrainingAttendance(session_id=training.id, staff_id=staff.id))
    induction = TrainingProgram(
        id=uuid.uuid4(),
        kind=TrainingKind.INDUCTION,
        title=f"{now.year} 年新入职人员岗前培训",
        year=now.year,
        centralised=True,
        organizer=f"{pool.county.name}政务服务管理办公室",
    )
    session.add(induction)
    await session.flush()


async def _orders_and_covers(
    session: AsyncSession,
    admin: Actor,
    pool: _Pool,
    sites: dict[str, Site],
    by_level: dict[SiteLevel, list[tuple[str, Site]]],
    rng: random.Random,
    small: bool,
) -> None:
    """A few redeployment orders (through the real service) and temporary covers."""
    towns = [s for _k, s in by_level[SiteLevel.TOWNSHIP_CENTER]]
    root = sites["county"]
    regular_at = {a.staff_id: a.site_id for a in pool.assignments if a.kind == "REGULAR"}
    dispatched = {a.staff_id for a in pool.assignments if a.kind == "VILLAGE_DISPATCH"}
    movable = [
        s
        for s in pool.staff
        if s.id not in dispatched
        and regular_at.get(s.id) in {t.id for t in towns}
        and s.hire_date < today() - timedelta(days=200)
    ]
    rng.shuffle(movable)
    for number in range(1 if small else 3):
        effective = today() - timedelta(days=30 + 45 * number)
        moves = []
        for person in movable[number * 3 : number * 3 + (2 if small else 3)]:
            if person.hire_date >= effective:
                continue
            target = rng.choice([t for t in towns if t.id != regular_at[person.id]] + [root])
            moves.append(
                redeployment.Move(staff_id=person.id, to_site_id=target.id, post=Post.INTAKE)
            )
        if moves:
            with acting_on(effective - timedelta(days=3)):  # issued three days ahead
                await redeployment.redeploy(
                    session,
                    admin,
                    effective_date=effective,
                    reason="按业务量统筹调配窗口力量(一人多岗、集中调度)",
                    moves=moves,
                )
    county_staff = [s for s in pool.staff if regular_at.get(s.id) == root.id]
    for person in county_staff[: 1 if small else 3]:
        town = rng.choice(towns)
        start = today() - timedelta(days=rng.randint(0, 5))
        end = today() + timedelta(days=rng.randint(5, 20))
        with acting_on(start):  # arranged on the day it began
            await assignments.assign_staff(
                session,
                admin,
                assignments.NewAssignment(
                    staff_id=person.id,
                    site_id=town.id,
                    post=Post.INTAKE,
                    kind=AssignmentKind.TEMPORARY_COVER,
                    start_date=start,
                    end_date=end,
                    reason="顶岗:原窗口人员病假",
                ),
            )


async def _heads(
    session: AsyncSession,
    admin: Actor,
    pool: _Pool,
    by_level: dict[SiteLevel, list[tuple[str, Site]]],
    rng: random.Random,
) -> None:
    """Heads agreed by the county office for most centres; one proposal still pending. Each was
    proposed by the township government or the department (recorded as such: the demo has
    no account for most of them) ahead of its date, and the office's opinion came before the
    appointment took effect (through the service, on the day it was given)."""
    headed = by_level.get(SiteLevel.SUB_CENTER, []) + by_level.get(SiteLevel.TOWNSHIP_CENTER, [])
    for index, (_key, site) in enumerate(headed):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        effective = today() - timedelta(days=rng.randint(60, 900))
        pending = index == len(headed) - 1
        if pending:
            effective = today() + timedelta(days=30)
        proposer = "人民政府" if site.level == "TOWNSHIP_CENTER" else "业务主管部门"
        appointment = HeadAppointment(
            id=uuid.uuid4(),
            site_id=site.id,
            person_name=name,
            effective_date=effective,
            proposal_reason="拟任便民服务中心负责人"
            if site.level == "TOWNSHIP_CENTER"
            else "拟任分中心负责人",
            proposed_by=f"{site.name}{proposer}",
            status=HeadAppointmentStatus.PROPOSED,
        )
        session.add(appointment)
        await session.flush()
        if pending:
            continue  # waiting for the county office's opinion
        with acting_on(effective - timedelta(days=7)):
            await heads.review_head(session, admin, appointment.id, agree=True, reason="同意")
    await session.flush()
