"""The catalog's GraphQL: it only translates between GraphQL and the catalog's services.

- ``types`` / ``history``: output types (definitions, effective entries, bundles, the ratio /
  change requests, releases, diffs); ``loaders``: per-request DataLoaders; ``nodes``: the Relay
  nodes, registered on import.
- ``inputs``: mutation inputs and the change payloads they make.
- ``reads``: the checked arguments of effective-catalog reads, shared with ``fastpath``.
- ``queries`` (signed in) and ``public`` (anonymous, published data only).
- ``mutations``: one module a topic, combined into ``CatalogMutation``.
- ``fastpath``: a schema extension serving catalog-only operations from the cached plain data.
"""

from __future__ import annotations

from catalog.schema import nodes  # noqa: F401  (registers the catalog's Relay nodes)
from catalog.schema.fastpath import CatalogFastPath
from catalog.schema.mutations import CatalogMutation
from catalog.schema.public import PublicQuery
from catalog.schema.queries import CatalogQuery

__all__ = ["CatalogFastPath", "CatalogMutation", "CatalogQuery", "PublicQuery"]
