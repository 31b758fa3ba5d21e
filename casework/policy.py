"""The county's casework policy: defaults where the documents are silent (DOMAIN.md §8), over
which a county's own settings (``Tenant.settings["casework"]``) win."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tenants.context import session_tenant
from tenants.models import Tenant

DEFAULT_CASEWORK_POLICY: dict[str, Any] = {
    # 容缺受理: deferred materials are due this many working days after acceptance.
    "deferral_working_days": 5,
    # Which of a matter's materials are "non-key" (may be deferred, 容缺) and which proofs a
    # signed commitment replaces (告知承诺). The catalog names each material's source (来源
    # 渠道); by default the proofs issued by government departments are both, and what the
    # applicant prepares (ID, application form) is key. A county lists its own sources here.
    "deferrable_sources": ["政府部门核发"],
    "commitment_sources": ["政府部门核发"],
    # Materials never deferred whatever their source (identity and the application itself).
    "key_materials": ["居民身份证", "申请表", "营业执照", "法定代表人身份证明"],
    # DUE_SOON when this many working days or fewer remain.
    "due_soon_working_days": 1,
    # 好差评: a bad rating is verified within 3 working days and rectified within 15 (of the
    # rating), then the applicant is revisited within 3 (of the rectification or the finding).
    "rating_verify_working_days": 3,
    "rating_rectify_working_days": 15,
    "rating_revisit_working_days": 3,
    # Whom a rating names: who accepted the case (ACCEPTED) or who handed out the result
    # (ISSUED).
    "rated_step": "ACCEPTED",
    # 预约: opening hours (China time) split into slots of this length, each taking this many
    # bookings, on working days, up to this many days ahead.
    "appointment_hours": [["09:00", "12:00"], ["13:30", "17:00"]],
    "appointment_slot_minutes": 30,
    "appointment_capacity": 2,
    "appointment_days_ahead": 14,
}


async def casework_policy(session: AsyncSession) -> dict[str, Any]:
    """The county's casework policy numbers (tenant settings over the defaults)."""
    tenant_id = session_tenant(session)
    if tenant_id is None:
        return policy_from(None)
    tenant = await session.get(Tenant, tenant_id)
    return policy_from(tenant.settings if tenant is not None else None)


def policy_from(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """The policy under a county's settings (``Tenant.settings``), for a caller that has read
    them already."""
    policy = copy.deepcopy(DEFAULT_CASEWORK_POLICY)
    policy.update((settings or {}).get("casework") or {})
    return policy
