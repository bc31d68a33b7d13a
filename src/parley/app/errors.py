"""The errors raised beneath app that a face tells apart, so a face need not reach past app.

Each is a `ParleyError` branch (parley.errors); a face that only needs one sentence catches
`ParleyError` alone.
"""

from __future__ import annotations

from parley.io.tables import RosterFileError
from parley.log.errors import LogError
from parley.log.verify.report import VerificationFailed

__all__ = ["LogError", "RosterFileError", "VerificationFailed"]
