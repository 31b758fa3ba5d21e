"""修改场所信息: a site's own fields changed, by statements built once.

UpdateSite is the network's most frequent write (addresses, hours, coordinates, zones), so it
is written as a hot write is (``casework.intake_rows``): the site and its place in the tree
read by one statement, the change made by one ``UPDATE`` naming the columns it sets, the
audit row appended with the chain head's new hash — no unit of work. On PostgreSQL the
``UPDATE`` and the audit row are one statement (``tenants.audit.append_after``: the database
advances the head and finishes the row's hash): the site is locked before the head, as every
writer takes them, and the head is only taken when the site was updated. Elsewhere, and for
a rename, the row is appended after the update (``tenants.audit.take_link``, ``append``).

A new name renames the subtree (official names embed the ancestors' names): that rare change
writes the other sites through the ORM, before the head is taken.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from authz.guard import Actor
from network import naming, standards, tree
from network import zones as zones_rule
from network.access import require_in, site_object
from network.models import Site, SiteLevel, SiteStatus, StandardClass
from network.service import (
    NAME_MAX,
    check_location,
    check_text_fields,
    name_taken,
    official_name,
)
from tenants import audit, prepared
from tenants.base import utcnow
from tenants.context import TENANT_KEY
from tenants.errors import Collector, refuse
from tenants.values import UNSET

SITES = Site.__table__
# Columns an update may set (besides ``updated_at``), in the order statements name them.
SETTABLE = (
    "name",
    "official_name",
    "address",
    "lat",
    "lng",
    "standard_class",
    "opening_hours",
    "managing_department",
    "zones",
)


@functools.cache
def _read_statement(dialect: str) -> Executable:
    """The site (of the county named: no ORM filter on Core) and, on PostgreSQL, its ancestor
    ids from itself up (``tree.ancestor_ids``' order) as one more column."""
    query = select(SITES).where(
        SITES.c.id == bindparam("site_id"), SITES.c.tenant_id == bindparam("county_id")
    )
    if dialect != "postgresql":
        return query
    ancestors = tree.ancestor_ids_of(SITES.c.id, bindparam("county_id"))
    return query.add_columns(ancestors.label("ancestor_ids"))


@functools.cache
def _update_statement(dialect: str, columns: tuple[str, ...], with_head: bool) -> Executable:
    """``UPDATE sites SET <columns>, updated_at`` of an open site, returning its id; with
    ``with_head`` (PostgreSQL), the ``WITH`` part of ``tenants.audit.append_after``: the
    audit row appended in the same statement, only when the site was updated. Built once
    per set of columns."""
    update = (
        SITES.update()
        .where(
            # not named for a column: an UPDATE's parameter named so would be SET
            SITES.c.id == bindparam("site_id"),
            SITES.c.tenant_id == bindparam("county_id"),
            SITES.c.status == SiteStatus.OPEN,
        )
        .values({column: bindparam(f"new_{column}") for column in (*columns, "updated_at")})
        .returning(SITES.c.id)
    )
    if not with_head:
        return update
    return audit.append_after(update.cte("site_update"))


async def update_site(
    session: AsyncSession,
    actor: Actor,
    site_id: uuid.UUID,
    *,
    name: str | None = None,
    address: Any = UNSET,
    location: Any = UNSET,
    standard_class: StandardClass | None = None,
    opening_hours: Any = UNSET,
    managing_department: Any = UNSET,
    zones: Any = UNSET,
) -> dict[str, Any]:
    """The site's columns as changed (``UNSET``: keep; ``None`` for an optional field:
    clear) — values, not an ORM object: building one costs more than the rest of the
    answer."""
    connection = await prepared.session_connection(session)
    dialect = connection.dialect.name
    tenant_id = session.info.get(TENANT_KEY)
    parameters = {"site_id": site_id, "county_id": tenant_id}
    row = (await prepared.execute(connection, _read_statement(dialect), parameters)).first()
    if row is None:
        raise refuse("id", "NOT_FOUND", "场所不存在")
    values = dict(row._mapping)
    ancestors = values.pop("ancestor_ids", None) or await tree.ancestor_ids(session, site_id)
    level: SiteLevel = values["level"]
    where = values["official_name"]
    await require_in(session, actor, site_object(level), "update", ancestors, where)
    if standard_class is not None and standard_class is not values["standard_class"]:
        await require_in(session, actor, *standards.SET_CLASS, ancestors, where)

    errors = Collector()
    check_text_fields(
        errors,
        name=name,
        address=None if address is UNSET else address,
        hours=None if opening_hours is UNSET else opening_hours,
        dept=None if managing_department is UNSET else managing_department,
    )
    if location is not UNSET:
        check_location(errors, location)
    if values["status"] is SiteStatus.CLOSED:
        errors.add("id", "SITE_CLOSED", "场所已撤销,不能修改")
    new_name = naming.own_name(level, name) if name is not None else None
    if new_name is not None and len(new_name) <= NAME_MAX:
        naming.check_name(errors, level, new_name)
    cleaned_zones = zones_rule.clean_zones(errors, zones) if zones is not UNSET else UNSET
    renamed = bool(new_name) and new_name != values["name"]
    if (
        renamed
        and len(new_name) <= NAME_MAX  # type: ignore[arg-type]
        and await name_taken(session, values["parent_id"], new_name, exclude=site_id)  # type: ignore[arg-type]
    ):
        errors.add("name", "DUPLICATE_NAME", f"同一上级下已有名为「{new_name}」的场所")
    errors.raise_if_any()

    new: dict[str, Any] = {}
    detail: dict[str, Any] = {}
    if address is not UNSET:
        new["address"] = detail["address"] = address
    if location is not UNSET:
        new["lat"], new["lng"] = (location.lat, location.lng) if location else (None, None)
        detail["location"] = [new["lat"], new["lng"]]
    if standard_class is not None:
        new["standard_class"] = standard_class
        detail["standardClass"] = standard_class.value
    if opening_hours is not UNSET:
        new["opening_hours"] = detail["openingHours"] = opening_hours
    if managing_department is not UNSET:
        new["managing_department"] = detail["managingDepartment"] = managing_department
    if cleaned_zones is not UNSET:
        new["zones"] = cleaned_zones
        detail["zones"] = [z["kind"] for z in cleaned_zones]
    chain: list[tuple[SiteLevel, str]] = []  # the names above the site, when it is renamed
    if renamed:
        detail["name"] = [values["name"], new_name]
        new["name"] = new_name
        # locked: a rename above committing meanwhile would leave this name stale
        chain = await tree.names_above(session, site_id)
        new["official_name"] = official_name([*chain, (level, new_name)])  # type: ignore[list-item]
    now = new["updated_at"] = utcnow()

    columns = tuple(column for column in SETTABLE if column in new)
    with_head = dialect == "postgresql" and not renamed
    statement = _update_statement(dialect, columns, with_head)
    arguments = {**parameters, **{f"new_{key}": value for key, value in new.items()}}
    trail = {
        "at": now,
        "actor_label": actor.label,
        "action": "site.update",
        "object_type": "Site",
        "object_id": site_id,
        "detail": detail,
    }
    if with_head:
        arguments.update(audit.after_parameters(tenant_id, **trail))
    written = (await prepared.execute(connection, statement, arguments)).first()
    if written is None or (with_head and not written.written):  # closed since it was read
        raise refuse("id", "SITE_CLOSED", "场所已撤销,不能修改")
    _keep_in_session(session, site_id, new)
    if renamed:
        await _rename_subtree(session, site_id, chain)
        await session.flush()  # the other sites before the chain head, as every writer
    if not with_head:
        link = await audit.take_link(connection, tenant_id)
        await audit.append(connection, audit.linked_row(tenant_id, link, **trail))
    values.update(new)
    return values


def _keep_in_session(session: AsyncSession, site_id: uuid.UUID, new: dict[str, Any]) -> None:
    """A copy of the site the session already holds takes the written values as its own (its
    other pending changes, if any, stay pending)."""
    held_objects = session.sync_session.identity_map
    held = held_objects.get(identity_key(Site, site_id)) if held_objects else None
    if held is not None:
        for key, value in new.items():
            set_committed_value(held, key, value)


async def _rename_subtree(
    session: AsyncSession, site_id: uuid.UUID, chain_above: list[tuple[SiteLevel, str]]
) -> None:
    """Official names embed ancestors' names: recompute them for the subtree below the site
    (whose own new names are written; ``chain_above``: the names above it, as read locked)."""
    subtree = await tree.subtree(session, site_id)
    names: dict[uuid.UUID, list[tuple[SiteLevel, str]]] = {}
    for node in subtree:
        above = chain_above if node.id == site_id else names[node.parent_id]  # type: ignore[index]
        chain = [*above, (node.level, node.name)]
        names[node.id] = chain
        if node.id != site_id:
            node.official_name = official_name(chain)
