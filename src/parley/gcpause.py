"""The cycle collector paused while a batch builds many small objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic garbage collection for the block, then restore it as it was.

    Reading a list or keying its names makes millions of lists, tuples and strings that
    live on; the collector would walk all of them again and again. They form no cycles, so
    reference counting frees what is dropped.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
