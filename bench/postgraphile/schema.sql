-- What a PostGraphile user adds to OneWindow's database to serve the benchmark's workloads:
-- computed columns and one custom query, as SQL functions in a schema of their own. Installed
-- by bench.versus as the owner into the bench's throwaway database (never by a migration);
-- every function is SECURITY INVOKER and STABLE, so the app role's row-level security applies
-- to every row it reads, exactly as to PostGraphile's own SELECTs.

CREATE SCHEMA IF NOT EXISTS bench_pgl;
GRANT USAGE ON SCHEMA bench_pgl TO onewindow_app;

-- The assignments that place their person on ``day`` (OneWindow's workforce ``placing`` rule):
-- in force and not cancelled; a TEMPORARY_COVER beats a VILLAGE_DISPATCH beats the REGULAR post.
CREATE OR REPLACE FUNCTION bench_pgl.placing(a public.staff_assignments, day date)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT a.cancelled_at IS NULL AND a.start_date <= day
    AND (a.end_date IS NULL OR a.end_date >= day)
    AND (
      a.kind = 'TEMPORARY_COVER'
      OR (a.kind = 'VILLAGE_DISPATCH' AND NOT EXISTS (
        SELECT 1 FROM public.staff_assignments o
        WHERE o.staff_id = a.staff_id AND o.cancelled_at IS NULL AND o.start_date <= day
          AND (o.end_date IS NULL OR o.end_date >= day) AND o.kind = 'TEMPORARY_COVER'))
      OR (a.kind = 'REGULAR' AND NOT EXISTS (
        SELECT 1 FROM public.staff_assignments o
        WHERE o.staff_id = a.staff_id AND o.cancelled_at IS NULL AND o.start_date <= day
          AND (o.end_date IS NULL OR o.end_date >= day)
          AND o.kind IN ('TEMPORARY_COVER', 'VILLAGE_DISPATCH')))
    )
$$;

-- Site.staffCount: people placed at the site today, a suspended person not counted.
CREATE OR REPLACE FUNCTION bench_pgl.sites_staff_count(s public.sites)
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT count(DISTINCT a.staff_id)::integer
  FROM public.staff_assignments a JOIN public.staff p ON p.id = a.staff_id
  WHERE a.site_id = s.id AND p.status <> 'SUSPENDED' AND bench_pgl.placing(a, current_date)
$$;

-- Site.childCount.
CREATE OR REPLACE FUNCTION bench_pgl.sites_child_count(s public.sites)
RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT count(*)::integer FROM public.sites c WHERE c.parent_id = s.id
$$;

-- Site.ancestors: from the county centre down, through the closure table.
CREATE OR REPLACE FUNCTION bench_pgl.sites_ancestors(s public.sites)
RETURNS SETOF public.sites LANGUAGE sql STABLE AS $$
  SELECT a.* FROM public.site_closure c JOIN public.sites a ON a.id = c.ancestor_id
  WHERE c.descendant_id = s.id AND c.depth > 0
  ORDER BY c.depth DESC
$$;

-- Site.assignmentsOn(day): the assignments that place people at the site that day.
CREATE OR REPLACE FUNCTION bench_pgl.sites_assignments_on(s public.sites, day date)
RETURNS SETOF public.staff_assignments LANGUAGE sql STABLE AS $$
  SELECT a.* FROM public.staff_assignments a JOIN public.staff p ON p.id = a.staff_id
  WHERE a.site_id = s.id AND bench_pgl.placing(a, day)
  ORDER BY a.post, p.name, a.id
$$;

-- Staff.trainingHours(year).
CREATE OR REPLACE FUNCTION bench_pgl.staff_training_hours(p public.staff, year integer)
RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(ts.hours), 0)
  FROM public.training_attendance ta JOIN public.training_sessions ts ON ts.id = ta.session_id
  WHERE ta.staff_id = p.id AND extract(year FROM ts.held_on) = year
$$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA bench_pgl TO onewindow_app;

-- Query.effectiveCatalog(site): the site's 本级实施清单, folded in SQL the way OneWindow's
-- catalog.fold does it in Python, over the county's approved catalog (the tables; OneWindow
-- serves its latest release, the same rows when nothing was approved after it): the active
-- definitions, the overrides of every site on the chain (closure table) from the county centre
-- down (the nearest wins; the promised limit is the shortest; a narrowing above holds below),
-- the rights of the site's level plus its own delegations and those from above that include
-- the sites below, and the materials a site may waive.
DROP FUNCTION IF EXISTS bench_pgl.effective_catalog(uuid);
DROP TYPE IF EXISTS bench_pgl.catalog_entry;
CREATE TYPE bench_pgl.catalog_entry AS (
  code text,
  name text,
  type text,
  handling_kind text,
  legal_limit_days integer,
  promised_limit_days integer,
  accepted_here boolean,
  processed_here boolean,
  materials json,
  overridden_at_id uuid,
  overridden_at_level text
);

CREATE FUNCTION bench_pgl.effective_catalog(site uuid)
RETURNS SETOF bench_pgl.catalog_entry LANGUAGE sql STABLE AS $$
  WITH chain AS (
    SELECT c.ancestor_id AS id, s.level, c.depth
    FROM public.site_closure c JOIN public.sites s ON s.id = c.ancestor_id
    WHERE c.descendant_id = effective_catalog.site
  ),
  here AS (SELECT id, level FROM chain WHERE depth = 0),
  root AS (SELECT id FROM chain ORDER BY depth DESC LIMIT 1),
  matters AS (
    SELECT m.*, d.site_id AS department_site_id,
      CASE here.level
        WHEN 'COUNTY_CENTER' THEN m.levels::jsonb ? 'COUNTY_CENTER'
          AND (d.site_id IS NULL OR d.site_id = (SELECT id FROM root))
        WHEN 'SUB_CENTER' THEN m.levels::jsonb ? 'COUNTY_CENTER' AND d.site_id = here.id
        ELSE m.levels::jsonb ? here.level
      END AS own_right
    FROM public.catalog_matters m
    LEFT JOIN public.catalog_departments d ON d.id = m.department_id
    CROSS JOIN here
    WHERE m.status = 'ACTIVE'
  ),
  delegated AS (
    SELECT dl.matter_code, bool_or(dl.accept) AS accept, bool_or(dl.process) AS process
    FROM public.catalog_delegations dl JOIN chain ON chain.id = dl.site_id
    WHERE chain.depth = 0 OR dl.include_below
    GROUP BY dl.matter_code
  ),
  layers AS (
    SELECT o.*, chain.depth, chain.level AS site_level
    FROM public.catalog_overrides o JOIN chain ON chain.id = o.site_id
  ),
  overridden AS (
    SELECT l.matter_code,
      (array_agg(l.offered ORDER BY l.depth) FILTER (WHERE l.offered IS NOT NULL))[1] AS offered,
      min(l.promised_limit_days) AS promised,
      bool_or(l.accepted_here IS FALSE) AS accept_narrowed,
      bool_or(l.processed_here IS FALSE) AS process_narrowed,
      (array_agg(l.site_id ORDER BY l.depth))[1] AS shaped_by,
      (array_agg(l.site_level ORDER BY l.depth))[1] AS shaped_level
    FROM layers l GROUP BY l.matter_code
  ),
  material_changes AS (
    SELECT l.matter_code, change->>'name' AS name,
      (array_agg((change->>'waived')::boolean ORDER BY l.depth)
        FILTER (WHERE change->>'waived' IS NOT NULL))[1] AS waived,
      (array_agg(change->>'note' ORDER BY l.depth)
        FILTER (WHERE change->>'note' IS NOT NULL))[1] AS note
    FROM layers l CROSS JOIN LATERAL json_array_elements(l.materials) AS change
    WHERE l.materials IS NOT NULL
    GROUP BY l.matter_code, change->>'name'
  )
  SELECT
    m.code, m.name, m.type, m.handling_kind, m.legal_limit_days,
    least(m.promised_limit_days, o.promised, m.legal_limit_days),
    (m.own_right OR coalesce(d.accept, false)) AND NOT coalesce(o.accept_narrowed, false),
    (m.own_right OR coalesce(d.process, false)) AND NOT coalesce(o.process_narrowed, false),
    CASE WHEN EXISTS (SELECT 1 FROM material_changes mc WHERE mc.matter_code = m.code) THEN (
      SELECT coalesce(json_agg(
        CASE WHEN mc.name IS NULL THEN material
        ELSE (material::jsonb || jsonb_build_object('note', coalesce(mc.note, material->>'note')))::json
        END ORDER BY position), '[]'::json)
      FROM json_array_elements(m.materials) WITH ORDINALITY AS x(material, position)
      LEFT JOIN material_changes mc ON mc.matter_code = m.code AND mc.name = material->>'name'
      WHERE NOT (coalesce(mc.waived, false) AND (
        NOT coalesce((material->>'required')::boolean, true)
        OR coalesce((material->>'waivable')::boolean, false)))
    ) ELSE m.materials END,
    o.shaped_by, o.shaped_level
  FROM matters m
  LEFT JOIN delegated d ON d.matter_code = m.code
  LEFT JOIN overridden o ON o.matter_code = m.code
  WHERE coalesce(o.offered, true)
  ORDER BY m.code
$$;

GRANT EXECUTE ON FUNCTION bench_pgl.effective_catalog(uuid) TO onewindow_app;

-- Query.workQueue(userId, day): what the person may act on that day, earliest deadline first —
-- casework's ``work_queue`` rule (casework/reading.py, casework/people.py) in SQL. A
-- PostGraphile deployment would take the user from its JWT; the bench's token carries only the
-- county, so the client names the user. The person must be placed that day (the ``placing``
-- rule above) and neither left nor suspended (a notice period ends by itself); then
-- - in the APPROVAL post: the cases still ACCEPTED whose processing site is theirs, routed to
--   that site, or to the back office of a department at that site that employs them (its name
--   in ``staff.employer``), not the ones they accepted themselves;
-- - in a front-desk post: the cases accepted at their site that await a supplement, or were
--   decided (APPROVED, REFUSED) by someone else, to be issued.
DROP FUNCTION IF EXISTS bench_pgl.work_queue(uuid, date);
CREATE FUNCTION bench_pgl.work_queue(user_id uuid, day date)
RETURNS SETOF public.casework_cases LANGUAGE sql STABLE AS $$
  WITH me AS (
    SELECT p.id AS staff_id, coalesce(p.employer, '') AS employer, a.site_id, a.post
    FROM public.users u
    JOIN public.staff p ON p.id = u.staff_id
    JOIN public.staff_assignments a ON a.staff_id = p.id
    WHERE u.id = work_queue.user_id
      AND bench_pgl.placing(a, work_queue.day)
      AND p.status NOT IN ('LEFT', 'SUSPENDED')
      AND NOT (p.status = 'NOTICE_GIVEN' AND p.last_day IS NOT NULL
               AND work_queue.day > p.last_day)
  ),
  departments AS (
    SELECT d.id FROM public.catalog_departments d JOIN me ON d.site_id = me.site_id
    WHERE me.post = 'APPROVAL' AND d.name <> '' AND strpos(me.employer, d.name) > 0
  )
  SELECT c.* FROM public.casework_cases c CROSS JOIN me
  WHERE (
      me.post = 'APPROVAL'
      AND c.status = 'ACCEPTED'
      AND c.accepted_by_id <> me.staff_id
      AND c.processing_site_id = me.site_id
      AND (c.route = 'SITE'
           OR (c.route = 'DEPARTMENT' AND c.department_id IN (SELECT id FROM departments)))
    ) OR (
      me.post IN ('CONSULTATION', 'GUIDANCE', 'AGENCY', 'ONLINE', 'INTAKE', 'ISSUE')
      AND c.site_id = me.site_id
      AND (c.status = 'AWAITING_SUPPLEMENT'
           OR (c.status IN ('APPROVED', 'REFUSED')
               AND (c.decided_by_id IS NULL OR c.decided_by_id <> me.staff_id)))
    )
  ORDER BY c.due_date IS NULL, c.due_date, c.accepted_at, c.id
$$;

GRANT EXECUTE ON FUNCTION bench_pgl.work_queue(uuid, date) TO onewindow_app;
