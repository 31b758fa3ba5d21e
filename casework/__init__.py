"""Casework (一窗通办): the one-window case flow of DOMAIN.md §6 and §8 — 前台综合受理、
后台分类审批、统一窗口出件.

Modules:

- ``models``: windows, cases (applicant encrypted, deadline clock), the trace of each case
  (``CaseEvent``), one-time notices (``Notice``), the daily number sequences (all
  ``TenantScoped``; migration ``0006_casework``, RLS on every table).
- ``windows``: open and close a site's windows (``window:open`` / ``window:close`` at the site).
- ``intake``: ``acceptCase`` (front desk today, effective catalog, materials, 容缺, 告知承诺,
  首问负责, number and receipt code) and ``notifyMissing`` (一次性告知).
- ``routing``: the back office that decides a case (the department, or the site holding the
  processing right).
- ``flow``: 补正, decision, issue, withdrawal — separation of duties and conditional updates.
- ``people``: who is on duty where today (from the workforce's assignments).
- ``calendar`` / ``deadlines``: China's working days (``holidays``, 调休 included), due dates,
  the stopped clock and the deadline state.
- ``reading``: who reads a case, the case list, the work queue, the public progress page.
- ``applicants``, ``numbers``, ``events``, ``policy``, ``common``; ``schema/`` (GraphQL only
  translates); ``demo``.

Rules never read the clock: they take ``now`` (an instant; the day is China's calendar day of
it), which the schema layer passes (``casework.schema.clock``).
"""
