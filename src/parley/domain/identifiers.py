"""Service and document numbers: when two records carry different ones.

One rule for the whole of Parley: matching refuses to link, and linkage compares,
by the same key. Case, spaces and separators (`- . / № # _`) do not count, nor does
a Cyrillic letter typed where its Latin look-alike was meant, so `АВ-123`, `ab 123`
and `AB123` are one identifier.
"""

from __future__ import annotations

import re

# Cyrillic capitals that look like Latin ones; lower case is folded to upper first.
_LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХУІ", "ABEKMHOPCTXYI")
_SEPARATORS = re.compile(r"[\s\-./№#_]+")


def identifier_key(text: str | None) -> str | None:
    """The identifier as compared: upper case, Latin look-alikes, no separators; None if empty."""
    if text is None:
        return None
    key = _SEPARATORS.sub("", text.upper().translate(_LOOK_ALIKES))
    return key or None


def identifiers_differ(a: str | None, b: str | None) -> bool:
    """True when both records carry the identifier and it is not the same one."""
    ka, kb = identifier_key(a), identifier_key(b)
    return ka is not None and kb is not None and ka != kb
