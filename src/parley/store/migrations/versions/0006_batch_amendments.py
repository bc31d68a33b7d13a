"""batch amendments: each party's agreement to an amendment of a batch

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch_amendments",
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("amendment", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.String(length=32), nullable=False),
        sa.Column("log_idx", sa.BigInteger(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("in_force", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "amendment", "party_id"),
    )


def downgrade() -> None:
    op.drop_table("batch_amendments")
