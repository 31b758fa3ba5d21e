"""Casbin enforcers, one per county, rebuilt when the county's ``authz_version`` moves."""

from __future__ import annotations

import csv
import logging
import threading
import uuid
from functools import cache
from pathlib import Path

import casbin
from casbin.model import Model
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.models import PolicyRule, RoleBinding

HERE = Path(__file__).parent
# pycasbin logs the whole model at INFO each time an enforcer is built, and every refused
# request at WARNING: a refusal is the service working as meant (FORBIDDEN, logged once by
# the schema), not a warning.
logging.getLogger("casbin").setLevel(logging.ERROR)


@cache
def model_text() -> str:
    return (HERE / "model.conf").read_text(encoding="utf-8")


@cache
def default_policy() -> tuple[tuple[str, str, str], ...]:
    rows: list[tuple[str, str, str]] = []
    with (HERE / "policy.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(line for line in fh if line.strip() and not line.startswith("#")):
            kind, role, obj, act = (cell.strip() for cell in row)
            if kind != "p":
                raise ValueError(f"policy.csv holds only p lines, not {kind!r}")
            rows.append((role, obj, act))
    return tuple(rows)


def user_subject(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def site_domain(site_id: uuid.UUID) -> str:
    return f"site:{site_id}"


def tenant_domain(tenant_id: uuid.UUID) -> str:
    return f"tenant:{tenant_id}"


def build_enforcer(
    policies: list[tuple[str, str, str]] | tuple[tuple[str, str, str], ...],
    bindings: list[tuple[str, str, str]],
) -> casbin.Enforcer:
    model = Model()
    model.load_model_from_text(model_text())
    enforcer = casbin.Enforcer(model)
    enforcer.enable_auto_save(False)
    if policies:
        enforcer.add_policies([list(p) for p in policies])
    if bindings:
        enforcer.add_named_grouping_policies("g", [list(b) for b in bindings])
    return enforcer


class Decisions:
    """One county's enforcer at one ``authz_version``, with every answer it gave kept.

    casbin evaluates its matcher expression (simpleeval, which parses it) on each call; a
    county's policy and bindings cannot change under a version, so an answer, once computed,
    holds until the version moves and the whole object is replaced.
    """

    MAX_ANSWERS = 100_000  # (user, site, object, action) combinations kept per county

    def __init__(self, enforcer: casbin.Enforcer) -> None:
        self.enforcer = enforcer
        self._answers: dict[tuple[str, str, str, str], bool] = {}

    def enforce(self, subject: str, domain: str, obj: str, act: str) -> bool:
        key = (subject, domain, obj, act)
        answer = self._answers.get(key)
        if answer is None:
            answer = bool(self.enforcer.enforce(subject, domain, obj, act))
            if len(self._answers) >= self.MAX_ANSWERS:
                self._answers.clear()
            self._answers[key] = answer
        return answer


class EnforcerCache:
    """Per-process cache keyed by (tenant, authz_version); exact, since every grant bumps it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[uuid.UUID, tuple[int, Decisions]] = {}

    def cached(self, tenant_id: uuid.UUID, version: int) -> Decisions | None:
        """The county's enforcer at ``version`` if it is built (no session needed)."""
        entry = self._entries.get(tenant_id)
        return entry[1] if entry is not None and entry[0] == version else None

    async def get(self, session: AsyncSession, tenant_id: uuid.UUID, version: int) -> Decisions:
        found = self.cached(tenant_id, version)
        if found is not None:
            return found
        extra = (
            await session.execute(select(PolicyRule.role, PolicyRule.obj, PolicyRule.act))
        ).all()
        rows = (
            await session.execute(
                select(RoleBinding.user_id, RoleBinding.role, RoleBinding.site_id)
            )
        ).all()
        enforcer = Decisions(
            build_enforcer(
                default_policy() + tuple(tuple(r) for r in extra),
                [(user_subject(u), role, site_domain(s)) for u, role, s in rows],
            )
        )
        with self._lock:
            current = self._entries.get(tenant_id)
            if current is None or current[0] <= version:
                self._entries[tenant_id] = (version, enforcer)
        return enforcer

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


enforcers = EnforcerCache()
