"""Row-level tenancy, layer 1: the ORM filter and ``tenant_id`` on insert.

A session carries its tenant in ``session.info["tenant_id"]`` (``None`` = no tenant: only
platform-level rows such as platform operators are visible). Every ORM statement on a
``TenantScoped`` class gets ``tenant_id = :tenant`` added; inserts get the session's tenant.
Layer 2 (PostgreSQL RLS) is set up in ``tenants.database``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from tenants.models import TenantScoped

TENANT_KEY = "tenant_id"


class TenantMismatch(RuntimeError):
    """An object of one tenant was about to be written in another tenant's session."""


def session_tenant(session: Session) -> uuid.UUID | None:
    return session.info.get(TENANT_KEY)


def _tenant_criteria(tenant_id: uuid.UUID | None):
    if tenant_id is None:
        return lambda cls: cls.tenant_id.is_(None)
    return lambda cls: cls.tenant_id == tenant_id


@event.listens_for(Session, "do_orm_execute")
def _filter_by_tenant(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        # Criteria from the parent statement already propagate to lazy and column loads.
        return
    if state.execution_options.get("all_tenants", False):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_id = session_tenant(state.session)
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            _tenant_criteria(tenant_id),
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, flush_context, instances) -> None:
    tenant_id = session_tenant(session)
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None and obj in session.new:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise TenantMismatch(
                f"{type(obj).__name__} belongs to tenant {obj.tenant_id}, session is {tenant_id}"
            )
