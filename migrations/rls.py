"""Row-level security DDL for migrations (PostgreSQL only; a no-op elsewhere)."""

from __future__ import annotations

from alembic import op

TENANT_EXPR = "nullif(current_setting('app.tenant_id', true), '')::uuid"


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def enable_tenant_rls(table: str, *, nullable_tenant: bool = False) -> None:
    """FORCE RLS with one policy: rows of the transaction's tenant only.

    With ``nullable_tenant`` (users), rows without a tenant (platform operators) are visible
    exactly when the transaction has no tenant.
    """
    if not _is_postgres():
        return
    condition = f"tenant_id = {TENANT_EXPR}"
    if nullable_tenant:
        condition = f"({condition}) OR (tenant_id IS NULL AND {TENANT_EXPR} IS NULL)"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING ({condition}) WITH CHECK ({condition})"
    )


def disable_tenant_rls(table: str) -> None:
    if not _is_postgres():
        return
    op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
