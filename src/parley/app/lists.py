"""Lists outside the ledger: two list files linked, a list file searched by a name.

`parley link` and `parley search` call these, as a served face would: a face reads no file
and runs no linkage itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from parley.errors import N_, ParleyError
from parley.io.linkage_input import read_linkage_columns, read_linkage_records
from parley.io.links import write_links as _write_links
from parley.io.tables import Problem, RosterFileError, read_table
from parley.linkage import Link, LinkageColumns, LinkResult, SearchHit, SearchIndex, link
from parley.linkage.prepare import Progress

__all__ = [
    "Link",
    "LinkResult",
    "LinkageColumns",
    "SearchHit",
    "SearchIndex",
    "link_lists",
    "read_list",
    "read_queries",
    "search_index",
    "write_links",
]


def read_list(path: Path) -> LinkageColumns:
    """A list file (CSV or XLSX) read for linkage; a bad file raises RosterFileError."""
    return read_linkage_columns(path)


def link_lists(
    left: LinkageColumns,
    right: LinkageColumns,
    *,
    threshold: float | None = None,
    one_to_one: bool = False,
    progress: Progress | None = None,
    hold_differing_ids: bool = False,
) -> LinkResult:
    """Link two lists read by `read_list`: each predicted pair explained (`parley.linkage.link`)."""
    return link(
        left,
        right,
        threshold=threshold,
        one_to_one=one_to_one,
        progress=progress,
        hold_differing_ids=hold_differing_ids,
    )


def write_links(path: Path, links: Iterable[Link]) -> None:
    """The links as a CSV file, one explained row a pair."""
    _write_links(path, links)


def search_index(path: Path) -> SearchIndex:
    """A list file (CSV or XLSX) indexed for search by a name in any script."""
    return SearchIndex(read_linkage_records(path))


def read_queries(path: Path) -> list[tuple[str, str | None]]:
    """The names of a query file (CSV or XLSX) with a `query` column and, if it has one, a
    `birth_date` column, row by row; read and refused as a roster file is (RosterFileError)."""
    table = read_table(path)
    headers = [h.casefold() for h in table.headers]
    if "query" not in headers:
        raise RosterFileError([Problem(table.file, 1, None, ParleyError(N_("no `query` column")))])
    at = headers.index("query")
    born = table.columns.index("birth_date") if "birth_date" in table.columns else None
    return [
        (cells[at], cells[born] or None if born is not None else None) for _, cells in table.rows
    ]
