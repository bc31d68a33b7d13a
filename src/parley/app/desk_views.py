"""What the web pages read, shaped for a page: the public overview (nothing personal), and a
name's transliteration to show beside the name as it was recorded."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from parley.app import status, tiles
from parley.app.ledger import Ledger
from parley.app.status import EXCEPTIONS
from parley.domain.errors import NotFound
from parley.domain.handovers import HandoverState
from parley.domain.parties import Role
from parley.errors import N_, ParleyError
from parley.names import (
    Language,
    Script,
    Standard,
    detect_script,
    name_language,
    roster_language,
    to_latin,
)
from parley.store import batches as batch_store
from parley.store import keys


@functools.lru_cache(maxsize=65536)  # a roster repeats its names; a board shows thousands
def latin(text: str, roster: Language | None = None) -> str:
    """A Cyrillic name in Latin letters (Ukrainian by the national standard, Russian by
    BGN/PCGN, as the name reads); "" for a name already in Latin letters. A name that does
    not tell its language is read in its roster's (`roster_language`), else as Ukrainian."""
    if not text or detect_script(text) not in (Script.CYRILLIC, Script.MIXED):
        return ""
    language = name_language(text) or roster or Language.UKRAINIAN
    standard = Standard.KMU_2010 if language is Language.UKRAINIAN else Standard.BGN_PCGN
    return to_latin(text, standard, language)


def list_latin(names: Iterable[str]) -> Callable[[str], str]:
    """`latin` for the names of one list: a name that does not tell its language is read in
    the language most of `names` are written in."""
    language = roster_language(names)
    return lambda text: latin(text, language)


def phase_counts(phase: dict[str, Any]) -> dict[str, int]:
    """A phase's persons planned, received, in progress and off the main path, both ways."""
    counts = {"planned": 0, "received": 0, "in_progress": 0, "exceptions": 0}
    for c in phase["commitments"]:
        for side in c.get("sides", {}).values():
            counts["planned"] += side["planned"]
            counts["received"] += side["released"]
            counts["in_progress"] += side["in_progress"]
            counts["exceptions"] += side["done"] - side["released"]
            counts["exceptions"] += side["by_state"].get("disputed", 0)
    return counts


def public_overview(ledger: Ledger) -> dict[str, Any]:
    """What anyone may read: the latest cosigned checkpoint, the roadmap's commitments and
    their ratings, counts per phase. No names, no record ids, no report texts."""
    try:
        checkpoint: str | None = tiles.latest_checkpoint(ledger).decode("utf-8")
    except ParleyError:
        checkpoint = None
    data = status.summary(ledger)
    agreements = []
    for a in data["agreements"]:
        phases = []
        for ph in a["phases"]:
            commitments = [
                {
                    "id": c["id"],
                    "kind": c["kind"],
                    "description": c["description"],
                    "status": c.get("status"),
                    "status_label": c.get("status_label"),
                    "due_date": c.get("due_date"),
                    "reports": len(c.get("reports", [])),
                }
                for c in ph["commitments"]
            ]
            phases.append(
                {
                    "id": ph["id"],
                    "ordinal": ph["ordinal"],
                    "title": ph["title"],
                    "commitments": commitments,
                    "counts": phase_counts(ph),
                }
            )
        agreements.append(
            {"id": a["id"], "title": a["title"], "status": a["status"], "phases": phases}
        )
    return {
        "checkpoint": checkpoint,
        "log_size": data["log"]["size"],
        "agreements": agreements,
    }


def role(ledger: Ledger, party_id: str) -> str:
    """The registered party's role ("mediator", "side", "monitor"): which pages its menu
    shows (what it may do is the table's to say, page by page)."""
    with ledger.reading() as tx:
        roles = {p.party_id: p.role.value for p in keys.parties(tx)}
    if party_id not in roles:
        raise NotFound(N_("{party_id} is not a registered party"), party_id=party_id)
    return roles[party_id]


def mediator(ledger: Ledger) -> str | None:
    """The instance's mediator, once registered."""
    with ledger.reading() as tx:
        found = [p for p in keys.parties(tx) if p.role is Role.MEDIATOR]
    return found[0].party_id if found else None


@dataclass(frozen=True)
class PhaseDay:
    """A phase's persons by the end of a day: planned, received, and off the main path."""

    day: str
    planned: int
    received: int
    exceptions: int


def phase_timelines(ledger: Ledger) -> dict[str, list[PhaseDay]]:
    """Phase id -> its running counts day by day (counts only: anyone may read them)."""
    with ledger.reading() as tx:
        tallies = batch_store.handover_days(tx)
    off_path = {s.value for s in EXCEPTIONS}
    running: dict[str, dict[str, int]] = {}
    out: dict[str, list[PhaseDay]] = {}
    for x in tallies:
        counts = running.setdefault(x.phase_id, {"planned": 0, "received": 0, "exceptions": 0})
        if x.from_state is None:
            counts["planned"] += x.count
        if x.to_state == HandoverState.RECEIVED.value:
            counts["received"] += x.count
        if x.to_state in off_path:
            counts["exceptions"] += x.count
        if x.from_state in off_path:  # back from a dispute
            counts["exceptions"] -= x.count
        days = out.setdefault(x.phase_id, [])
        point = PhaseDay(x.day, counts["planned"], counts["received"], counts["exceptions"])
        if days and days[-1].day == x.day:
            days[-1] = point
        else:
            days.append(point)
    return out
