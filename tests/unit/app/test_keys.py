"""Signing keys stay in the data directory, private to their owner, never overwritten."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from parley.app import keys_served
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


class _Lost(Exception):
    """A call that answered nothing: whether it was logged is not known."""


class _Refused(Exception):
    """A call refused: nothing was logged."""


def test_a_rotation_keeps_its_key_when_the_call_is_done_and_drops_it_when_refused(
    tmp_path: Path,
) -> None:
    ring = KeyRing(tmp_path / "keys")
    old = ring.create("UA").public_key().public_bytes_raw()
    announced = keys_served.rotation(ring, "UA", lambda public: public, refused=_Refused)
    assert ring.get("UA").public_key().public_bytes_raw() == announced != old
    with pytest.raises(_Refused):
        keys_served.rotation(ring, "UA", _raise(_Refused), refused=_Refused)
    assert ring.pending() == [] and ring.get("UA").public_key().public_bytes_raw() == announced
    with pytest.raises(_Lost):  # not known: kept pending, for settle to decide
        keys_served.rotation(ring, "UA", _raise(_Lost), refused=_Refused)
    assert ring.pending() == ["UA"]


def test_a_recovery_keeps_its_keys_when_the_call_is_done_and_drops_them_when_refused(
    tmp_path: Path,
) -> None:
    ring, folder = KeyRing(tmp_path / "keys"), tmp_path / "recovery"
    folder.mkdir()
    sent: list[tuple[bytes, bytes]] = []
    done = keys_served.recovery(
        ring, "UA", folder, lambda *keys: sent.append(keys), refused=_Refused
    )
    assert sent == [(ring.get("UA").public_key().public_bytes_raw(), done.recovery)]
    assert done.recovery_file.exists() and ring.recovery_public("UA") == done.recovery
    with pytest.raises(_Refused):
        keys_served.recovery(ring, "UA", folder, _raise(_Refused), refused=_Refused)
    assert list(folder.iterdir()) == [done.recovery_file] and ring.pending() == []
    assert ring.recovery_public("UA") == done.recovery


def _raise(error: type[Exception]) -> Callable[..., NoReturn]:
    def call(*_: object) -> NoReturn:
        raise error

    return call
