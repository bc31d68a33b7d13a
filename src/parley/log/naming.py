"""Names the log uses in its public artefacts: its origin and the witnesses' key names."""

from __future__ import annotations

WITNESS_PREFIX = "parley-witness/"


def log_origin(instance_id: str) -> str:
    """The log's name in checkpoints: one per instance."""
    return f"parley/{instance_id}"


def witness_name(party_id: str) -> str:
    """The key name under which a party cosigns checkpoints."""
    return WITNESS_PREFIX + party_id
