"""Strict text encodings shared by notes, checkpoints and proofs: one spelling per value.

A lenient decoder would let two different byte strings mean the same signature or root, and
then flipping a byte would not always be detected.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

_DECIMAL = re.compile(r"0|[1-9][0-9]*", re.ASCII)
MAX_UINT63 = (1 << 63) - 1


def encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode_base64(text: str) -> bytes | None:
    """The bytes of canonical, padded, standard base64 text; None for anything else."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if encode_base64(raw) == text else None


def decode_decimal(text: str, limit: int = MAX_UINT63) -> int | None:
    """A non-negative ASCII decimal without sign or leading zeros, up to limit; else None."""
    if len(text) > 20 or not _DECIMAL.fullmatch(text):
        return None
    value = int(text)
    return value if value <= limit else None


def is_valid_key_name(name: str) -> bool:
    """A signed-note key name: non-empty, no Unicode space, no plus, no control character."""
    return bool(name) and not any(
        ch == "+" or ch.isspace() or unicodedata.category(ch) in ("Zs", "Cc") for ch in name
    )
