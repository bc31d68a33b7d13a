"""Signing keys stay in the data directory, private to their owner, never overwritten."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from parley.app.keys import KeyRing
from parley.app.signing import NoSigningKey


def test_created_key_is_private_and_reloads(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "keys")
    key = ring.create("UA")
    path = tmp_path / "keys" / "UA.ed25519.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = KeyRing(tmp_path / "keys")
    assert again.public_bytes("UA") == key.public_key().public_bytes_raw()
    with pytest.raises(FileExistsError):
        again.create("UA")


def test_missing_key_is_one_clear_error(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path)
    for ask in (ring.get, ring.key_id_for):
        with pytest.raises(NoSigningKey, match="holds no signing key for RU, so it cannot act"):
            ask("RU")
