"""Row makers for the generic tenant-isolation suite.

``make_county`` already creates rows of the foundation tables. A domain whose rows it does not
create registers a maker here: ``async def maker(county) -> None`` that creates at least one row
of each of its TenantScoped models in ``county``. The suite fails for a model without rows, so a
new model cannot slip past it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from authz.models import PolicyRule
from tests.factories import County

RowMaker = Callable[[County], Awaitable[None]]
ROW_MAKERS: list[RowMaker] = []


def row_maker(fn: RowMaker) -> RowMaker:
    ROW_MAKERS.append(fn)
    return fn


@row_maker
async def policy_rule(county: County) -> None:
    async with county.db.transaction(county.tenant_id) as session:
        session.add(PolicyRule(role="window_staff", obj="site.village_station", act="read"))


def load_domain_makers() -> None:
    """Import the domains' row makers (``tests/<domain>/isolation.py``) if they exist."""
    import importlib

    for name in ("tests.workforce.isolation", "tests.catalog.isolation"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
