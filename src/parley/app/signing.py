"""The signing port: the ledger asks whoever holds a party's key to sign the entries made in
the party's name. The key ring in the data directory (`app.keys.KeyRing`) is one such signer; a
party that keeps its key on its own machine is another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from parley.domain.errors import DomainError
from parley.errors import N_
from parley.log.command import SignedCommand
from parley.log.entry import Entry


class NoSigningKey(DomainError):
    """This instance holds no private key for a party, so it cannot act in the party's name."""

    def __init__(self, party_id: str) -> None:
        super().__init__(
            N_(
                "this instance holds no signing key for {party_id}, so it cannot act as"
                " {party_id} (a party registered with its public key alone signs on its own"
                " machine)"
            ),
            party_id=party_id,
        )
        self.party_id = party_id


@dataclass(frozen=True)
class Command:
    """A party's signed command and the body it signed (docs/log-format.md §4): over HTTP the
    request's own; on one machine the one the ledger asks `Signatures.sign_command` for."""

    signed: SignedCommand
    body: bytes
    # the registered public key the signature and body were already checked against (a request
    # at the door); the ledger checks again only a command no one checked, or under another key
    checked_with: bytes = b""


class Signatures(Protocol):
    """Signs as a party: its commands, and (the operator) runs of log entries."""

    def key_id_for(self, party_id: str) -> str:
        """The id of the key that signs as the party; `NoSigningKey` if none is at hand."""
        ...

    def sign_run(self, run: Sequence[Entry], party_id: str) -> list[Entry]:
        """The run (the party's entries, drafted under `key_id_for(party_id)`) with its
        signature on the last entry."""
        ...

    def sign_command(self, party_id: str, method: str, path: str, body: bytes) -> SignedCommand:
        """The party's signed command (RFC 9421 base over method, path and the body's digest,
        with the time and a new nonce); `NoSigningKey` if the party's key is not at hand."""
        ...
