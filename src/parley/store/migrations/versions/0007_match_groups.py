"""match groups: the ambiguous group a candidate belongs to (candidates too close to tell apart)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("matches", sa.Column("group_id", sa.String(length=64), nullable=True))
    op.create_index("ix_matches_group", "matches", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_matches_group", table_name="matches")
    with op.batch_alter_table("matches") as batch:
        batch.drop_column("group_id")
