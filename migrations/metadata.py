"""Import every domain's models so that ``Base.metadata`` is complete."""

from __future__ import annotations

import accounts.models
import assessment.models
import authz.models
import casework.models
import catalog.models
import network.models
import pay.models
import tenants.models
import workers.models
import workforce.models
from tenants.base import Base

MODEL_MODULES = (
    tenants.models,
    accounts.models,
    authz.models,
    network.models,
    catalog.models,
    workforce.models,
    workers.models,
    casework.models,
    assessment.models,
    pay.models,
)
target_metadata = Base.metadata
