"""C2SP tlog-tiles: the tree served as static tiles of 256 hashes, and the entries as bundles.

A tile at level L and index N holds the hashes of the perfect subtrees of height 8L numbered
256N to 256N+255; a partial tile (`.p/W`) holds the first W of them. An entry bundle holds the
entries 256N onwards, each as a big-endian uint16 length and its bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from parley.errors import N_
from parley.log.errors import LogError
from parley.log.nodes import NodeId

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
_INDEX = re.compile(r"(?:x\d{3}/)*\d{3}")
_WIDTH = re.compile(r"[1-9]\d{0,2}")


@dataclass(frozen=True)
class Tile:
    """One tile named by its path; `level` is None for an entry bundle."""

    level: int | None
    index: int
    width: int  # TILE_WIDTH for a full tile

    @property
    def path(self) -> str:
        name = "entries" if self.level is None else str(self.level)
        partial = "" if self.width == TILE_WIDTH else f".p/{self.width}"
        return f"tile/{name}/{encode_index(self.index)}{partial}"

    def node_ids(self) -> list[NodeId]:
        """The tree nodes whose hashes the tile holds, in order (a hash tile only)."""
        level = TILE_HEIGHT * (self.level or 0)
        first = self.index * TILE_WIDTH
        return [NodeId(level, first + j) for j in range(self.width)]

    def entry_range(self) -> range:
        """The entries an entry bundle holds."""
        first = self.index * TILE_WIDTH
        return range(first, first + self.width)

    def available(self, size: int) -> bool:
        """Whether a tree of `size` entries fixes every hash or entry of this tile."""
        level = TILE_HEIGHT * (self.level or 0)
        return (self.index * TILE_WIDTH + self.width) <= size >> level


def encode_index(index: int) -> str:
    """N as path elements of three digits, all but the last prefixed with x: x001/x234/067."""
    digits = f"{index:d}"
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def parse_tile_path(path: str) -> Tile:
    """A tile from its path after `tile/`: `L/N[.p/W]` or `entries/N[.p/W]`."""
    name, _, rest = path.partition("/")
    if name == "entries":
        level = None
    elif name.isdigit() and (name == "0" or not name.startswith("0")) and int(name) < 64:
        level = int(name)
    else:
        raise LogError(N_("not a tile level: {name!r}"), name=name)
    index_part, dot, width_part = rest.partition(".p/")
    if not _INDEX.fullmatch(index_part):
        raise LogError(N_("not a tile index: {index_part!r}"), index_part=index_part)
    width = TILE_WIDTH
    if dot:
        if not _WIDTH.fullmatch(width_part) or int(width_part) >= TILE_WIDTH:
            raise LogError(N_("not a partial tile width: {width_part!r}"), width_part=width_part)
        width = int(width_part)
    return Tile(level, int(index_part.replace("x", "").replace("/", "")), width)


def hash_tile(hashes: Sequence[bytes]) -> bytes:
    return b"".join(hashes)


def entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries as a tlog-tiles bundle: each a big-endian uint16 length, then its bytes."""
    out = bytearray()
    for data in entries:
        if len(data) > 0xFFFF:
            raise LogError(
                N_("an entry of {count} bytes does not fit an entry bundle"), count=len(data)
            )
        out += len(data).to_bytes(2, "big") + data
    return bytes(out)


def read_bundle(data: bytes) -> list[bytes]:
    """The entries of a bundle, for a client that checks them."""
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise LogError(N_("an entry bundle ends inside a length"))
        length = int.from_bytes(data[at : at + 2], "big")
        entries.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    if at != len(data):
        raise LogError(N_("an entry bundle ends inside an entry"))
    return entries
