"""run signatures: one signature per run of a command's entries, on the run's last entry

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # entries inside a run carry no signature of their own (docs/log-format.md §4)
    with op.batch_alter_table("log_entries") as batch:
        batch.alter_column("signature", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("log_entries") as batch:
        batch.alter_column("signature", existing_type=sa.LargeBinary(), nullable=False)
