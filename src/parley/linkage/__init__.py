"""Linkage of person records across rosters: batch linkage on Splink and interactive search."""

from parley.linkage.link import DEFAULT_THRESHOLD, Link, LinkageError, LinkResult, link, link_frames
from parley.linkage.records import LinkageColumns, LinkageRecord
from parley.linkage.search import SearchHit, SearchIndex

__all__ = [
    "DEFAULT_THRESHOLD",
    "Link",
    "LinkResult",
    "LinkageColumns",
    "LinkageError",
    "LinkageRecord",
    "SearchHit",
    "SearchIndex",
    "link",
    "link_frames",
]
