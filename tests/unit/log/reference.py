"""A deliberately naive RFC 9162 reference: the recursive definitions, memoised, nothing clever.

Independent of parley.log.merkle on purpose: the code under test is checked against the text of
the RFC, not against itself.
"""

from __future__ import annotations

import hashlib
from functools import cache


def _largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class ReferenceTree:
    """MTH, PATH and PROOF of RFC 9162 section 2.1 over a fixed list of leaf data."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaf_hashes = [hashlib.sha256(b"\x00" + d).digest() for d in leaves]
        self.mth = cache(self._mth)

    def _mth(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return self.leaf_hashes[lo]
        k = _largest_power_of_two_below(n)
        return hashlib.sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi)).digest()

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        n = hi - lo
        if n == 1:
            return []
        k = _largest_power_of_two_below(n)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if whole else [self.mth(lo, hi)]
        k = _largest_power_of_two_below(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, whole), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]

    def inclusion(self, m: int, n: int) -> list[bytes]:
        return self.path(m, 0, n)

    def consistency(self, m: int, n: int) -> list[bytes]:
        return self.subproof(m, 0, n, True)


def sibling_sides(m: int, n: int) -> list[str]:
    """For each audit-path hash of leaf m in a tree of n, whether it sits left or right."""
    if n == 1:
        return []
    k = _largest_power_of_two_below(n)
    if m < k:
        return [*sibling_sides(m, k), "right"]
    return [*sibling_sides(m - k, n - k), "left"]
