"""The county's assessment policy: DOMAIN §4 and §7's numbers (tenant settings over these
defaults, ``Tenant.settings["assessment"]``)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tenants.context import session_tenant
from tenants.models import Tenant
from tenants.policy import DEFAULT_POLICY

DEFAULTS: dict[str, Any] = {
    **DEFAULT_POLICY["assessment"],
    # DOMAIN §7: POOR below 70 (or a grave item), GOOD only from 90, the reward is paid on at
    # most 100 points.
    "poor_below": 70,
    "good_from": 90,
    "reward_score_cap": 100,
}


async def assessment_policy(session: AsyncSession) -> dict[str, Any]:
    policy = copy.deepcopy(DEFAULTS)
    tenant_id = session_tenant(session)
    if tenant_id is not None:
        tenant = await session.get(Tenant, tenant_id)
        if tenant is not None:
            policy.update((tenant.settings or {}).get("assessment") or {})
    return policy


def ratio(policy: dict[str, Any], key: str) -> Decimal:
    return Decimal(str(policy[key]))
