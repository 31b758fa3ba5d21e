"""The assessment's GraphQL: it only translates between GraphQL and the assessment's rules.

- ``enums``, ``types`` (rubric, events, months and scores, years and grades), ``loaders``,
  ``reading`` (who reads which results);
- ``inputs`` (and payloads), ``mutations``, ``queries``, ``nodes``;
- ``staff_fields``: ``Staff.monthlyScores``, contributed to workforce's type at composition.
"""

from __future__ import annotations

import assessment.dismissal  # noqa: F401  (registers its triggers on workforce's review list)
from assessment.schema.mutations import AssessmentMutation
from assessment.schema.nodes import register_nodes
from assessment.schema.queries import AssessmentQuery
from assessment.schema.staff_fields import StaffAssessmentFields

__all__ = ["AssessmentMutation", "AssessmentQuery", "StaffAssessmentFields"]

register_nodes()
