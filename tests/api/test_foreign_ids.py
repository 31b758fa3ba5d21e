"""Every id a mutation takes is checked: a foreign, a random and an out-of-scope id never act.

The walk is driven by the schema, so a new mutation is covered the day it is added: every
argument of every mutation is searched for ``ID`` fields (inside input objects and lists), and
for each one the mutation is sent with that id replaced by

- ``foreign``: an object of the right type in another county,
- ``random``: a well-formed id of the right type that names nothing,
- ``out_of_scope`` (site and staff ids): an object in the neighbouring township, sent by the
  head of the township next door,

while every other id names an object of the caller's own county (and scope) and every other
required field holds a plausible value. Each attempt must be refused *because of the id* (a
``NOT_FOUND`` / ``INVALID_ID`` / ``FORBIDDEN`` error, or a userError naming the field), never
succeed, never be an internal error, and leave every table as it was.

An id field whose object type the walk cannot name fails the suite: map it in :data:`ID_TYPES`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, literal, select, union_all

from api.gql.ids import global_id
from api.schema import build_schema
from graphql import (
    GraphQLEnumType,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)
from tenants.models import tenant_scoped_models
from tests.support.factories import County
from tests.support.graphql import gql
from tests.support.isolation import ROW_MAKERS, node_model
from tests.support.workforce import pin_today
from workforce.models import Staff

COUNTY_NAMES = ("本县", "外县")
TODAY = date(2026, 11, 30)

# The object type an id field names, by the field's name; ``(mutation, field)`` first.
ID_TYPES: dict[tuple[str, str] | str, str] = {
    ("updateSite", "id"): "Site",
    ("closeSite", "id"): "Site",
    ("updateStaff", "id"): "Staff",
    "parentId": "Site",
    "scopeId": "Site",
    "siteId": "Site",
    "toSiteId": "Site",
    "staffId": "Staff",
    "staffIds": "Staff",
    "userId": "User",
    "assignmentId": "Assignment",
    "appointmentId": "HeadAppointment",
    "programId": "TrainingProgram",
    "sessionId": "TrainingSession",
    "departmentId": "Department",
    "changeId": "CatalogChange",
    "windowId": "Window",
    "caseId": "Case",
    "orderId": "RedeploymentOrder",
    "followUpId": "RatingFollowUp",
    "complaintId": "Complaint",
    "staffAtFaultId": "Staff",
    "eventId": "AssessmentEvent",
}
# acceptCase's appointmentId names a booking (an appointment slot), not a head appointment.
ID_TYPES[("acceptCase", "appointmentId")] = "Appointment"

# Plausible values for required scalars the walk does not vary, by field name, then by type.
VALUES_BY_NAME: dict[str, object] = {
    "name": "测试名称",
    "reason": "测试原因",
    "phone": "13800000000",
    "code": "T-0001",
    "post": "INTAKE",
    "kind": "REGULAR",
}
VALUES_BY_TYPE: dict[str, object] = {
    "String": "测试",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": TODAY.isoformat(),
    "DateTime": f"{TODAY.isoformat()}T09:00:00+08:00",
    "Decimal": "1",
    "JSON": {},
}
# What a mutation needs beyond those to get as far as its ids: field name → value.
EXAMPLES: dict[str, dict[str, object]] = {
    "createSite": {"level": "VILLAGE_STATION", "name": "测试村"},
    "grantRole": {"role": "WINDOW_STAFF"},
    "reportUnresolved": {"contactPhone": "13800000000"},
    "adjustMonthlyGrade": {"month": "2025-03"},
    "revokeRole": {"role": "WINDOW_STAFF"},
}
# Where a mutation's valid site ids point, when not at 甲一村 (village_a1) / 乙镇 for the head.
VALID_SITE: dict[str, str] = {"proposeHead": "town_a"}
REFUSING_CODES = {"NOT_FOUND", "INVALID_ID", "FORBIDDEN"}
# Mutations whose ids the walk cannot send: they take an upload (multipart), covered elsewhere.
NOT_WALKED = {"importRoster", "importCatalog"}


@dataclass(frozen=True)
class IdField:
    mutation: str
    path: tuple[str, ...]  # argument, then input fields down to the id
    type_name: str | None

    @property
    def id(self) -> str:
        return f"{self.mutation}:{'.'.join(self.path)}"


def _schema():
    return build_schema()._schema


def _id_paths(graphql_type, path: tuple[str, ...], out: list[tuple[str, ...]]) -> None:
    named = get_named_type(graphql_type)
    if named is GraphQLID:
        out.append(path)
    elif isinstance(named, GraphQLInputObjectType):
        for name, field in named.fields.items():
            _id_paths(field.type, (*path, name), out)


def _id_fields() -> list[IdField]:
    fields = []
    for mutation, field in _schema().mutation_type.fields.items():
        if mutation in NOT_WALKED:
            continue
        paths: list[tuple[str, ...]] = []
        for name, argument in field.args.items():
            _id_paths(argument.type, (name,), paths)
        for path in paths:
            type_name = ID_TYPES.get((mutation, path[-1]), ID_TYPES.get(path[-1]))
            fields.append(IdField(mutation, path, type_name))
    return fields


ID_FIELDS = _id_fields()


def test_every_id_field_names_its_type():
    unknown = [f.id for f in ID_FIELDS if f.type_name is None]
    assert not unknown, f"map these id fields to their object type in ID_TYPES: {unknown}"


# --- building a request ---------------------------------------------------------------------


@dataclass
class Ids:
    """Global ids of one county's objects, by type: the one to use where an id is valid."""

    by_type: dict[str, str]

    def of(self, type_name: str) -> str:
        return self.by_type.get(type_name) or global_id(type_name, uuid.uuid4())


def _value(
    graphql_type,
    name: str,
    ids: Ids,
    walked: tuple[str, ...],
    here: tuple,
    bad: str,
    example: dict[str, object],
):
    """A value for a field: the bad id on the walked path, valid ids elsewhere, plausible
    scalars for what is required; ``None`` for what may be left out."""
    required = isinstance(graphql_type, GraphQLNonNull)
    inner = graphql_type.of_type if required else graphql_type
    on_path = walked[: len(here)] == here
    if isinstance(inner, GraphQLList):
        item = _value(inner.of_type, name, ids, walked, here, bad, example)
        return None if item is None else [item]
    if inner is GraphQLID:
        if here == walked:
            return bad
        if not required:
            return None
        type_name = ID_TYPES.get(name)
        return ids.of(type_name) if type_name else global_id("Unknown", uuid.uuid4())
    if isinstance(inner, GraphQLInputObjectType):
        if not required and not on_path:
            return None
        built = {}
        for field_name, field in inner.fields.items():
            value = _value(field.type, field_name, ids, walked, (*here, field_name), bad, example)
            if value is not None:
                built[field_name] = value
        return built
    if name in example:
        return example[name]
    if not required:
        return None
    if isinstance(inner, GraphQLEnumType):
        preferred = VALUES_BY_NAME.get(name)
        return preferred if preferred in inner.values else next(iter(inner.values))
    if isinstance(inner, GraphQLScalarType):
        if name in VALUES_BY_NAME and inner.name == "String":
            return VALUES_BY_NAME[name]
        return VALUES_BY_TYPE.get(inner.name, "测试")
    return None


def _request(field: IdField, ids: Ids, bad: str) -> tuple[str, dict]:
    mutation = _schema().mutation_type.fields[field.mutation]
    variables, declarations, arguments = {}, [], []
    for name, argument in mutation.args.items():
        value = _value(
            argument.type, name, ids, field.path, (name,), bad, EXAMPLES.get(field.mutation, {})
        )
        if value is None:
            continue
        variables[name] = value
        declarations.append(f"${name}: {argument.type}")
        arguments.append(f"{name}: ${name}")
    payload = get_named_type(mutation.type)
    selection = (
        "userErrors { field code message }"
        if "userErrors" in getattr(payload, "fields", {})
        else "__typename"
    )
    signature = f"({', '.join(declarations)})" if declarations else ""
    call = f"({', '.join(arguments)})" if arguments else ""
    document = f"mutation Walk{signature} {{ {field.mutation}{call} {{ {selection} }} }}"
    return document, variables


# --- the world ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def populated(two_counties) -> tuple[County, County]:
    for county in two_counties:
        for maker in ROW_MAKERS:
            await maker(county)
    return two_counties


# ``_ids`` answers, per (county, inside, staff name): every case leaves the tables as they were
# (it asserts so), so the objects found for the first case are those of every later one.
_IDS_FOUND: dict[tuple[uuid.UUID, str, str], Ids] = {}


async def _ids(county: County, *, inside: str, staff_name: str) -> Ids:
    """An object of every node type in ``county``; sites and staff those of ``inside``."""
    key = (county.tenant_id, inside, staff_name)
    if key not in _IDS_FOUND:
        _IDS_FOUND[key] = await _find_ids(county, inside=inside, staff_name=staff_name)
    return _IDS_FOUND[key]


async def _find_ids(county: County, *, inside: str, staff_name: str) -> Ids:
    found: dict[str, str] = {}
    async with county.db.session(county.tenant_id) as session:
        for type_name in {t for t in ID_TYPES.values()}:
            model = node_model(type_name)
            if model is None:
                continue
            row_id = await session.scalar(select(model.id).order_by(model.id).limit(1))
            if row_id is not None:
                found[type_name] = global_id(type_name, row_id)
        staff_id = await session.scalar(select(Staff.id).where(Staff.name == staff_name))
    found["Site"] = county.site_gid(inside)
    if staff_id is not None:
        found["Staff"] = global_id("Staff", staff_id)
    return Ids(found)


async def _fingerprint(county: County) -> tuple[int, ...]:
    """Rows per table of ``county`` (what any change would alter, except pure updates, which the
    response itself shows)."""
    counts = [
        select(literal(model.__tablename__).label("t"), func.count().label("n")).select_from(model)
        for model in tenant_scoped_models()
    ]
    async with county.db.session(county.tenant_id) as session:
        rows = (await session.execute(union_all(*counts))).all()
    return tuple(sorted((t, n) for t, n in rows))


def _refused_for_the_id(body: dict, field: IdField) -> str | None:
    """Why the response does not show a refusal because of the walked id (``None``: it does)."""
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code in REFUSING_CODES:
            return None
        return f"error {code!r}: {error.get('message')}"
    result = (body.get("data") or {}).get(field.mutation)
    if not result or "userErrors" not in result:
        return f"succeeded: {result}"
    errors = result["userErrors"]
    if not errors:
        return "succeeded without userErrors"
    name = field.path[-1]
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    for error in errors:
        if (
            error["code"] in REFUSING_CODES
            or name in (error["field"] or "")
            or snake in (error["field"] or "")
        ):
            return None
    return f"refused for another reason: {errors}"


VARIANTS = ("foreign", "random", "out_of_scope")


# Scope is a matter of sites and the people at them.
SCOPED = {"Site", "Staff"}
CASES = [
    pytest.param(field, variant, id=f"{field.id}-{variant}")
    for field in ID_FIELDS
    if field.type_name
    for variant in VARIANTS
    if variant != "out_of_scope" or field.type_name in SCOPED
]


@pytest.mark.parametrize(("field", "variant"), CASES)
async def test_a_bad_id_never_acts(client, populated, monkeypatch, field, variant):
    pin_today(monkeypatch, TODAY)
    home, other = populated
    valid_site = VALID_SITE.get(field.mutation, "village_a1")
    if variant == "out_of_scope":
        # The head of 甲镇 (town_a) aims at 乙镇 (town_b) and its people.
        caller = home.token("head_a")
        ids = await _ids(home, inside=valid_site, staff_name="隔离测试")
        elsewhere = await _ids(home, inside="town_b", staff_name="隔离测试二")
        bad = elsewhere.of(field.type_name)
    else:
        caller = home.token("admin")
        ids = await _ids(home, inside=valid_site, staff_name="隔离测试")
        if variant == "foreign":
            foreign = await _ids(other, inside="village_a1", staff_name="隔离测试")
            assert field.type_name in foreign.by_type, (
                f"no {field.type_name} in the other county: add rows in tests/support/isolation.py"
            )
            bad = foreign.of(field.type_name)
        else:
            bad = global_id(field.type_name, uuid.uuid4())
    document, variables = _request(field, ids, bad)
    before = (await _fingerprint(home), await _fingerprint(other))
    body = await gql(client, document, variables, caller)
    after = (await _fingerprint(home), await _fingerprint(other))
    assert after == before, f"{field.id} changed rows with a {variant} id: {body}"
    problem = _refused_for_the_id(body, field)
    assert problem is None, f"{field.id} with a {variant} id: {problem}\n{document}\n{variables}"
