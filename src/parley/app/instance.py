"""Setting up an instance and registering its parties."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from parley.app import authz
from parley.app.ledger import Appended, Ledger
from parley.domain import events as ev
from parley.domain.errors import Conflict, DomainError
from parley.domain.events import Event
from parley.domain.parties import Party, Role, check_new_party
from parley.errors import N_, InvalidInput
from parley.log.entry import key_id
from parley.store import Tx
from parley.store import keys as key_store


def init_instance(
    ledger: Ledger, *, name: str, mediator_id: str, mediator_name: str, demo: bool = False
) -> Appended:
    """Create the instance: the mediator registers itself with a new key, then the instance."""
    mediator = Party(mediator_id, mediator_name, Role.MEDIATOR)

    def decide(conn: Tx) -> Sequence[Event]:
        if key_store.is_initialised(conn):
            raise Conflict(N_("this instance is already initialised"))
        if not ledger.keys.has(mediator_id):
            ledger.keys.create(mediator_id)
        public = ledger.keys.public_bytes(mediator_id)
        return [
            _registration(mediator_id, mediator, public),
            Event(mediator_id, ev.InstanceCreated(str(uuid.uuid4()), name, demo)),
        ]

    return ledger.execute(decide)


def _registration(actor: str, party: Party, public: bytes, recovery: bytes | None = None) -> Event:
    payload = ev.PartyRegistered(
        party.party_id, party.name, party.role, public.hex(), key_id(public)
    )
    if recovery is not None:
        payload = replace(payload, recovery_key=recovery.hex(), recovery_key_id=key_id(recovery))
    return Event(actor, payload)


def register_party(
    ledger: Ledger,
    *,
    actor: str,
    party: Party,
    public_key: bytes | None = None,
    local_key: bool = False,
    recovery_key: bytes | None = None,
) -> Appended:
    """The mediator registers a side or a monitor by the verifier key the party made on its own
    machine (`key init`), with the public half of the recovery key `key init` made beside it
    (the party keeps it offline; it alone can replace a lost key). `local_key` is the
    one-machine trial's way (the demo): the key pair is made here, in this instance's key
    ring."""
    if public_key is None and not local_key:
        raise InvalidInput(
            N_(
                "register {party_id} with its verifier key: {party_id} runs `parley key init"
                " --party {party_id}` on its own machine and gives you the key it prints (a key"
                " made here, for a one-machine trial only: --local-key)"
            ),
            party_id=party.party_id,
        )
    if public_key is not None and local_key:
        raise InvalidInput(
            N_("{party_id}: give a verifier key or a local key, not both"), party_id=party.party_id
        )
    if recovery_key is not None and len(recovery_key) != 32:
        raise InvalidInput(
            N_("the recovery key for {party_id} is not a 32-byte Ed25519 key"),
            party_id=party.party_id,
        )
    if recovery_key is not None and recovery_key == public_key:
        raise InvalidInput(
            N_(
                "{party_id}'s recovery key is its signing key: give the recovery key that `key"
                " init` printed on its own line"
            ),
            party_id=party.party_id,
        )

    def decide(conn: Tx) -> Sequence[Event]:
        authz.require(conn, actor, authz.Action.PARTY_REGISTER)
        check_new_party(key_store.parties(conn), party)
        public = public_key
        if public is None:
            if not ledger.keys.has(party.party_id):
                ledger.keys.create(party.party_id)
            public = ledger.keys.public_bytes(party.party_id)
        if len(public) != 32:
            raise DomainError(
                N_("the public key for {party_id} is not a 32-byte Ed25519 key"),
                party_id=party.party_id,
            )
        if recovery_key is not None and key_store.key_state(conn, key_id(recovery_key)):
            raise Conflict(
                N_("the recovery key for {party_id} is already a registered key"),
                party_id=party.party_id,
            )
        return [_registration(actor, party, public, recovery_key)]

    return ledger.execute(decide)
