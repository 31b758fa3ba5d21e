"""Plans of casework.graphql: WorkQueue, Cases and CaseDetail.

The rules are the casework's own: who is on duty and which departments an approver staffs
(``casework.people``, on the request's session), who may read a case
(``casework.reading.can_read_case``, on the session when the cheap checks do not already allow
it), the deadline state and the working days used (``casework.deadlines``, pure functions of a
case's columns, the county's calendar and today). What is planned here is the reading: one
statement for a page of cases with their site, one for a case with everything CaseDetail shows.

Cases is planned without a date range or a search (those step aside); its ``totalCount`` is
the maintained counts' (``casework.counts.total``), as the resolver's, or counted when a
deadline state is asked for.
"""

from api.planned.casework.detail import case_detail
from api.planned.casework.listing import cases
from api.planned.casework.queue import work_queue

__all__ = ["case_detail", "cases", "work_queue"]
