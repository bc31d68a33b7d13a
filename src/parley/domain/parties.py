"""Parties: the two sides, the mediator, and monitors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.domain.errors import DomainError
from parley.errors import N_
from parley.log.events import Role  # the log names the mediator: it operates the log

__all__ = ["Party", "Role", "check_new_party", "check_party_id"]

_PARTY_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class Party:
    """A participant that holds signing keys and acts on the log."""

    party_id: str
    name: str
    role: Role

    def __post_init__(self) -> None:
        check_party_id(self.party_id)
        if not self.name.strip():
            raise DomainError(N_("party {party} needs a name"), party=self.party_id)


def check_party_id(party_id: str) -> None:
    if not _PARTY_ID.match(party_id):
        raise DomainError(
            N_(
                "party id {party!r} must start with a letter and use only letters, digits, '-'"
                " or '_' (at most 32)"
            ),
            party=party_id,
        )


def check_new_party(existing: list[Party], new: Party) -> None:
    """An instance has one mediator and at most two sides; ids are unique."""
    if any(p.party_id == new.party_id for p in existing):
        raise DomainError(N_("party {party} is already registered"), party=new.party_id)
    same_role = [p for p in existing if p.role is new.role]
    if new.role is Role.MEDIATOR and same_role:
        raise DomainError(
            N_("the mediator is already {party}; there is only one"), party=same_role[0].party_id
        )
    if new.role is Role.SIDE and len(same_role) >= 2:
        sides = ", ".join(p.party_id for p in same_role)
        raise DomainError(N_("the two sides are already registered ({sides})"), sides=sides)
