"""Fields that a higher domain contributes to a lower domain's GraphQL type.

A site's staff, head and assignments are workforce's business, but ``Site`` is network's type and
network must not import workforce. So workforce declares those fields on a strawberry type of its
own (its resolvers receive the ``Site`` object as ``self``), and the composition root adds them to
``Site`` before the schema is built. Only resolver fields can be contributed: the target's
constructor and data stay its own.

A contributed field is nullable in the schema: the higher domain checks its own permission, and
a reader who may see the ``Site`` but not its staff gets the ``Site`` with ``null`` and a
FORBIDDEN error at that one field — not a ``null`` where the whole object was (GraphQL nulls
the nearest nullable parent of a failed non-null field).
"""

from __future__ import annotations

from strawberry.types.base import StrawberryOptional, get_object_definition


def contribute_fields(target: type, *sources: type) -> None:
    """Append the resolver fields of each ``sources`` type to ``target``'s definition, once."""
    definition = get_object_definition(target, strict=True)
    present = {field.python_name for field in definition.fields}
    for source in sources:
        for field in get_object_definition(source, strict=True).fields:
            if field.base_resolver is None:
                # A plain field declares what the resolvers read from the target object.
                if field.python_name not in present:
                    raise TypeError(f"{target.__name__} has no {field.python_name!r} to read")
                continue
            if field.python_name in present:
                if field in definition.fields:
                    continue  # already contributed (the schema is built more than once)
                raise TypeError(f"{source.__name__}.{field.python_name} is already on {target}")
            if not isinstance(field.type, StrawberryOptional):
                field.type = StrawberryOptional(field.type)
            definition.fields.append(field)
            present.add(field.python_name)
