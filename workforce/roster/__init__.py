"""花名册 (roster) import and export as ``.xlsx`` with the headings a county office uses.

- ``labels``: the words the files use for the workforce's values;
- ``importing``: the template, and import (every row checked; the whole file or nothing, with a
  per-row report);
- ``exporting``: a background job writes the roster of a site's subtree and stores it.
"""

from __future__ import annotations

from workforce.roster.exporting import (
    export_request,
    export_scope,
    export_work,
    roster_rows,
    roster_workbook,
)
from workforce.roster.importing import (
    ImportReport,
    RosterRefused,
    RowReport,
    import_roster,
    template_bytes,
)

__all__ = [
    "ImportReport",
    "RosterRefused",
    "RowReport",
    "export_request",
    "export_scope",
    "export_work",
    "import_roster",
    "roster_rows",
    "roster_workbook",
    "template_bytes",
]
