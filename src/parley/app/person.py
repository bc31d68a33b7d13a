"""One person's whole history: every roster record, revision and handover step."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from parley.app import authz
from parley.app.ledger import Ledger
from parley.domain.errors import NotFound
from parley.store import tables as t


def history(ledger: Ledger, *, actor: str, roster_id: str, record_id: str) -> dict[str, Any]:
    """The record's revisions, the roster versions it was on, and every handover step."""
    with ledger.reading() as conn:
        owner = roster_id.split(":")[0]
        who = authz.require(
            conn, actor, authz.Action.PERSON_READ, owner=owner, about=f"{roster_id}/{record_id}"
        )
        pr = t.person_records.c
        current = conn.execute(
            select(t.person_records).where(pr.roster_id == roster_id, pr.record_id == record_id)
        ).one_or_none()
        if current is None:
            raise NotFound(f"roster {roster_id} has no record {record_id}")
        rv = t.record_revisions.c
        revisions = conn.execute(
            select(rv.revision, rv.data, rv.log_idx, t.log_entries.c.claimed_time)
            .join(t.log_entries, t.log_entries.c.idx == rv.log_idx)
            .where(rv.roster_id == roster_id, rv.record_id == record_id)
            .order_by(rv.revision)
        ).all()
        m, v = t.roster_members.c, t.roster_versions.c
        versions = conn.execute(
            select(v.version, v.source, v.log_idx, m.revision)
            .join(
                t.roster_members,
                (m.roster_id == v.roster_id)
                & (m.version == v.version)
                & (m.record_id == record_id),
                isouter=True,
            )
            .where(v.roster_id == roster_id)
            .order_by(v.version)
        ).all()
        ref = f"{roster_id}/{record_id}"
        mt = t.matches.c
        matched = [
            {
                "match_id": r.match_id,
                "with": r.right_ref if r.left_ref == ref else r.left_ref,
                "state": r.state,
                "score": r.score,
                "duplicate": r.duplicate,
                "explanation": r.explanation,
            }
            for r in conn.execute(
                select(t.matches).where((mt.left_ref == ref) | (mt.right_ref == ref))
            )
            if authz.sees_match(who, {owner}, r.state == "confirmed")
        ]
        steps: list[dict[str, Any]] = []
        if roster_id.endswith(":held"):
            hh = t.handover_history.c
            for r in conn.execute(
                select(t.handover_history)
                .where(hh.party_id == owner, hh.record_id == record_id)
                .order_by(hh.log_idx)
            ):
                steps.append(
                    {
                        "batch": r.batch_id,
                        "from": r.from_state,
                        "to": r.to_state,
                        "by": r.actor,
                        "time": r.time,
                        "note": r.note,
                        "log_index": r.log_idx,
                    }
                )
    return {
        "record": f"{roster_id}/{record_id}",
        "name": current.display_name,
        "erased": current.erased_idx is not None,
        "current": json.loads(current.data),
        "revisions": [
            {
                "revision": r.revision,
                "log_index": r.log_idx,
                "time": r.claimed_time,
                "data": json.loads(r.data),
            }
            for r in revisions
        ],
        "roster_versions": [
            {
                "version": r.version,
                "source": r.source,
                "on_roster": r.revision is not None,
                "revision": r.revision,
            }
            for r in versions
        ],
        "matches": matched,
        "handovers": steps,
    }
