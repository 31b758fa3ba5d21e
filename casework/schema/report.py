"""GraphQL of the service report (``serviceReport``): it only translates ``casework.report``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import query_id
from casework import report
from casework.schema import clock
from workforce.common import require_date_in_range


@strawberry.type(name="ServiceReport", description="服务报表:场所及其全部下级在期间内的数字")
class ServiceReportType:
    accepted: int = strawberry.field(description="受理件数")
    issued: int = strawberry.field(description="出件件数")
    notices: int = strawberry.field(description="一次性告知书份数")
    decided: int = strawberry.field(description="办结(作出决定)件数")
    on_time_rate: float | None = strawberry.field(description="按时办结率")
    overdue: int = strawberry.field(description="超期件数(超期办结及超期未办结)")
    ratings: int = strawberry.field(description="评价数")
    satisfaction_rate: float | None = strawberry.field(description="满意率(非差评占比)")
    bad_ratings: int = strawberry.field(description="差评数")
    verified_rate: float | None = strawberry.field(description="差评核实率")
    rectified_rate: float | None = strawberry.field(description="差评整改率")
    revisited_rate: float | None = strawberry.field(description="差评回访率")
    front_staff: int = strawberry.field(description="期末前台人数")
    cases_per_front_staff_year: float | None = strawberry.field(
        description="前台人均年受理件数(按期间折算全年)"
    )
    one_window_ratio: float = strawberry.field(description="一窗通办比例")


@strawberry.type
class ReportQuery:
    @strawberry.field(description="服务报表:场所及其全部下级在 from–to 期间的数字")
    async def service_report(
        self,
        info: Info,
        site_id: strawberry.ID,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> ServiceReportType:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        site = query_id(site_id, "Site", "siteId")
        require_date_in_range(from_, "from")
        require_date_in_range(to, "to")
        async with ctx.read() as session:
            figures = await report.service_report(session, actor, site, from_, to, clock.today())
        return ServiceReportType(**vars(figures))
