"""The casework's GraphQL: it only translates between GraphQL and the casework's rules.

- ``enums``, ``types`` (windows, cases, notices, the public progress page), ``loaders``;
- ``inputs``, ``payloads``, ``mutations``, ``queries``, ``nodes`` (``node(id:)``);
- ``clock``: the instant handed to the rules (pinned in tests).
"""

from __future__ import annotations

from casework.schema.mutations import CaseworkMutation
from casework.schema.nodes import register_nodes
from casework.schema.queries import CaseworkQuery

__all__ = ["CaseworkMutation", "CaseworkQuery"]

register_nodes()  # node(id:) answers the casework's types
