"""The verifiable log: RFC 9162 tree and proofs, C2SP notes, checkpoints and cosignatures.

Byte formats: docs/log-format.md.
"""

from parley.log.errors import LogError, ProofError, ProofRequestError
from parley.log.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from parley.log.nodes import (
    MemoryNodeStore,
    Node,
    NodeId,
    NodeReader,
    NodeStore,
    append,
    append_leaves,
    consistency_proof_from_nodes,
    inclusion_proof_from_nodes,
    root_from_nodes,
)

__all__ = [
    "LogError",
    "MemoryNodeStore",
    "Node",
    "NodeId",
    "NodeReader",
    "NodeStore",
    "ProofError",
    "ProofRequestError",
    "append",
    "append_leaves",
    "consistency_proof",
    "consistency_proof_from_nodes",
    "inclusion_proof",
    "inclusion_proof_from_nodes",
    "leaf_hash",
    "root_from_nodes",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]
