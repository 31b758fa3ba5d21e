"""事项目录 (the matter catalog, DOMAIN.md §5, issue 4).

Modules:

- ``models``: departments, matter definitions (基本目录), overrides (实施清单), delegations
  (委托下放), bundles (一件事), change requests, releases, and ``catalog_state`` per county.
- ``definitions`` / ``overrides`` / ``delegation`` / ``bundles``: the rules of each kind of edit
  (``check_*`` validates against today's approved state, ``apply_*`` writes it).
- ``changes``: every edit is a change request; departments and township heads propose, the county
  office reviews (its own edits are approved at once); approval applies and bumps
  ``draft_version``.
- ``releases``: publishing freezes the approved state into an immutable numbered snapshot; diffs.
- ``data``: the catalog as plain data (working tables or a release snapshot).
- ``fold``: a site's effective entries, folded along its chain (definitions, then each level's
  overrides and delegations).
- ``effective``: the catalog version a request reads, the release / approved data, and the cache
  of folds keyed by (county, site, release) or (county, site, draft, release).
- ``drafts``: who reads the approved, unpublished state, and the reads of its definitions.
- ``ratio``: the one-window ratio (一窗通办比例) of a site or the county against its target.
- ``public``: anonymous reads (the county by its code, sites near a point, a matter's guide).
- ``search``: Chinese substring, full pinyin and initials (pypinyin), over names and keywords.
- ``importer``: ``.xlsx`` with the national element list's headings, all rows or none.
- ``schema/``: the GraphQL (types, loaders, inputs, nodes, queries, public queries, mutations by
  topic, and ``fastpath``, a schema extension serving catalog-only operations from the cached
  plain data); it only translates to the modules above.
- ``demo`` / ``demo_data``: ~1,100 matters for 涟水县, a small catalog for 兰陵县.

Authorization objects (``authz/policy.csv``): ``matter:propose`` (department_admin, at the
department's site), ``matter.override:propose`` (township_head, its township and villages),
``matter.delegate:propose`` (department_admin, own matters), ``catalog:preview`` (department_admin,
township_head); county_admin holds all of them and ``catalog.review:approve``,
``catalog.publish:publish``, ``catalog.import:import``, ``department:create`` through ``*, *``;
supervisors read everything through ``*, read``.
"""
