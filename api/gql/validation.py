"""Validation remembered per query text.

Strawberry's ``ValidationCache`` keys an ``lru_cache`` on the parsed document, so every request
hashes the whole syntax tree again (graphql-core's nodes hash field by field, uncached): for
a shipped document holding every operation of its file, a few milliseconds a request. The
parse cache already returns one document per query text, so the text (a string, whose hash
Python keeps) and the rules in force identify the verdict just as well.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from api.lru import LRU


class ValidationByText(SchemaExtension):
    """Validates a query text once per set of rules; later requests reuse the errors."""

    _verdicts: LRU = LRU(1024)  # (query text, rules) → validation errors

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, query = context.graphql_document, context.query
        if document is not None and context.validation_rules:
            key = (query, context.validation_rules) if query is not None else None
            errors = self._verdicts.get(key) if key is not None else None
            if errors is None:
                errors = validate_document(
                    context.schema._schema, document, context.validation_rules
                )
                if key is not None:
                    self._verdicts.put(key, errors)
            context.pre_execution_errors = errors
        yield
