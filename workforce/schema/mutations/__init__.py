"""The workforce's mutations by topic, combined in the order the schema lists them."""

from __future__ import annotations

import strawberry

from workforce.schema.mutations.assignments import AssignmentMutation
from workforce.schema.mutations.certificates import CertificateMutation
from workforce.schema.mutations.heads import HeadMutation
from workforce.schema.mutations.redeployment import RedeploymentMutation
from workforce.schema.mutations.roster import RosterMutation
from workforce.schema.mutations.staff import StaffMutation
from workforce.schema.mutations.training import TrainingMutation
from workforce.schema.mutations.uploads import UploadMutation


@strawberry.type
class WorkforceMutation(
    StaffMutation,
    AssignmentMutation,
    RedeploymentMutation,
    HeadMutation,
    TrainingMutation,
    CertificateMutation,
    UploadMutation,
    RosterMutation,
):
    pass
