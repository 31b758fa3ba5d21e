"""The workforce's GraphQL: it only translates between GraphQL and the workforce's rules.

- ``enums``: the rules' enums with their GraphQL names; ``types``: staff, assignments,
  redeployment, heads, training; ``files``: jobs, uploads, the roster import report;
- ``loaders``: the per-request DataLoaders; ``reading``: how queries read as the caller;
- ``inputs``, ``payloads``, ``mutations`` (by topic), ``queries``, ``nodes`` (``node(id:)``);
- ``site_fields`` / ``user_fields``: what the workforce adds to network's ``Site`` and to
  accounts' ``User`` (``me { staff }``) at composition.
"""

from __future__ import annotations

from workforce.schema.mutations import WorkforceMutation
from workforce.schema.nodes import register_nodes
from workforce.schema.queries import WorkforceQuery
from workforce.schema.site_fields import SiteWorkforceFields
from workforce.schema.user_fields import UserWorkforceFields

__all__ = ["SiteWorkforceFields", "UserWorkforceFields", "WorkforceMutation", "WorkforceQuery"]

register_nodes()  # node(id:) answers the workforce's types
