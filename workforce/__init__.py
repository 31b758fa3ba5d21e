"""Workforce (窗口工作人员统一管理): the county's central pool of window staff.

Modules:

- ``models``: staff, assignments, redeployment orders and moves, head appointments, training
  programs / sessions / attendance, certificates (all ``TenantScoped``; migration
  ``0002_workforce``, RLS on every table).
- ``personal``: resident ID numbers (``stdnum.cn.ric``), Fernet encryption at rest under an
  HKDF-derived key from ``settings.secret_key``, an HMAC-SHA256 lookup hash for uniqueness,
  masking. The API only shows ``maskedIdNumber``; phones are unmasked for county administrators
  (``staff.phone:unmask``, which ``*, read`` does not grant) and for the person.
- ``staff`` (hire, update, resign, suspend, reinstate), ``listing`` (the registry and a site's
  assignments a page at a time), ``assignments`` (effective dating, what is in force where),
  ``redeployment``, ``heads``, ``training``, ``certificates``, ``roster`` (xlsx import/export),
  ``uploads``, ``jobs`` (the export job, who reads a job), ``access`` (who reads a record),
  ``schema`` (GraphQL only translates), ``demo``.

Day boundaries: an assignment's ``start_date`` and ``end_date`` are both inclusive; a new
REGULAR (or VILLAGE_DISPATCH) assignment from ``S`` closes the previous one on ``S - 1``. On a day
a person counts at the site of their TEMPORARY_COVER, else their VILLAGE_DISPATCH, else their
REGULAR assignment. Probation and the notice period end by the calendar: ``status`` is computed
for the day (PROBATION → ACTIVE after ``probation_end``, NOTICE_GIVEN → LEFT after ``last_day``).

Policy numbers (notice days, probation months, longest cover, certificate months) are read from
the tenant's settings (``tenants.policy.DEFAULT_POLICY["workforce"]``).
"""
