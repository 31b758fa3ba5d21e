"""事项检索 for the mobile app: Chinese substring, full pinyin and pinyin initials.

``hunyin``, ``hydj`` and ``hyjh`` (婚姻 + the keyword 结婚) find 婚姻登记. The pinyin of a matter's
name and keywords (俗称, e.g. 结婚) is computed once when the matter is defined (``search_keys``)
and stored with it, so a search is plain string matching over the cached catalog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pypinyin import Style, lazy_pinyin

from authz.errors import check_search

_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def _keys(text: str) -> tuple[str, str]:
    syllables = [_NOT_ALNUM.sub("", s.lower()) for s in lazy_pinyin(text, style=Style.NORMAL)]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def search_keys(name: str, keywords: Sequence[str] = ()) -> tuple[str, str]:
    """(pinyin, initials) of the name then each keyword, space separated, lower case.

    ``婚姻登记`` with keyword ``结婚`` → (``hunyindengji jiehun``, ``hydj jh``).
    """
    pairs = [_keys(t) for t in (name, *keywords) if t and t.strip()]
    return " ".join(p for p, _ in pairs), " ".join(i for _, i in pairs)


def normalise(query: str | None) -> str:
    """A search as typed, for matching; one over ``authz.errors.SEARCH_MAX`` characters is a
    GraphQL error (``INVALID_SEARCH``), not a silent cut."""
    return (check_search(query) or "").strip().lower()


def _subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def rank(
    query: str, name: str, code: str, pinyin: str, initials: str, keywords: Sequence[str] = ()
) -> int | None:
    """Smaller is better; None: no match."""
    if not query:
        return 0
    if _CJK.search(query):
        if name == query:
            return 0
        if name.startswith(query):
            return 1
        if query in name:
            return 2
        if any(query in k for k in keywords):
            return 3
        return None
    compact = _NOT_ALNUM.sub("", query)
    if not compact:
        return None
    name_pinyin, _, _ = pinyin.partition(" ")
    name_initials, _, _ = initials.partition(" ")
    if name_initials == compact or code.lower() == compact:
        return 0
    if name_pinyin.startswith(compact) or code.lower().startswith(compact):
        return 1
    if name_initials.startswith(compact):
        return 2
    words = pinyin.split(" ")[1:] + initials.split(" ")[1:]
    if any(w.startswith(compact) for w in words):
        return 3
    if compact in name_pinyin or compact in name_initials:
        return 4
    if any(compact in w for w in words):
        return 5
    all_initials = initials.replace(" ", "")
    if len(compact) >= 3 and all_initials[:1] == compact[0] and _subsequence(compact, all_initials):
        return 6
    return None


def search_entries(
    entries: Sequence[dict[str, Any]], keys: Sequence[tuple[str, str]], query: str
) -> list[dict[str, Any]]:
    """The entries matching ``query``, best first (then shorter names, then catalog order).

    ``keys[i]`` is the (pinyin, initials) of ``entries[i]``.
    """
    if not query:
        return list(entries)
    ranked = []
    for i, entry in enumerate(entries):
        pinyin, initials = keys[i]
        r = rank(query, entry["name"], entry["code"], pinyin, initials, entry.get("keywords", ()))
        if r is not None:
            ranked.append((r, len(entry["name"]), i))
    ranked.sort()
    return [entries[i] for _, _, i in ranked]


def search_matters(matters: Sequence[Any], query: str | None) -> list[Any]:
    """Matter definitions (with ``name``, ``code``, ``pinyin``, ``initials``, ``keywords``)
    matching ``query`` (all of them without one), best first, then shorter names, then order."""
    q = normalise(query)
    if not q:
        return list(matters)
    scored = []
    for i, m in enumerate(matters):
        r = rank(q, m.name, m.code, m.pinyin, m.initials, m.keywords or [])
        if r is not None:
            scored.append((r, len(m.name), i))
    return [matters[i] for _, _, i in sorted(scored)]
