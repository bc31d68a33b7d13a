"""The key timeline's rules for recovery keys (parley.log.keys): registered beside a party's
first key, signing nothing but its party's key.recovered, used once, and never by another."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.log.entry import key_id
from parley.log.events import (
    KEY_RECOVERED,
    KEY_ROTATED,
    KeyRecovered,
    KeyRotated,
    PartyRegistered,
    Role,
)
from parley.log.keys import (
    RECOVERY,
    RETIRED,
    REVOKED,
    KeyAdded,
    KeyTimeline,
    SignerFault,
    ending_fault,
    installs_for_other,
    key_changes,
    signer_fault,
)


def _public() -> bytes:
    return Ed25519PrivateKey.generate().public_key().public_bytes_raw()


def _timeline() -> tuple[KeyTimeline, str, str]:
    first, recovery = _public(), _public()
    registered = PartyRegistered(
        "UA", "Ukraine", Role.SIDE, first.hex(), key_id(first), recovery.hex(), key_id(recovery)
    )
    timeline = KeyTimeline()
    for change in key_changes(registered):
        timeline.apply(0, change)
    return timeline, key_id(first), key_id(recovery)


def _recovered(recovery_id: str, lost: str | None) -> KeyRecovered:
    new, following = _public(), _public()
    return KeyRecovered(
        "UA", new.hex(), key_id(new), recovery_id, following.hex(), key_id(following), lost
    )


def test_registration_adds_the_recovery_key_beside_the_first() -> None:
    timeline, first, recovery = _timeline()
    assert timeline.keys[recovery].recovery and timeline.keys[recovery].status == RECOVERY
    assert not timeline.keys[first].recovery
    without = PartyRegistered("RU", "Russia", Role.SIDE, _public().hex(), "0" * 16)
    assert [type(c) for c in key_changes(without)] == [KeyAdded]


def test_a_recovery_key_signs_its_partys_recovery_alone() -> None:
    timeline, first, recovery = _timeline()
    key = timeline.keys[recovery]
    assert signer_fault(key, "UA", 5, KEY_RECOVERED) is None
    assert signer_fault(key, "UA", 5, KEY_ROTATED) is SignerFault.RECOVERY_ONLY
    assert signer_fault(key, "UA", 5) is SignerFault.RECOVERY_ONLY  # any event but a recovery
    assert signer_fault(key, "RU", 5, KEY_RECOVERED) is SignerFault.OTHER_PARTY
    assert signer_fault(timeline.keys[first], "UA", 5) is None


def test_a_recovery_retires_the_recovery_key_and_revokes_the_lost_one() -> None:
    timeline, first, recovery = _timeline()
    p = _recovered(recovery, first)
    assert ending_fault(p, "UA", timeline.keys, "MED") is None
    assert installs_for_other(p, "UA") is None
    for change in key_changes(p):
        timeline.apply(7, change)
    assert timeline.keys[first].status == REVOKED and timeline.keys[recovery].status == RETIRED
    assert timeline.keys[p.new_recovery_key_id].recovery
    assert not timeline.keys[p.key_id].recovery and timeline.keys[p.key_id].ended_at is None
    assert signer_fault(timeline.keys[recovery], "UA", 8, KEY_RECOVERED) is SignerFault.ENDED
    again = _recovered(recovery, p.key_id)
    assert "already retired" in str(ending_fault(again, "UA", timeline.keys, "MED"))


def test_what_a_recovery_may_not_do() -> None:
    timeline, first, recovery = _timeline()
    assert installs_for_other(_recovered(recovery, first), "MED") == "UA"
    assert "only UA may" in str(
        ending_fault(_recovered(recovery, first), "MED", timeline.keys, "MED")
    )
    assert "not a recovery key" in str(
        ending_fault(_recovered(first, None), "UA", timeline.keys, "MED")
    )
    assert "active beside" in str(
        ending_fault(_recovered(recovery, None), "UA", timeline.keys, "MED")
    )
    assert "not its active signing key" in str(
        ending_fault(_recovered(recovery, recovery), "UA", timeline.keys, "MED")
    )
    rotate_recovery = KeyRotated("UA", _public().hex(), "1" * 16, recovery)
    assert "only key.recovered replaces" in str(
        ending_fault(rotate_recovery, "UA", timeline.keys, "MED")
    )
