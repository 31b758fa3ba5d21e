"""Passwords: argon2 hashing (argon2-cffi) off the event loop, and what makes one acceptable.

Hashing and verifying take tens of milliseconds of CPU by design; they run in worker threads
of their own (argon2-cffi releases the GIL) so that a burst of sign-ins never stalls other
requests: at most half the machine's cores hash at once, and the rest of a burst waits its turn
there instead of crowding the event loop and the shared thread pool (spreadsheets) off the CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from tenants.errors import Collector, check_length

PASSWORD_MIN = 8
PASSWORD_MAX = 128
# Shorter than this, a password must mix at least two kinds of characters.
SINGLE_CLASS_MIN = 12

_hasher = PasswordHasher()
# One argon2 hash (64 MiB, 3 passes, 4 lanes in threads of its own) already keeps about 1.6 cores
# busy for ~0.18 s on the 2-core bench machine: more hashes at once add no throughput, only
# contention with the event loop (bench/RESULTS.md, "/health under bad logins and an import").
HASH_THREADS = max(1, (os.cpu_count() or 2) // 2)
# Hashing yields the CPU to serving: the hashing threads run at a lower priority (Linux keeps a
# nice value per thread, and argon2's lane threads inherit their creator's), so a burst of
# sign-ins waits for idle cores instead of delaying every other request's event loop.
HASH_NICENESS = 10


def _lower_priority() -> None:
    # Not Linux, or not allowed: hash at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)


_hashing = ThreadPoolExecutor(
    max_workers=HASH_THREADS, thread_name_prefix="argon2", initializer=_lower_priority
)
# Verified when the user does not exist, so that timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("onewindow-no-such-user")
# The 30,000 most common passwords of public leaks, as zxcvbn ships them.
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
_CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^A-Za-z0-9]"),
)


def _hash(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hashing, _hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash, spends the same time and answers False."""
    return await asyncio.get_running_loop().run_in_executor(
        _hashing, _verify, password_hash, password
    )


def check_password(
    errors: Collector, password: str, username: str, field: str = "password"
) -> None:
    """Refuse a short, common or guessable password (a userError on ``field``)."""
    password = password or ""
    if len(password) < PASSWORD_MIN:
        errors.add(field, "WEAK_PASSWORD", f"密码至少 {PASSWORD_MIN} 位")
        return
    check_length(errors, field, password, PASSWORD_MAX, "密码")
    if password.lower() == (username or "").strip().lower():
        errors.add(field, "WEAK_PASSWORD", "密码不能与用户名相同")
    elif password.lower() in _COMMON:
        errors.add(field, "WEAK_PASSWORD", "密码过于常见,请换一个")
    elif len(password) < SINGLE_CLASS_MIN and sum(bool(c.search(password)) for c in _CLASSES) < 2:
        errors.add(
            field,
            "WEAK_PASSWORD",
            f"少于 {SINGLE_CLASS_MIN} 位的密码须包含字母、数字、符号中的至少两类",
        )
