"""`parley search`: the best records of a roster for a name written in any script."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from parley.app.language import refusal, user_locale
from parley.cli.console import (
    client,
    failures,
    line_said,
    number,
    out,
    print_json,
    said,
    server,
    warn,
    why,
    with_ledger,
)
from parley.domain.dates import parse_written_date, problem_of
from parley.domain.errors import DomainError
from parley.errors import N_, ParleyError

if TYPE_CHECKING:  # a roster file's index loads DuckDB and Splink: imported when one is searched
    from parley.app.lists import SearchHit, SearchIndex

    # and the instance's, the database (not on a party's search on a server)
    from parley.app.roster_search import RosterHit, RosterSearch


def _hits_json(hits: list[SearchHit] | list[RosterHit]) -> list[dict[str, object]]:
    from parley.app.roster_search import RosterHit

    rows: list[dict[str, object]] = []
    for h in hits:
        row: dict[str, object] = {"record_id": h.record_id}
        if isinstance(h, RosterHit):  # found on the instance: where, and who
            row |= {"roster_id": h.roster_id, "name": h.name, "birth_date": h.birth_date}
        rows.append(row | {"score": round(h.score, 6), "explanation": h.explanation})
    return rows


def _search_served(
    query: str | None,
    named: list[tuple[str, str | None]],
    birth_date: str | None,
    top: int,
    as_json: bool,
    actor: str | None,
) -> None:
    """The instance's search on the server, as the signing party may see it; the same output."""
    ask = client(actor)

    def found(name: str, born: str | None) -> dict[str, Any]:
        body = {"query": name, "birth_date": born, "top": top}
        answer: dict[str, Any] = ask.request("POST", "/v1/searches", body)
        if not answer["records"]:
            if actor is None:
                raise DomainError(N_("there are no roster records you may search yet"))
            raise DomainError(N_("there are no roster records {party} may search yet"), party=actor)
        return answer

    if named:
        for name, born in named:
            hits = found(name, born)["hits"]
            sys.stdout.write(
                json.dumps({"query": name, "results": hits}, ensure_ascii=False) + "\n"
            )
        return
    assert query is not None
    answer = found(query, birth_date)
    if as_json:
        print_json(answer["hits"])
        return
    out.print(
        said(
            N_("{found} of {count} records on {rosters}:"),
            found=len(answer["hits"]),
            count=answer["records"],
            rosters=", ".join(answer["rosters"]),
        )
    )
    for h in answer["hits"]:
        born = _born(h["birth_date"])
        ref = f"{h['roster_id']}/{h['record_id']}"
        out.print(
            f"  {number(h['score'], '.3f')} {ref} {h['name']}{born}: {why(h['explanation'])}",
            markup=False,
        )


def _born(date: str | None) -> str:
    """A found record's birth date after its name, as written on the roster."""
    return said(N_(", born {date}"), date=date) if date else ""


def _warn_of_dates(named: list[tuple[str, str | None]]) -> None:
    """A query's birth date that is no possible date (31.02.1980) is said, not passed over: it
    is still compared as far as it reads (year and month), as a roster's own impossible dates."""
    for query, born in named:
        date = parse_written_date(born)
        problem = problem_of(date) if date is not None else None
        if problem is not None:
            warning = ParleyError(
                N_("the birth date {date} of the query {query}: {problem}; it is compared as far as it reads"),
                date=born, query=query, problem=problem,
            )  # fmt: skip
            warn(escape(refusal(warning, user_locale())))


def search_command(
    query: Annotated[str | None, typer.Argument(help="A name in any script and order.")] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            help="A roster file to search (CSV or XLSX); without it, the instance's rosters"
            " the asking party may see."
        ),
    ] = None,
    birth_date: Annotated[
        str | None, typer.Option(help="As written: YYYY, YYYY-MM-DD, DD.MM.YYYY…")
    ] = None,
    top: Annotated[int, typer.Option(help="How many records.")] = 10,
    queries: Annotated[
        Path | None,
        typer.Option(help="A CSV with a `query` column (and optional `birth_date`)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who searches the instance: the mediator (default) or a side (with --server:"
            " the party whose key is here).",
        ),
    ] = None,
) -> None:
    """Find the records most like a name, in a roster file or in the instance's rosters; with
    --queries, many names in one call (JSON lines)."""
    with failures(N_("nothing was searched")):
        if (query is None) == (queries is None):
            raise DomainError(N_("give one QUERY, or --queries FILE"))
        if query is not None and not query.strip():
            raise DomainError(N_("the name to search for is empty"))
        named: list[tuple[str, str | None]] = []
        if queries is not None:  # refused before indexing
            from parley.app.lists import read_queries

            named = read_queries(queries)
        _warn_of_dates(named or [(query or "", birth_date)])
        started = time.perf_counter()
        index: SearchIndex | RosterSearch
        if roster is None and server() is not None:
            _search_served(query, named, birth_date, top, as_json, actor)
            return
        from parley.app.roster_search import RosterHit, RosterSearch, roster_search

        if roster is None:
            index = with_ledger(lambda ledger: roster_search(ledger, actor=actor or "MED"))
            if not len(index):
                raise DomainError(
                    N_("there are no roster records {party} may search yet"), party=actor or "MED"
                )
        else:  # an instance's records were checked, and warned about, when imported
            from parley.app.lists import search_index

            index = search_index(roster)
            for warning in index.warnings:
                warn(escape(line_said(warning)))
        if queries is not None:
            for name, born in named:
                hits = index.search(name, born, top)
                sys.stdout.write(
                    json.dumps({"query": name, "results": _hits_json(hits)}, ensure_ascii=False)
                    + "\n"
                )
            return
        assert query is not None
        hits = index.search(query, birth_date, top)
    if as_json:
        print_json(_hits_json(hits))
        return
    seconds = time.perf_counter() - started
    if isinstance(index, RosterSearch):
        head = said(
            N_("{found} of {count} records on {rosters} ({seconds:.2f} s with indexing):"),
            found=len(hits),
            count=len(index),
            rosters=", ".join(index.rosters),
            seconds=seconds,
        )
    else:
        head = said(
            N_("{found} of {count} records ({seconds:.2f} s with indexing):"),
            found=len(hits),
            count=len(index),
            seconds=seconds,
        )
    out.print(head)
    for h in hits:
        if isinstance(h, RosterHit):
            born = _born(h.birth_date)
            out.print(
                f"  {number(h.score, '.3f')} {h.ref} {h.name}{born}: {why(h.explanation)}",
                markup=False,
            )
        else:
            out.print(
                f"  {number(h.score, '.3f')} {h.record_id}: {why(h.explanation)}", markup=False
            )
