"""The benchmark workloads load and name the contract documents they send (no speed asserted)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.operations import operation
from bench.peers import (
    PEERS,
    PGL_EFFECTIVE_CATALOG,
    PGL_SITE_CHILDREN,
    PGL_SITE_DETAIL,
    PGL_SITE_STAFF,
    PGL_STAFF_DETAIL,
    PGL_UPDATE_SITE,
)
from bench.server import postgres_cpu, postgres_cpu_since
from bench.versus import chosen
from bench.workloads import discover, workload_name
from bench.wrk import wrk_script
from graphql import parse


def test_every_workload_loads_and_has_a_request():
    modules = discover()
    names = [workload_name(m) for m in modules]
    assert len(names) == len(set(names))
    assert {
        "catalog_village_1_first200",
        "catalog_public_matter",
        "catalog_county_all_sites",
    } <= set(names)
    for module in modules:
        assert hasattr(module, "request") or hasattr(module, "call"), module.__name__
        clients = getattr(module, "CONCURRENCY", 1)
        assert isinstance(clients, int) and clients >= 1


def test_workloads_send_the_contract_documents():
    assert "effectiveCatalog(" in operation("catalog.graphql", "EffectiveCatalog")
    assert "publicMatter(" in operation("public.graphql", "MatterGuide")


# bench.versus (OneWindow beside PostGraphile): the parts that need no server.


def test_every_peer_has_a_unique_name_and_parsable_postgraphile_documents():
    names = [peer.name for peer in PEERS]
    assert len(names) == len(set(names))
    assert {"typename", "site_detail", "site_children", "update_site"} <= set(names)
    for document in (
        PGL_EFFECTIVE_CATALOG,
        PGL_SITE_CHILDREN,
        PGL_SITE_DETAIL,
        PGL_SITE_STAFF,
        PGL_STAFF_DETAIL,
        PGL_UPDATE_SITE,
    ):
        assert parse(document).definitions


def test_versus_runs_the_writes_after_the_reads():
    order = [peer.writes for peer in chosen(None)]
    assert order == sorted(order)
    assert [p.name for p in chosen(["update_site", "typename"])] == ["typename", "update_site"]


def test_wrk_script_quotes_bodies_that_contain_lua_brackets():
    body = {"query": "{ __typename }", "variables": {"x": "]===] and ]====]"}}
    script = wrk_script([body], {"Authorization": "Bearer t"})
    assert "[=====[" + json.dumps(body, ensure_ascii=False) + "]=====]" in script
    assert "[ [===[Authorization]===] ] = [===[Bearer t]===]" in script


def test_wrk_script_counts_every_failure_marker_given():
    script = wrk_script([{"query": "{ x }"}], {}, failure_markers=('"errors"', '"userErrors":[{'))
    assert 'local markers = { [===["errors"]===], [===["userErrors":[{]===] }' in script
    assert 'local markers = { [===["errors"]===] }' in wrk_script([{"query": "{ x }"}], {})


BUSY = "SELECT count(DISTINCT md5(i::text)) FROM generate_series(1, 300000) i"


@pytest.mark.postgresql_only
async def test_postgres_cpu_counts_the_database_work(db):
    """bench.versus's PostgreSQL column: the CPU of the machine's PostgreSQL processes grows
    by the work of a statement that keeps a backend busy."""
    before = postgres_cpu()
    async with db.engine.connect() as conn:
        await conn.execute(text(BUSY))
    assert postgres_cpu_since(before) >= 0.05


@pytest.mark.postgresql_only
async def test_a_backend_gone_meanwhile_counts_nothing(db):
    """A backend that exits during a round (the idle server's pool closing a connection)
    takes its count with it instead of subtracting it from the round's."""
    engine = create_async_engine(db.engine.url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(text(BUSY))
            before = postgres_cpu()
    finally:
        await engine.dispose()  # the connection's backend exits
    assert postgres_cpu_since(before) >= 0
