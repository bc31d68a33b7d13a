"""The instance's own rosters searched by a name written in any script: each roster the asking
party may see (the mediator every one, a side its own), its current records only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parley.app import authz
from parley.app.ledger import Ledger
from parley.store import rosters

if TYPE_CHECKING:  # linkage pulls in Splink and pandas: loaded only when a search runs
    from parley.linkage import SearchIndex


@dataclass(frozen=True)
class RosterHit:
    """One record of a roster found by a search: where it is, who, how close and why."""

    roster_id: str
    record_id: str
    name: str
    birth_date: str
    score: float
    explanation: str

    @property
    def ref(self) -> str:
        return f"{self.roster_id}/{self.record_id}"


@dataclass
class RosterSearch:
    """The rosters of the instance the party may see, indexed once for many queries."""

    indexes: dict[str, SearchIndex]
    records: dict[str, dict[str, dict[str, Any]]]
    names: dict[str, dict[str, str]]

    def __len__(self) -> int:
        return sum(len(r) for r in self.records.values())

    @property
    def rosters(self) -> list[str]:
        return sorted(self.indexes)

    @property
    def warnings(self) -> list[str]:
        return [f"{rid}: {w}" for rid, index in self.indexes.items() for w in index.warnings]

    def search(self, query: str, birth_date: str | None = None, top: int = 10) -> list[RosterHit]:
        """The `top` records most like `query` across the rosters, best first (ties by roster)."""
        hits = []
        for rid, index in self.indexes.items():
            for h in index.search(query, birth_date, top):
                data = self.records[rid][h.record_id]
                hits.append(
                    RosterHit(
                        rid,
                        h.record_id,
                        self.names[rid][h.record_id],
                        str(data.get("birth_date") or ""),
                        h.score,
                        h.explanation,
                    )
                )
        hits.sort(key=lambda h: (-h.score, h.roster_id, h.record_id))
        return hits[:top]


def roster_search(ledger: Ledger, *, actor: str) -> RosterSearch:
    """Index every roster `actor` may read (authz `roster.view`), as it stands now."""
    from parley.app.reconcile import linkage_records
    from parley.linkage import SearchIndex

    found = RosterSearch({}, {}, {})
    with ledger.reading() as tx:
        # a party that may not read even its own rosters (a monitor) is refused here
        who = authz.require(tx, actor, authz.Action.ROSTER_READ, owner=actor)
        for heading in rosters.roster_headings(tx):
            if not authz.allows(who, authz.Action.ROSTER_READ, owner=heading.party_id):
                continue
            members = rosters.current_members(tx, heading.roster_id)
            current = {
                rid: r
                for rid, r in rosters.records(tx, heading.roster_id, erased=False).items()
                if rid in members
            }
            if current:
                found.records[heading.roster_id] = {rid: r.data for rid, r in current.items()}
                found.names[heading.roster_id] = {rid: r.display_name for rid, r in current.items()}
    for rid, records in found.records.items():
        found.indexes[rid] = SearchIndex(linkage_records(records))
    return found
