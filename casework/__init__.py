"""Casework (一窗通办): the one-window case flow of DOMAIN.md §6 and §8 — 前台综合受理、
后台分类审批、统一窗口出件.

Modules:

- ``models``: windows, cases (applicant encrypted, deadline clock), the trace of each case
  (``CaseEvent``), one-time notices (``Notice``), the daily number sequences (all
  ``TenantScoped``; migration ``0006_casework``, RLS on every table); ratings, follow-ups,
  complaints, calendar days, alerts, slot counts and appointments (``0010_casework_followup``).
- ``windows``: open and close a site's windows (``window:open`` / ``window:close`` at the site).
- ``intake``: ``acceptCase`` (front desk today, effective catalog, materials, 容缺, 告知承诺,
  首问负责, number and receipt code) and ``notifyMissing`` (一次性告知); ``intake_rows``: how
  an intake's rows are written (statements built once, the audit row appended by the intake).
- ``routing``: the back office that decides a case (the department, or the site holding the
  processing right).
- ``flow``: 补正, decision, issue, withdrawal — separation of duties and conditional updates.
- ``people``: who is on duty where today (from the workforce's assignments).
- ``calendar`` / ``deadlines``: China's working days (``holidays``, 调休 included), due dates,
  the stopped clock and the deadline state.
- ``reading``: who reads a case, the case list, the work queue, the public progress page.
- ``ratings``: 好差评 (``rateCase``, public, once per case after issue) and the follow-up of a
  bad one (verify, rectify, revisit; item 4.4 in ``assessment.events``).
- ``complaints``: 办不成事 (a tracker from the site's managers; item 2.1).
- ``trail``: the audit trail and its hash chain (``tenants.audit``), read.
- ``report``: ``serviceReport``, aggregated in SQL.
- ``alerts`` / ``jobs``: the deadline alerts and their job (arq cron, or inline).
- ``county_calendar``: the county's own closures and working days.
- ``appointments``: slots, booking, cancellation, check-in.
- ``applicants``, ``numbers``, ``events``, ``policy``, ``common``, ``scopes``; ``schema/``
  (GraphQL only translates); ``demo``, ``demo_history`` and ``demo_history_rows`` (a year of
  bulk-inserted history across the county).

Rules never read the clock: they take ``now`` (an instant; the day is China's calendar day of
it), which the schema layer passes (``casework.schema.clock``).
"""
