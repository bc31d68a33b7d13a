"""Tables: the append-only log and the projections derived from it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData()

# The log: written once per entry, never updated except to erase a payload.
log_entries = Table(
    "log_entries",
    metadata,
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("type", String(64), nullable=False),
    Column("actor", String(32), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("claimed_time", String(40), nullable=False),
    Column("header", LargeBinary, nullable=False),
    Column("signature", LargeBinary, nullable=True),  # on the last entry of a run only
    Column("leaf_hash", LargeBinary, nullable=False),
    Column("payload", LargeBinary, nullable=True),
    Column("salt", LargeBinary, nullable=True),
)

# The party's signed command (docs/log-format.md §4, header v2), beside the first entry of the
# command's entries; its body is erased with the payloads of those entries. Each (key, nonce) once.
log_commands = Table(
    "log_commands",
    metadata,
    Column("first_idx", BigInteger, primary_key=True, autoincrement=False),
    Column("key_id", String(16), nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("record", LargeBinary, nullable=False),
    Column("body", LargeBinary, nullable=True),
)
Index("ux_log_commands_nonce", log_commands.c.key_id, log_commands.c.nonce, unique=True)

# Perfect-subtree hashes of the Merkle tree over the entries (see docs/log-format.md):
# inserted with their entries, never changed, so a proof costs O(log n) reads.
log_nodes = Table(
    "log_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)

# Signed tree heads: the operator's checkpoint note, and the witnesses' cosignatures.
checkpoints = Table(
    "checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary, nullable=False),
    Column("note", LargeBinary, nullable=False),
    Column("signed_at", String(40), nullable=False),
)

cosignatures = Table(
    "cosignatures",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("witness", String(32), primary_key=True),
    Column("line", Text, nullable=False),
)

# --- projections: dropped and replayed by `parley rebuild` ---

instance = Table(
    "instance",
    metadata,
    Column("instance_id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("demo", Boolean, nullable=False),
    Column("created_idx", BigInteger, nullable=False),
)

parties = Table(
    "parties",
    metadata,
    Column("party_id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("registered_idx", BigInteger, nullable=False),
)

# Every key a party ever had: active, retired by rotation, or revoked.
party_keys = Table(
    "party_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("party_id", String(32), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("status", String(8), nullable=False),
    Column("registered_idx", BigInteger, nullable=False),
    Column("ended_idx", BigInteger, nullable=True),
    Column("reason", Text, nullable=False),
)

rosters = Table(
    "rosters",
    metadata,
    Column("roster_id", String(48), primary_key=True),
    Column("party_id", String(32), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("version", Integer, nullable=False),
    Column("record_count", Integer, nullable=False),
)

roster_versions = Table(
    "roster_versions",
    metadata,
    Column("roster_id", String(48), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("source_sha256", String(64), nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("added", Integer, nullable=False),
    Column("removed", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("log_idx", BigInteger, nullable=False),
)

roster_members = Table(
    "roster_members",
    metadata,
    Column("roster_id", String(48), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("record_id", String(128), primary_key=True),
    Column("revision", Integer, nullable=False),
)

# The latest revision of each record a roster ever carried.
person_records = Table(
    "person_records",
    metadata,
    Column("roster_id", String(48), primary_key=True),
    Column("record_id", String(128), primary_key=True),
    Column("party_id", String(32), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("birth_date", String(10), nullable=True),
    Column("category", String(16), nullable=False),
    Column("health", String(32), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("capture_date", String(10), nullable=True),
    Column("data", Text, nullable=False),
    Column("recorded_idx", BigInteger, nullable=False),
    Column("erased_idx", BigInteger, nullable=True),
)

# Every revision of every record, so versions of a roster can be compared.
record_revisions = Table(
    "record_revisions",
    metadata,
    Column("roster_id", String(48), primary_key=True),
    Column("record_id", String(128), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("data", Text, nullable=False),
    Column("log_idx", BigInteger, nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("agreement_id", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("sides", String(80), nullable=False),
    Column("mediator", String(32), nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("data", Text, nullable=False),
    Column("drafted_idx", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
)

# Every version of every agreement, as drafted, so that versions can be compared.
agreement_versions = Table(
    "agreement_versions",
    metadata,
    Column("agreement_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("text_sha256", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("log_idx", BigInteger, nullable=False),
)

agreement_signatures = Table(
    "agreement_signatures",
    metadata,
    Column("agreement_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("party_id", String(32), primary_key=True),
    Column("text_sha256", String(64), nullable=False),
    Column("log_idx", BigInteger, nullable=False),
)

phases = Table(
    "phases",
    metadata,
    Column("phase_id", String(64), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("ordinal", Integer, nullable=False),
    Column("title", Text, nullable=False),
)

commitments = Table(
    "commitments",
    metadata,
    Column("commitment_id", String(64), primary_key=True),
    Column("phase_id", String(64), nullable=False),
    Column("agreement_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("due_date", String(10), nullable=True),
    Column("mode", String(16), nullable=True),
    Column("status", Integer, nullable=False),
    Column("status_note", Text, nullable=False),
    Column("status_idx", BigInteger, nullable=True),
)

matches = Table(
    "matches",
    metadata,
    Column("match_id", String(300), primary_key=True),
    Column("left_ref", String(180), nullable=False),
    Column("right_ref", String(180), nullable=False),
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("duplicate", Boolean, nullable=False),  # both records on one party's rosters
    Column("state", String(16), nullable=False),
    Column("proposed_idx", BigInteger, nullable=False),
    Column("decided_by", String(32), nullable=True),
    Column("decided_idx", BigInteger, nullable=True),
    Column("note", Text, nullable=False),
    # the ambiguous group a candidate too close to another to tell apart belongs to
    Column("group_id", String(64), nullable=True),
)
Index("ix_matches_left", matches.c.left_ref)
Index("ix_matches_right", matches.c.right_ref)
Index("ix_matches_group", matches.c.group_id)

match_acknowledgements = Table(
    "match_acknowledgements",
    metadata,
    Column("match_id", String(300), primary_key=True),
    Column("party_id", String(32), primary_key=True),
    Column("log_idx", BigInteger, nullable=False),
)

side_lists = Table(
    "side_lists",
    metadata,
    Column("commitment_id", String(64), primary_key=True),
    Column("party_id", String(32), primary_key=True),
    Column("list", String(16), primary_key=True),  # must_include | veto
    Column("person", String(200), primary_key=True),
    Column("log_idx", BigInteger, nullable=False),
)

monitor_reports = Table(
    "monitor_reports",
    metadata,
    Column("log_idx", BigInteger, primary_key=True, autoincrement=False),
    Column("commitment_id", String(64), nullable=False),
    Column("monitor", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("place", Text, nullable=False),
    Column("observed_on", String(10), nullable=False),
    Column("text", Text, nullable=False),
)
Index(
    "ix_monitor_reports_commitment", monitor_reports.c.commitment_id, monitor_reports.c.observed_on
)

batches = Table(
    "batches",
    metadata,
    Column("batch_id", String(64), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("phase_id", String(64), nullable=False),
    Column("commitment_id", String(64), nullable=False),
    Column("place", Text, nullable=False),
    Column("planned_date", String(10), nullable=True),
    Column("status", String(16), nullable=False),
    Column("planned_idx", BigInteger, nullable=False),
    Column("closed_idx", BigInteger, nullable=True),
)

handovers = Table(
    "handovers",
    metadata,
    Column("batch_id", String(64), primary_key=True),
    Column("party_id", String(32), primary_key=True),
    Column("record_id", String(128), primary_key=True),
    Column("receiving_party", String(32), nullable=False),
    Column("state", String(32), nullable=False),
    Column("before_dispute", String(32), nullable=True),
    Column("substitute", String(170), nullable=True),
    Column("substitute_for", String(170), nullable=True),
    Column("seq", Integer, nullable=False),
    Column("updated_idx", BigInteger, nullable=False),
    Column("confirmed_idx", BigInteger, nullable=True),  # the mediator's confirmation of receipt
)
Index("ix_handovers_person", handovers.c.party_id, handovers.c.record_id)

handover_history = Table(
    "handover_history",
    metadata,
    Column("log_idx", BigInteger, primary_key=True),
    Column("party_id", String(32), primary_key=True),
    Column("record_id", String(128), primary_key=True),
    Column("batch_id", String(64), nullable=False),
    Column("from_state", String(32), nullable=True),
    Column("to_state", String(32), nullable=False),
    Column("actor", String(32), nullable=False),
    Column("time", String(40), nullable=False),
    Column("note", Text, nullable=False),
    Column("interview", Text, nullable=True),  # sealed to the mediator's key
)
Index("ix_handover_history_person", handover_history.c.party_id, handover_history.c.record_id)

# Each party's agreement to an amendment of a batch: `terms` is the amendment as JSON (added,
# withdrawn, reason); all rows of an amendment turn `in_force` with the last agreement.
batch_amendments = Table(
    "batch_amendments",
    metadata,
    Column("batch_id", String(64), primary_key=True),
    Column("amendment", Integer, primary_key=True, autoincrement=False),
    Column("party_id", String(32), primary_key=True),
    Column("log_idx", BigInteger, nullable=False),
    Column("terms", Text, nullable=False),
    Column("in_force", Boolean, nullable=False),
)

# The server's memory of signed requests: each nonce once, with its first answer (idempotency).
# Not derived from the log, so a rebuild keeps it.
request_nonces = Table(
    "request_nonces",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("created", BigInteger, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("status", SmallInteger, nullable=True),  # None: committed, not yet answered
    Column("answer", LargeBinary, nullable=True),
)

LOG_TABLES = frozenset({"log_entries", "log_commands", "log_nodes", "checkpoints", "cosignatures"})
SERVICE_TABLES = frozenset({"request_nonces"})
PROJECTION_TABLES: tuple[Table, ...] = tuple(
    t for t in metadata.sorted_tables if t.name not in LOG_TABLES | SERVICE_TABLES
)
