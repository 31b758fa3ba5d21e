"""Every statement of every plan (``api.planned``) restricts each table it reads to the caller's
county in the statement itself: a read connection has row-level security (PostgreSQL) but not
the ORM's tenant filter, and SQLite has no RLS at all.

The statements are what each plan module says it runs (its ``statements()``); a statement
built at module level and not listed there, or a plan whose module lists nothing, fails here,
so a new plan cannot skip the check."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest
from sqlalchemy import Select, Table, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import Executable, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.selectable import Alias

import api.planned
from api.gql import trusted
from api.planned import PLANS
from api.planned import staff as staff_plan
from casework.models import Case
from network.models import Site, SiteClosure
from tenants import prepared
from tenants.models import Tenant

DOCUMENTS = dict(trusted.operation_texts())


def _modules() -> list[ModuleType]:
    names = [
        info.name
        for info in pkgutil.walk_packages(api.planned.__path__, prefix="api.planned.")
        if not info.ispkg
    ]
    return [importlib.import_module(name) for name in sorted(names)]


def _statements() -> Iterator[tuple[str, Executable]]:
    for module in _modules():
        for label, statement in getattr(module, "statements", list)():
            yield f"{module.__name__}: {label}", statement


def restricted_to_the_county(statement: Executable) -> tuple[set[str], set[str]]:
    """The tables (by name) the statement reads that have a tenant column, and those of them
    it compares with the ``tenant_id`` parameter."""
    read: set[str] = set()
    restricted: set[str] = set()
    for element in visitors.iterate(statement):
        if isinstance(element, Table | Alias) and "tenant_id" in element.c:
            read.add(element.name)
        if (
            isinstance(element, BinaryExpression)
            and isinstance(element.right, BindParameter)
            and element.right.key == "tenant_id"
            and getattr(element.left, "name", None) == "tenant_id"
        ):
            restricted.add(element.left.table.name)
    return read, restricted


@pytest.mark.parametrize(("label", "statement"), list(_statements()))
def test_every_planned_statement_names_the_tenant_of_every_table(label, statement):
    read, restricted = restricted_to_the_county(statement)
    if not read:
        # the county's own row, by its id (the tenants table has no tenant column)
        assert "tenants.id = :tenant_id" in str(statement).replace('"', ""), label
        return
    assert read <= restricted, (label, read - restricted)


@pytest.mark.parametrize(("label", "statement"), list(_statements()))
def test_every_planned_statement_can_run_by_the_driver(label, statement):
    """On PostgreSQL a plan's statements run straight on asyncpg after their first execution
    (``tenants.prepared``); one that could not would quietly pay SQLAlchemy's path again."""
    assert prepared.takeable(statement, postgresql.asyncpg.dialect()), label


def test_every_plan_lists_its_statements():
    listed = {id(statement) for _label, statement in _statements()}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, Select):
                assert id(value) in listed, f"{module.__name__}.{name} is not in a statements()"
    for name, plan in PLANS.items():
        if DOCUMENTS[name].startswith("mutation"):
            # a write plan runs its domain's rules in the ORM session, as the resolver does;
            # their statements are the domain's (tests/casework/test_intake_lookups.py)
            continue
        module = importlib.import_module(plan.__module__)
        assert list(module.statements()), f"{plan.__module__} lists no statements"


def test_the_check_finds_a_table_left_unrestricted():
    """The check itself: a join whose second table is not restricted is caught, as is a
    subquery's table."""
    tenant = api.planned.common.TENANT
    joined = select(Case.id).join(Site, Site.id == Case.site_id).where(Case.tenant_id == tenant)
    assert restricted_to_the_county(joined) == ({"casework_cases", "sites"}, {"casework_cases"})
    nested = select(Site.id).where(
        Site.tenant_id == tenant,
        Site.id.in_(select(SiteClosure.ancestor_id).scalar_subquery()),
    )
    read, restricted = restricted_to_the_county(nested)
    assert read - restricted == {"site_closure"}
    assert restricted_to_the_county(select(Tenant.settings)) == (set(), set())


def test_staff_detail_sends_only_ids():
    """StaffDetail's statement carries its constants (the county centre's level, the training
    year) in its SQL and sends only the ids. With a constant sent as a parameter, PostgreSQL
    chose, on the benchmark's demo data, to plan every execution anew instead of keeping one
    generic plan (bench/RESULTS.md, 2026-12-02: ~0.5 ms of its CPU a request)."""
    compiled = staff_plan.PERSON_WITH_RECORDS.compile(dialect=postgresql.asyncpg.dialect())
    carried = {compiled.bind_names[bind] for bind in compiled.literal_execute_params}
    sent = set(compiled.positiontup or ()) - carried
    assert sent == {"tenant_id", "staff_id"}
    expanded = compiled.construct_expanded_state({"tenant_id": None, "staff_id": None})
    assert "'COUNTY_CENTER'" in expanded.statement and "= 2026" in expanded.statement
