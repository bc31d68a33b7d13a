"""Linkage of person records across rosters: batch linkage on Splink and interactive search."""

from parley.linkage.link import Link, LinkageError, LinkResult, link
from parley.linkage.records import LinkageColumns, LinkageRecord
from parley.linkage.search import SearchHit, SearchIndex

__all__ = [
    "Link",
    "LinkResult",
    "LinkageColumns",
    "LinkageError",
    "LinkageRecord",
    "SearchHit",
    "SearchIndex",
    "link",
]
