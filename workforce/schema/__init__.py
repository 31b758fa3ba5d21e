"""The workforce's GraphQL: it only translates between GraphQL and the workforce's rules.

- ``enums``: the rules' enums with their GraphQL names; ``types``: staff, assignments,
  redeployment, heads, training; ``files``: jobs, uploads, the roster import report;
- ``loaders``: the per-request DataLoaders; ``reading``: how queries read as the caller;
- ``inputs``, ``payloads``, ``mutations`` (by topic), ``queries``, ``nodes`` (``node(id:)``);
- ``site_fields``: what the workforce adds to network's ``Site`` at composition.
"""

from __future__ import annotations

from workforce.schema.mutations import WorkforceMutation
from workforce.schema.nodes import register_nodes
from workforce.schema.queries import WorkforceQuery
from workforce.schema.site_fields import SiteWorkforceFields

__all__ = ["SiteWorkforceFields", "WorkforceMutation", "WorkforceQuery"]

register_nodes()  # node(id:) answers the workforce's types
