"""side lists: each side's signed must-include and veto lists per commitment

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "side_lists",
        sa.Column("commitment_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=32), nullable=False),
        sa.Column("list", sa.String(length=16), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("log_idx", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("commitment_id", "party_id", "list", "person"),
    )


def downgrade() -> None:
    op.drop_table("side_lists")
