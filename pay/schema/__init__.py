"""Pay's GraphQL (only translates): ``types``, ``operations`` (queries and mutations),
``staff_fields`` (``Staff.payslips``, contributed at composition)."""

from __future__ import annotations

from pay.schema.operations import PayMutation, PayQuery
from pay.schema.staff_fields import StaffPayFields

__all__ = ["PayMutation", "PayQuery", "StaffPayFields"]
