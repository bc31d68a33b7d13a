"""log commands: each party's signed command beside the first entry it made (header v2)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "log_commands",
        sa.Column("first_idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("record", sa.LargeBinary(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=True),  # erased with its entries' payloads
        sa.PrimaryKeyConstraint("first_idx"),
    )
    op.create_index("ux_log_commands_nonce", "log_commands", ["key_id", "nonce"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_log_commands_nonce", table_name="log_commands")
    op.drop_table("log_commands")
