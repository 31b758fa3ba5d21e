"""The audit row's hash (``tenants.audit_hash.row_hash``) is SHA-256 of one JSON list; its
parts around the number and the previous hash (which ``append_after`` has the database join)
make exactly that text, whatever the row holds."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import UTC, datetime, timedelta

from tenants import audit, audit_hash

TEXTS = ["", "甲镇\u2028一村", 'quote " and \\ back', "\x01控制", "emoji 🏠", "a" * 200]


def _row(rng: random.Random) -> dict:
    detail_choices = [
        None,
        {"address": rng.choice(TEXTS), "location": [rng.random() * 90, None]},
        {"zones": ["a", "b"], "n": rng.randint(-(10**12), 10**12), "nested": {"z": 1, "a": [1.5]}},
        {"name": [rng.choice(TEXTS), rng.choice(TEXTS)], "flag": True, "tuple": (1, 2)},
    ]
    return {
        "tenant_id": uuid.UUID(int=rng.getrandbits(128)),
        "seq": rng.choice([1, 9, 10, 12345678901]),
        "row_id": uuid.UUID(int=rng.getrandbits(128)),
        "at": datetime(2026, 11, 30, tzinfo=UTC) + timedelta(microseconds=rng.randint(0, 10**12)),
        "actor": rng.choice(TEXTS),
        "action": "site.update",
        "object_type": "Site",
        "object_id": rng.choice([None, str(uuid.UUID(int=rng.getrandbits(128)))]),
        "detail": rng.choice(detail_choices),
        "note": rng.choice([None, *TEXTS]),
        "prev_hash": rng.choice(
            [audit_hash.GENESIS, hashlib.sha256(b"x").hexdigest(), 'tampered"\\']
        ),
    }


def _by_definition(row: dict) -> str:
    content = [
        str(row["tenant_id"]),
        row["seq"],
        str(row["row_id"]),
        row["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        row["actor"],
        row["action"],
        row["object_type"],
        row["object_id"],
        json.loads(json.dumps(row["detail"], ensure_ascii=False)),
        row["note"],
        row["prev_hash"],
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_hash_is_the_json_lists():
    rng = random.Random(20261201)
    for _ in range(300):
        row = _row(rng)
        content = audit_hash.RowContent(**{key: row[key] for key in audit_hash.RowContent._fields})
        assert audit_hash.row_hash(content, row["seq"], row["prev_hash"]) == _by_definition(row)


def test_the_parts_around_number_and_previous_hash_make_the_same_text():
    """What the database joins (``append_after``): start, the number as text, middle, the
    previous hash in quotes, ``"]`` — for the 64 hex digits a head holds."""
    rng = random.Random(7)
    for _ in range(300):
        row = _row(rng)
        row["prev_hash"] = hashlib.sha256(str(rng.random()).encode()).hexdigest()
        params = audit.after_parameters(
            row["tenant_id"],
            at=row["at"],
            actor_label=row["actor"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            detail=row["detail"],
            note=row["note"],
        )
        row["row_id"] = params["audit_id"]
        text = (
            params["audit_text_start"]
            + str(row["seq"])
            + params["audit_text_middle"]
            + '"'
            + row["prev_hash"]
            + '"]'
        )
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == _by_definition(row)
