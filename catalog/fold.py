"""The fold (本级实施清单): a site's effective entries from the county's catalog data.

The county's definitions, then the overrides of every ancestor from the county centre down, then
the site's own; acceptance and processing rights come from the levels at which a matter is
exercised (行使层级) plus delegations (委托下放). ``overriddenAt`` is the nearest site whose
override shaped the entry.

Same standard (无差别受理、同标准办理, 003 §16): a level below may only tighten what it inherits.
The promised limit is the shortest along the chain; a narrowing of the acceptance or processing
right anywhere above holds below (an override never grants a right: rights come from the levels
and delegations alone); a required material is waived only where the county's definition marks
it waivable locally. ``catalog.overrides`` refuses a loosening when it is proposed; the fold
holds the same rule for overrides older than it, and when an upper level tightens later.

Memory: sites that fold a matter alike share one entry object (a pool kept with the release's
data, ``CatalogData.entry_pool``), so a fold is mostly references (~0.1 MB rather than ~1 MB).
Reading the data and caching folds is ``catalog.effective``.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from api.gql.ids import global_id
from catalog.data import CatalogData
from catalog.search import normalise, search_entries
from network.models import SiteLevel

COUNTY = SiteLevel.COUNTY_CENTER.value
SUB = SiteLevel.SUB_CENTER.value
SEARCH_CACHE_PER_SITE = 32


@dataclass
class FoldedCatalog:
    """The effective catalog of one site at one release (or preview version)."""

    site_id: uuid.UUID
    level: str
    release: int | None
    preview: bool
    entries: list[dict[str, Any]]
    keys: list[tuple[str, str]]
    by_code: dict[str, dict[str, Any]]
    _searches: OrderedDict[str, list[dict[str, Any]]] = field(default_factory=OrderedDict)

    def search(self, query: str | None) -> list[dict[str, Any]]:
        """Entries matching ``query`` (all of them without one), best first; cached per query."""
        q = normalise(query)
        if not q:
            return self.entries
        found = self._searches.get(q)
        if found is None:
            found = search_entries(self.entries, self.keys, q)
            self._searches[q] = found
            if len(self._searches) > SEARCH_CACHE_PER_SITE:
                self._searches.popitem(last=False)
        return found


def _base_right(matter: dict[str, Any], site_id: str, level: str, root_id: str) -> bool:
    """May this level exercise the matter by itself (行使层级)?

    County-level matters are handled at the county centre, or at the department's own
    sub-centre when the department sits at one.
    """
    levels = matter["levels"]
    if level == COUNTY:
        return COUNTY in levels and matter.get("departmentSiteId") in (None, root_id)
    if level == SUB:
        return COUNTY in levels and matter.get("departmentSiteId") == site_id
    return level in levels


def may_waive(material: dict[str, Any]) -> bool:
    """A site may waive a material that is optional, or required but marked waivable locally
    by the county's definition (``waivable``)."""
    return not material.get("required", True) or bool(material.get("waivable"))


def _material_shape(changes: dict[str, dict[str, Any]] | None) -> tuple | None:
    if not changes:
        return None
    return tuple(
        (name, change.get("waived"), change.get("note")) for name, change in sorted(changes.items())
    )


def fold(
    data: CatalogData,
    chain: list[tuple[str, str]],
    matters: Sequence[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Entries of the site at the end of ``chain`` (``[(site id, level)]``, county centre first);
    of ``matters`` only (some of ``data.matters``) when given."""
    site_id, level = chain[-1]
    root_id = chain[0][0]
    layers = [
        (sid, lvl, data.overrides_by_site[sid])
        for sid, lvl in chain
        if sid in data.overrides_by_site
    ]
    own_delegations = data.delegations_by_site.get(site_id, {})
    above_delegations = [
        data.delegations_by_site[sid] for sid, _ in chain[:-1] if sid in data.delegations_by_site
    ]
    entries: list[dict[str, Any]] = []
    for matter in data.matters if matters is None else matters:
        code = matter["code"]
        accept = process = _base_right(matter, site_id, level, root_id)
        delegated = own_delegations.get(code)
        if delegated is not None:
            accept = accept or delegated["accept"]
            process = process or delegated["process"]
        for layer in above_delegations:
            delegated = layer.get(code)
            if delegated is not None and delegated["includeBelow"]:
                accept = accept or delegated["accept"]
                process = process or delegated["process"]
        offered = True
        promised = matter["promisedLimitDays"]
        accept_narrowed = process_narrowed = False
        window = matter["comprehensiveWindow"]
        note = acceptance_place = processing_place = None
        material_changes: dict[str, dict[str, Any]] | None = None
        shaped_by: tuple[str, str] | None = None
        for sid, lvl, overrides in layers:
            o = overrides.get(code)
            if o is None:
                continue
            shaped_by = (sid, lvl)
            if o["offered"] is not None:
                offered = o["offered"]
            if o["promisedLimitDays"] is not None:
                promised = min(promised, o["promisedLimitDays"])
            if o["acceptedHere"] is False:
                accept_narrowed = True
            if o["processedHere"] is False:
                process_narrowed = True
            if o["comprehensiveWindow"] is not None:
                window = o["comprehensiveWindow"]
            if o["note"] is not None:
                note = o["note"]
            if o["acceptancePlace"] is not None:
                acceptance_place = o["acceptancePlace"]
            if o["processingPlace"] is not None:
                processing_place = o["processingPlace"]
            if o["materials"]:
                material_changes = dict(material_changes or {})
                for change in o["materials"]:
                    merged = dict(material_changes.get(change["name"], {}))
                    if change.get("waived") is not None:
                        merged["waived"] = change["waived"]
                    if change.get("note") is not None:
                        merged["note"] = change["note"]
                    material_changes[change["name"]] = merged
        if not offered:
            continue
        materials = matter["materials"]
        if material_changes:
            materials = []
            for m in matter["materials"]:
                change = material_changes.get(m["name"])
                if change is None:
                    materials.append(m)
                elif not change.get("waived") or not may_waive(m):
                    materials.append({**m, "note": change.get("note", m.get("note"))})
        accepted = accept and not accept_narrowed
        processed = process and not process_narrowed
        # Sites whose chains shape a matter alike (sibling villages, say) get the very same
        # entry object: a fold is then mostly references, not 1,100 new dicts.
        shape = (
            code,
            accepted,
            processed,
            min(promised, matter["legalLimitDays"]),
            window,
            note,
            acceptance_place,
            processing_place,
            shaped_by,
            _material_shape(material_changes),
        )
        entry = data.entry_pool.get(shape)
        if entry is None:
            entry = data.entry_pool[shape] = {
                "code": code,
                "name": matter["name"],
                "type": matter["type"],
                "basis": matter["basis"],
                "departmentName": matter["departmentName"],
                "serviceObject": matter["serviceObject"],
                "conditions": matter["conditions"],
                "process": matter["process"],
                "handlingKind": matter["handlingKind"],
                "legalLimitDays": matter["legalLimitDays"],
                "promisedLimitDays": min(promised, matter["legalLimitDays"]),
                "feeYuan": matter["feeYuan"],
                "feeBasis": matter["feeBasis"],
                "online": matter["online"],
                "keywords": matter["keywords"],
                "acceptedHere": accepted,
                "processedHere": processed,
                "comprehensiveWindow": window,
                "materials": materials,
                "note": note,
                "acceptancePlace": acceptance_place,
                "processingPlace": processing_place,
                "overriddenAt": (
                    {"id": global_id("Site", shaped_by[0]), "level": shaped_by[1]}
                    if shaped_by
                    else None
                ),
            }
        entries.append(entry)
    return entries


def make_folded(
    data: CatalogData,
    chain: list[tuple[str, str]],
    site_id: uuid.UUID,
    release: int | None,
    preview: bool,
) -> FoldedCatalog:
    entries = fold(data, chain)
    keys = [
        (data.by_code[e["code"]]["pinyin"], data.by_code[e["code"]]["initials"]) for e in entries
    ]
    return FoldedCatalog(
        site_id=site_id,
        level=chain[-1][1],
        release=release,
        preview=preview,
        entries=entries,
        keys=keys,
        by_code={e["code"]: e for e in entries},
    )
