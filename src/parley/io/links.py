"""Predicted links written as CSV: one explained row per pair, the file whole or not at all."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from parley.io.limits import neutralised
from parley.linkage import Link

# `ambiguous`: the number of the group of candidates too close to tell apart, empty for a link.
COLUMNS = ("left_id", "right_id", "match_probability", "match_weight", "explanation", "ambiguous")


def write_links(path: Path, links: Iterable[Link]) -> None:
    """Written beside `path`, then renamed over it; a cell a spreadsheet could take for a
    formula gets a leading apostrophe."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            for lk in links:
                writer.writerow(
                    (
                        neutralised(lk.left_id),
                        neutralised(lk.right_id),
                        f"{lk.match_probability:.6f}",
                        f"{lk.match_weight:.3f}",
                        neutralised(lk.explanation),
                        lk.ambiguous or "",
                    )
                )
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
