"""The benchmark workloads load and name the contract documents they send (no speed asserted)."""

from __future__ import annotations

from bench.operations import operation
from bench.workloads import discover, workload_name


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
