"""Recording a skill certificate (职业技能等级证书)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import input_id
from api.storage import storage_for
from workforce import certificates
from workforce.schema.inputs import RecordCertificateInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import StaffPayload
from workforce.schema.types import StaffType


@strawberry.type
class CertificateMutation:
    @strawberry.mutation(description="登记职业技能等级证书")
    async def record_certificate(self, info: Info, input: RecordCertificateInput) -> StaffPayload:
        files = storage_for(app_context(info).settings)
        staff, errors = await changed(
            info,
            StaffType.from_row,
            lambda session, actor: certificates.record_certificate(
                session,
                actor,
                files,
                staff_id=input_id(input.staff_id, "Staff", "staffId"),
                level=input.level,
                number=input.number,
                issued_on=input.issued_on,
                scan_key=input.scan_upload_key,
            ),
        )
        return StaffPayload(staff=staff, user_errors=errors)
