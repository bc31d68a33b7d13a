"""Header v2: each entry bound to its actor's signed command, runs signed by the operator. An
operator holding only its own key cannot log a valid entry in UA's name, nor replay one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.log.command import SignedCommand, command_body, sign_command
from parley.log.entry import EntrySigner, Header, StoredEntry, draft, sign_run
from parley.log.events import LOG_PAYLOADS, PartyRegistered, Payload, Role
from parley.log.verify import Report, VerificationFailed, verify_entries

MED = EntrySigner(Ed25519PrivateKey.from_private_bytes(bytes([1] * 32)))
UA = EntrySigner(Ed25519PrivateKey.from_private_bytes(bytes([2] * 32)))
TRUSTED = {MED.key_id: MED.public, UA.key_id: UA.public}
TIME = "2026-01-01T00:00:00.000000Z"


@dataclass(frozen=True)
class Said(Payload):
    TYPE: ClassVar[str] = "test.said"
    text: str


EVENTS = {**LOG_PAYLOADS, Said.TYPE: Said}


def _registered(party: str, role: Role, key: EntrySigner) -> tuple[str, dict[str, Any]]:
    payload = PartyRegistered(party, party, role, key.public.hex(), key.key_id)
    return payload.TYPE, payload.to_json()


def _said(text: str) -> tuple[str, dict[str, Any]]:
    return Said.TYPE, Said(text).to_json()


def _command(key: EntrySigner, body: bytes, nonce: str | None = None) -> SignedCommand:
    return sign_command(
        method="POST", path="/v1/test", body=body, signing_key=key, created=1, nonce=nonce
    )


def _append(
    log: list[StoredEntry],
    actor: str,
    key: EntrySigner,
    events: list[tuple[str, dict[str, Any]]],
    *,
    command: SignedCommand | None = None,
    operator: EntrySigner = MED,
    record: bool = True,
) -> SignedCommand:
    body: bytes | None = command_body({"events": [t for t, _ in events]})
    if command is None:
        assert body is not None
        command = _command(key, body)
    else:  # a command signed elsewhere: its body is not at hand
        body = None
    drafts = [
        draft(
            index=len(log) + i,
            type=t,
            actor=actor,
            time=TIME,
            payload=p,
            key_id=key.key_id,
            command=command.digest(),
            signer=operator.key_id,
        )
        for i, (t, p) in enumerate(events)
    ]
    for i, e in enumerate(sign_run(drafts, operator)):
        first = i == 0 and record
        log.append(
            StoredEntry(
                e.index,
                e.header_bytes,
                e.signature,
                e.payload,
                e.salt,
                command=command.to_bytes() if first else None,
                command_body=body if first else None,
            )
        )
    return command


def _log() -> tuple[list[StoredEntry], SignedCommand]:
    log: list[StoredEntry] = []
    _append(log, "MED", MED, [_registered("MED", Role.MEDIATOR, MED)])
    _append(log, "MED", MED, [_registered("UA", Role.SIDE, UA)])
    ua = _append(log, "UA", UA, [_said("we received 12"), _said("and 3 more")])
    return log, ua


def _verify(log: list[StoredEntry]) -> Report:
    report = Report()
    verify_entries(log, TRUSTED, report, EVENTS, workers=1)
    return report


def _refused(log: list[StoredEntry], index: int, match: str) -> None:
    with pytest.raises(VerificationFailed, match=match) as e:
        _verify(log)
    assert e.value.problem.index == index


def test_a_log_of_signed_commands_verifies() -> None:
    log, _ = _log()
    report = _verify(log)
    assert report.entries == 4 and report.operator == "MED"
    assert Header.from_bytes(log[2].header).signer == MED.key_id
    assert Header.from_bytes(log[2].header).key_id == UA.key_id


def test_the_operator_cannot_sign_a_command_in_uas_name() -> None:
    log, _ = _log()
    # the header names UA's key, but only MED's key is at hand to sign the command
    forged = _command(MED, b"{}")
    forged = replace(forged, keyid=UA.key_id)
    _append(log, "UA", UA, [_said("we released everyone")], command=forged)
    _refused(log, 4, "signature does not verify")


def test_the_operator_cannot_use_its_own_key_as_ua() -> None:
    log, _ = _log()
    _append(log, "UA", MED, [_said("we released everyone")])
    _refused(log, 4, "key of MED, not of the actor UA")


def test_a_replayed_command_is_refused() -> None:
    log, ua = _log()
    _append(log, "MED", MED, [_said("in between")])
    _append(log, "UA", UA, [_said("we released everyone")], command=ua)
    _refused(log, 5, "replays a command")


def test_entries_bound_to_a_command_logged_earlier_are_refused() -> None:
    log, ua = _log()
    _append(log, "MED", MED, [_said("in between")])
    _append(log, "UA", UA, [_said("we released everyone")], command=ua, record=False)
    _refused(log, 5, "does not stand beside")


def test_runs_are_signed_by_the_operator_only() -> None:
    log, _ = _log()
    _append(log, "UA", UA, [_said("signed by UA alone")], operator=UA)
    _refused(log, 4, "not by a key the operator held")


def test_a_changed_body_is_refused_but_an_erased_one_is_not() -> None:
    log, _ = _log()
    log[2] = replace(log[2], command_body=command_body({"events": []}))
    _refused(log, 2, "Content-Digest")
    log[2] = replace(log[2], command_body=None)
    assert _verify(log).entries == 4


def test_no_v1_entry_after_a_signed_command() -> None:
    log, _ = _log()
    e = sign_run(
        [
            draft(
                index=4,
                type=Said.TYPE,
                actor="UA",
                time=TIME,
                payload={"text": "x"},
                key_id=UA.key_id,
            )
        ],
        UA,
    )[0]
    log.append(StoredEntry(4, e.header_bytes, e.signature, e.payload, e.salt))
    _refused(log, 4, "a v1 entry after")
