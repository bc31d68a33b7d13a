"""Entries: the fast canonical JSON is RFC 8785 exactly; headers and payloads round-trip."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import assume, given
from hypothesis import strategies as st

from parley.log.entry import (
    EntryError,
    Header,
    canonical_json,
    check_payload,
    check_signature,
    loads_canonical,
    seal,
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@given(JSON)
def test_canonical_json_is_rfc8785(value: Any) -> None:
    try:
        expected = bytes(rfc8785.dumps(value))
    except rfc8785.CanonicalizationError:
        # what RFC 8785 cannot carry exactly (|n| >= 2^53) is refused on both paths
        with pytest.raises(rfc8785.CanonicalizationError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected
    assert canonical_json(loads_canonical(expected)) == expected


@given(JSON, st.integers(0, 40))
def test_a_changed_serialisation_is_not_canonical(value: Any, cut: int) -> None:
    try:
        data = canonical_json(value)
    except rfc8785.CanonicalizationError:
        assume(False)
    spaced = (b" " + data) if cut % 2 else (data + b"\n")
    with pytest.raises(ValueError, match=r"canonical|RFC 8785"):
        loads_canonical(spaced)


def test_sealed_entry_checks_and_refuses_tampering() -> None:
    key = Ed25519PrivateKey.generate()
    entry = seal(
        index=3,
        type="x.y",
        actor="UA",
        time="2019-09-07T00:00:00Z",
        payload={"name": "Вишинський 🙂", "n": 1.5},
        signing_key=key,
    )
    header = Header.from_bytes(entry.header_bytes)
    assert header.index == 3
    public = key.public_key().public_bytes_raw()
    check_signature(entry.header_bytes, entry.signature, public)
    assert entry.payload is not None and entry.salt is not None
    assert check_payload(header, entry.payload, entry.salt) == {"name": "Вишинський 🙂", "n": 1.5}
    with pytest.raises(EntryError):
        check_signature(
            entry.header_bytes.replace(b'"index":3', b'"index":4'), entry.signature, public
        )
    with pytest.raises(EntryError):
        check_payload(header, entry.payload.replace(b"1.5", b"2.5"), entry.salt)
    with pytest.raises(EntryError, match="unexpected fields or values"):
        Header.from_bytes(entry.header_bytes.replace(b'"index":3', b'"index":"3"'))
