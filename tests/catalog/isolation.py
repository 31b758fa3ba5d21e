"""Rows of every catalog model for the generic isolation suite (``tests/test_isolation.py``)."""

from __future__ import annotations

from catalog import changes
from catalog.models import ChangeKind
from tests.catalog.helpers import EMPLOYMENT, PENSION, setup_catalog
from tests.factories import County
from tests.isolation_rows import row_maker


@row_maker
async def catalog_rows(county: County) -> None:
    """Departments, matters, a release and state; then an override, a delegation, a bundle and a
    pending change (every catalog table gets rows)."""
    await setup_catalog(county)
    admin = await county.actor("admin")
    head = await county.actor("head_a")
    async with county.db.transaction(county.tenant_id) as session:
        await changes.propose_many(
            session,
            admin,
            [
                (
                    ChangeKind.OVERRIDE_MATTER,
                    {
                        "site_id": str(county.sites["town_a"].id),
                        "matter_code": PENSION,
                        "note": "x",
                    },
                ),
                (
                    ChangeKind.DELEGATE_MATTER,
                    {
                        "site_id": str(county.sites["village_a1"].id),
                        "matter_code": PENSION,
                        "accept": True,
                        "process": False,
                    },
                ),
                (
                    ChangeKind.DEFINE_BUNDLE,
                    {
                        "code": "B-1",
                        "name": "就业参保一件事",
                        "matter_codes": [PENSION, EMPLOYMENT],
                    },
                ),
            ],
        )
        await changes.propose(
            session,
            head,
            ChangeKind.OVERRIDE_MATTER,
            {"site_id": str(county.sites["village_a1"].id), "matter_code": EMPLOYMENT, "note": "y"},
        )
