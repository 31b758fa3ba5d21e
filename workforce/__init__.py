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
  assignments a page at a time, unstaffed sites), ``search`` (name, pinyin, full ID number by
  its lookup hash), ``assignments`` (effective dating, what is in force where, who counts),
  ``posts`` (qualified posts and the two teams: APPROVAL for civil servants), ``corrections``
  (the county office's audited correction of history), ``redeployment`` (orders and their
  revocation), ``heads`` (the county office's prior opinion), ``training``, ``certificates``
  (warnings and the missed deadline), ``review`` (the review list: a registry of dismissal
  triggers other domains add to), ``separation`` (dismissal, removal from the window),
  ``roster`` (xlsx import/export), ``uploads``, ``jobs`` (the export job, who reads a job),
  ``access`` (who reads a record), ``schema`` (GraphQL only translates), ``demo``.

History is a record: assignments and orders start and end today or later; the past changes
only by ``corrections.correct_assignment`` (county office, reason, audited old and new values);
an order is revoked before its date and everything it did is restored exactly; a cancelled
assignment stays as a record and takes part in nothing. Hiring and the roster import record
people as they already are (a past hire date is a fact, not a rewrite).

Who does what (001 §四(二)1, §四(四)1), default policy: the county office everything; a township
head hires into its township and villages, moves its own people between them (regular posts,
covers, village dispatch — checked where the person works as well as at the target) and records
their certificates; a department administrator the same within its sub-centre; orders,
corrections and dismissal stay with the county office.

Day boundaries: an assignment's ``start_date`` and ``end_date`` are both inclusive; a new
REGULAR (or VILLAGE_DISPATCH) assignment from ``S`` closes the previous one on ``S - 1``. On a day
a person counts at the site of their TEMPORARY_COVER, else their VILLAGE_DISPATCH, else their
REGULAR assignment. Probation and the notice period end by the calendar: ``status`` is computed
for the day (PROBATION → ACTIVE after ``probation_end``, NOTICE_GIVEN → LEFT after ``last_day``).

Policy numbers (notice days, probation months, longest cover, certificate months, the
employment types that may approve) are read from the tenant's settings
(``tenants.policy.DEFAULT_POLICY["workforce"]``).
"""
