"""What the web pages read, shaped for a page: the public overview (nothing personal), and a
name's transliteration to show beside the name as it was recorded."""

from __future__ import annotations

import functools
from typing import Any

from parley.app import status, tiles
from parley.app.ledger import Ledger
from parley.domain.errors import NotFound
from parley.domain.parties import Role
from parley.errors import ParleyError
from parley.names import Language, Script, Standard, cyrillic_language, detect_script, to_latin
from parley.store import keys


@functools.lru_cache(maxsize=65536)  # a roster repeats its names; a board shows thousands
def latin(text: str) -> str:
    """A Cyrillic name in Latin letters (Ukrainian by the national standard, Russian by
    BGN/PCGN, as the name reads); "" for a name already in Latin letters."""
    if not text or detect_script(text) not in (Script.CYRILLIC, Script.MIXED):
        return ""
    language = cyrillic_language(text) or Language.UKRAINIAN
    standard = Standard.KMU_2010 if language is Language.UKRAINIAN else Standard.BGN_PCGN
    return to_latin(text, standard, language)


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
        raise NotFound(f"{party_id} is not a registered party")
    return roles[party_id]


def mediator(ledger: Ledger) -> str | None:
    """The instance's mediator, once registered."""
    with ledger.reading() as tx:
        found = [p for p in keys.parties(tx) if p.role is Role.MEDIATOR]
    return found[0].party_id if found else None
