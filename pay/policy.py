"""The county's pay policy: DOMAIN §3 and §7's numbers (tenant settings ``pay`` over these
defaults)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tenants.context import session_tenant
from tenants.models import Tenant
from tenants.policy import DEFAULT_POLICY

DEFAULTS: dict[str, Any] = {
    **copy.deepcopy(DEFAULT_POLICY["pay"]),
    # The county's base wage where a person's contract sets none (002: ≥ 3,500 yuan a month).
    "base_wage": "3500.00",
    # Employer social insurance: not in the documents, the county enters it (demo: 0.30).
    "employer_social_insurance_rate": "0.30",
}


async def pay_policy(session: AsyncSession) -> dict[str, Any]:
    policy = copy.deepcopy(DEFAULTS)
    tenant_id = session_tenant(session)
    if tenant_id is not None:
        tenant = await session.get(Tenant, tenant_id)
        if tenant is not None:
            policy.update((tenant.settings or {}).get("pay") or {})
    return policy


def money(value: Any) -> Decimal:
    return Decimal(str(value))
