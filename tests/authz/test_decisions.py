"""A county's decisions are kept per policy version and equal casbin's own answers."""

from __future__ import annotations

import itertools

from authz.enforcer import Decisions, build_enforcer, default_policy


def test_kept_answers_equal_casbins_for_every_request():
    bindings = [
        ("user:a", "county_admin", "site:root"),
        ("user:b", "township_head", "site:town"),
        ("user:c", "window_staff", "site:village"),
    ]
    raw = build_enforcer(default_policy(), bindings)
    decisions = Decisions(build_enforcer(default_policy(), bindings))
    objects = sorted({(obj, act) for _role, obj, act in default_policy()})
    requests = list(
        itertools.product(
            ["user:a", "user:b", "user:c", "user:nobody"],
            ["site:root", "site:town", "site:village"],
            objects,
        )
    )
    for _round in range(2):  # the second round is answered from what the first kept
        for subject, domain, (obj, act) in requests:
            assert decisions.enforce(subject, domain, obj, act) == raw.enforce(
                subject, domain, obj, act
            ), (subject, domain, obj, act)
    assert any(raw.enforce(s, d, o, a) for s, d, (o, a) in requests)
    assert not all(raw.enforce(s, d, o, a) for s, d, (o, a) in requests)


def test_the_kept_answers_are_bounded():
    decisions = Decisions(build_enforcer(default_policy(), []))
    decisions.MAX_ANSWERS = 10
    for n in range(25):
        assert decisions.enforce(f"user:{n}", "site:x", "site", "read") is False
    assert len(decisions._answers) <= 10
