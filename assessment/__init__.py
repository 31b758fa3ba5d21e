"""考核: the monthly and yearly assessment of window staff by 001's rubric (考核细则 1.1–6.5),
DOMAIN.md §4 and §7.

Below casework, which records its system events (4.4 verified bad rating, 2.1 substantiated
complaint) here; above the workforce, whose people and sites it scores; pay reads its rewards.

Modules:

- ``models``: events, rubric versions, months and their scores, years and their grades (all
  ``TenantScoped``; migration ``0011_assessment_pay``, RLS on every table);
- ``rubric_data`` (the annex as data), ``rubric`` (versions: seeded when a county opens, edited
  as a new version from a month not yet closed; a month is scored with the version in force on
  its first day), ``policy`` (the county's numbers over DOMAIN §7's defaults);
- ``recording`` (events by who manages the person's site; voiding with a reason), ``events``
  (the system's own, idempotent per source);
- ``scoring`` (the arithmetic on plain data), ``people`` (who is assessed: front-desk staff in
  service in the month), ``monthly`` (close, adjust, publish, correct), ``annual`` (the year's
  rules in order, with reasons), ``jobs`` (the closes as jobs), ``dismissal`` (ANNUAL_FAIL and
  REPEATED_ABSENCE on workforce's review list), ``records`` (a person's own record and who reads
  it), ``months``, ``schema/`` (GraphQL only translates), ``demo``.

Defaults chosen where the documents are silent (beyond DOMAIN §7): the people assessed are the
staff with a front-desk post; the quota counts everyone assessed that month, suspended people
included (全县窗口工作人员总数); "two consecutive months" are calendar months (a suspended month
between two POOR ones breaks the run); a 5.5 event is grave only in its "造成严重影响" case;
recording or voiding an event of a closed month sends it back to OPEN (closed again before it is
published); a person's own view shows published months only; under investigation means the
workforce's SUSPENDED status when the month is closed, and the month is settled by
``adjustMonthlyGrade`` once the case has ended.
"""
