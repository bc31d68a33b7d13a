"""`parley search`: the best records of a roster for a name written in any script."""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from parley.app.lists import SearchHit, search_index
from parley.cli.console import err, failures, out, print_json
from parley.domain.errors import DomainError


def _hits_json(hits: list[SearchHit]) -> list[dict[str, object]]:
    return [
        {"record_id": h.record_id, "score": round(h.score, 6), "explanation": h.explanation}
        for h in hits
    ]


def search_command(
    query: Annotated[str | None, typer.Argument(help="A name in any script and order.")] = None,
    roster: Annotated[Path, typer.Option(help="The roster file to search (CSV or XLSX).")] = Path(),
    birth_date: Annotated[
        str | None, typer.Option(help="As written: YYYY, YYYY-MM-DD, DD.MM.YYYY…")
    ] = None,
    top: Annotated[int, typer.Option(help="How many records.")] = 10,
    queries: Annotated[
        Path | None,
        typer.Option(help="A CSV with a `query` column (and optional `birth_date`)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find the records most like a name; with --queries, many names in one call (JSON lines)."""
    with failures():
        if (query is None) == (queries is None):
            raise DomainError("give one QUERY, or --queries FILE")
        started = time.perf_counter()
        index = search_index(roster)
        for warning in index.warnings:
            err.print(f"[yellow]warning:[/] {warning}")
        if queries is not None:
            with queries.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            if rows and "query" not in rows[0]:
                raise DomainError(f"{queries.name}: no `query` column")
            for row in rows:
                hits = index.search(row["query"], row.get("birth_date") or None, top)
                sys.stdout.write(
                    json.dumps(
                        {"query": row["query"], "results": _hits_json(hits)}, ensure_ascii=False
                    )
                    + "\n"
                )
            return
        assert query is not None
        hits = index.search(query, birth_date, top)
    if as_json:
        print_json(_hits_json(hits))
        return
    out.print(
        f"{len(hits)} of {len(index)} records ({time.perf_counter() - started:.2f} s with indexing):"
    )
    for h in hits:
        out.print(f"  {h.score:.3f} {h.record_id}: {h.explanation}")
