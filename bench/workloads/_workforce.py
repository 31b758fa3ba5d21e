"""Shared by the workforce workloads: the contract's documents and the SQL of ``placing``."""

from __future__ import annotations

from bench.operations import operation

SITE_STAFF = operation("workforce.graphql", "SiteStaff")

# The assignments that place their person on day $D (workforce.placement.placing): in force,
# and a TEMPORARY_COVER beats a VILLAGE_DISPATCH beats the REGULAR post (cancelled rows: never).
PLACING = """
  a.cancelled_at IS NULL AND a.start_date <= $D AND (a.end_date IS NULL OR a.end_date >= $D) AND (
    a.kind = 'TEMPORARY_COVER'
    OR (a.kind = 'VILLAGE_DISPATCH' AND NOT EXISTS (
      SELECT 1 FROM staff_assignments o WHERE o.tenant_id = a.tenant_id
        AND o.staff_id = a.staff_id AND o.cancelled_at IS NULL AND o.start_date <= $D
        AND (o.end_date IS NULL OR o.end_date >= $D) AND o.kind = 'TEMPORARY_COVER'))
    OR (a.kind = 'REGULAR' AND NOT EXISTS (
      SELECT 1 FROM staff_assignments o WHERE o.tenant_id = a.tenant_id
        AND o.staff_id = a.staff_id AND o.cancelled_at IS NULL AND o.start_date <= $D
        AND (o.end_date IS NULL OR o.end_date >= $D)
        AND o.kind IN ('TEMPORARY_COVER', 'VILLAGE_DISPATCH'))))
"""


def placing(day_param: int) -> str:
    return PLACING.replace("$D", f"${day_param}")
