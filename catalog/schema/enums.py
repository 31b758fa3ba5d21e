"""The catalog's enums as GraphQL enums, registered once with their descriptions: the schema
modules import them from here, so the registration always comes first."""

from __future__ import annotations

import strawberry

from catalog import models

MatterType = strawberry.enum(models.MatterType, name="MatterType", description="事项类型")
HandlingKind = strawberry.enum(
    models.HandlingKind, name="HandlingKind", description="办件类型:即办件 / 承诺件"
)
ServiceObject = strawberry.enum(models.ServiceObject, name="ServiceObject", description="服务对象")
MaterialForm = strawberry.enum(models.MaterialForm, name="MaterialForm", description="材料形式")
MaterialKind = strawberry.enum(models.MaterialKind, name="MaterialKind", description="材料类型")
MatterStatus = strawberry.enum(models.MatterStatus, name="MatterStatus")
ChangeKind = strawberry.enum(models.ChangeKind, name="ChangeKind", description="变更种类")
ChangeStatus = strawberry.enum(models.ChangeStatus, name="ChangeStatus", description="审核状态")
