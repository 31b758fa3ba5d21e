"""The catalog's mutations, one module a topic; ``CatalogMutation`` combines them (in this
order: the order of the fields in the schema)."""

from __future__ import annotations

import strawberry

from catalog.schema.mutations.bundles import BundleMutation
from catalog.schema.mutations.changes import ChangeMutation
from catalog.schema.mutations.imports import ImportMutation
from catalog.schema.mutations.matters import MatterMutation
from catalog.schema.mutations.overrides import OverrideMutation
from catalog.schema.mutations.releases import ReleaseMutation


@strawberry.type
class CatalogMutation(
    MatterMutation,
    OverrideMutation,
    BundleMutation,
    ChangeMutation,
    ReleaseMutation,
    ImportMutation,
):
    pass
