"""Entries: the fast canonical JSON is RFC 8785 exactly; headers and payloads round-trip."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import assume, given
from hypothesis import strategies as st

from parley.log.entry import (
    MAX_RUN,
    EntryError,
    EntrySigner,
    Header,
    canonical_json,
    check_payload,
    check_signature,
    draft,
    loads_canonical,
    runs,
    seal,
    sign_run,
)
from parley.log.merkle import leaf_hash

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
    assert entry.signature is not None and entry.leaf == leaf_hash(entry.header_bytes)
    check_signature([entry.leaf], entry.signature, public)
    assert entry.payload is not None and entry.salt is not None
    assert check_payload(header, entry.payload, entry.salt) == {"name": "Вишинський 🙂", "n": 1.5}
    with pytest.raises(EntryError):
        check_signature(
            [leaf_hash(entry.header_bytes.replace(b'"index":3', b'"index":4'))],
            entry.signature,
            public,
        )
    with pytest.raises(EntryError):
        check_payload(header, entry.payload.replace(b"1.5", b"2.5"), entry.salt)
    with pytest.raises(EntryError, match="unexpected fields or values"):
        Header.from_bytes(entry.header_bytes.replace(b'"index":3', b'"index":"3"'))


KEYS = [Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32) for n in range(3)]
SIGNERS = [EntrySigner(k) for k in KEYS]


@given(st.lists(st.sampled_from([("UA", 0), ("UA", 1), ("RU", 2)]), min_size=1, max_size=600))
def test_runs_cut_at_each_change_of_signer_and_at_max_run(signers: list[tuple[str, int]]) -> None:
    entries = [
        draft(index=i, type="t", actor=a, time="t", payload={}, key_id=SIGNERS[k].key_id)
        for i, (a, k) in enumerate(signers)
    ]
    cut = list(runs(entries))
    assert [e for run in cut for e in run] == entries
    for run in cut:
        assert 0 < len(run) <= MAX_RUN
        assert len({(e.header.actor, e.header.key_id) for e in run}) == 1
    for before, after in itertools.pairwise(cut):
        # a cut inside one signer's entries only where the run is full
        same = (before[-1].header.actor, before[-1].header.key_id) == (
            after[0].header.actor,
            after[0].header.key_id,
        )
        assert not same or len(before) == MAX_RUN


@given(st.integers(1, 40), st.data())
def test_a_run_signature_covers_every_header_of_the_run_in_order(
    size: int, data: st.DataObject
) -> None:
    run = [
        draft(
            index=10 + i, type="t", actor="UA", time="t", payload={"i": i}, key_id=SIGNERS[0].key_id
        )
        for i in range(size)
    ]
    signed = sign_run(run, SIGNERS[0])
    assert [e.signature is None for e in signed] == [True] * (size - 1) + [False]
    signature = signed[-1].signature
    assert signature is not None
    public = SIGNERS[0].public
    leaves = [e.leaf for e in signed]
    check_signature(leaves, signature, public)
    changed = list(leaves)
    where = data.draw(st.integers(0, size - 1))
    changed[where] = leaf_hash(run[where].header_bytes + b" ")
    with pytest.raises(EntryError):
        check_signature(changed, signature, public)
    with pytest.raises(EntryError):  # one entry fewer, at either end
        check_signature(leaves[1:] if data.draw(st.booleans()) else leaves[:-1], signature, public)
    if size > 1:
        with pytest.raises(EntryError):
            check_signature(leaves[::-1], signature, public)
    with pytest.raises(EntryError):
        check_signature(leaves, signature, SIGNERS[1].public)


def test_sign_run_refuses_what_is_not_one_signers_consecutive_entries() -> None:
    def entry(i: int, actor: str = "UA", signer: int = 0) -> Any:
        return draft(
            index=i, type="t", actor=actor, time="t", payload={}, key_id=SIGNERS[signer].key_id
        )

    with pytest.raises(EntryError, match="not UA's"):
        sign_run([entry(0), entry(1, "RU")], SIGNERS[0])
    with pytest.raises(EntryError, match="not UA's"):
        sign_run([entry(0), entry(1, signer=1)], SIGNERS[0])
    with pytest.raises(EntryError, match="does not follow"):
        sign_run([entry(0), entry(2)], SIGNERS[0])
    with pytest.raises(EntryError, match="1 to"):
        sign_run([entry(i) for i in range(MAX_RUN + 1)], SIGNERS[0])
    with pytest.raises(EntryError, match="1 to"):
        sign_run([], SIGNERS[0])
